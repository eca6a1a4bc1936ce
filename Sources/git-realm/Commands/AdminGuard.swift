import ArgumentParser

extension GitRealm.Admin {
    struct Guard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enforce the realm's rules where clients cannot skip them (a pre-receive hook or a CI workflow).",
            subcommands: [Install.self]
        )
    }
}
