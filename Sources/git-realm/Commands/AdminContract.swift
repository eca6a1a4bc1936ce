import ArgumentParser

extension GitRealm.Admin {
    struct Contract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish contracts.", subcommands: [Publish.self])
    }
}
