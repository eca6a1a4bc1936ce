import ArgumentParser

extension GitRealm.Admin {
    struct Domain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create coordination domains.", subcommands: [Create.self])
    }
}
