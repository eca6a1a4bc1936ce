import ArgumentParser

extension GitRealm.Admin {
    struct Binding: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Edit a repository's bindings (what it imports and exports).", subcommands: [Set.self])
    }
}
