import ArgumentParser

extension GitRealm.Admin {
    struct Trust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Edit the realm's trust settings (trust in realm.yaml).", subcommands: [Set.self])
    }
}
