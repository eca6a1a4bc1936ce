import ArgumentParser

extension GitRealm.Admin {
    struct Cache: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect or clear the check cache (.git/realm/cache.db).",
            subcommands: [Stats.self, Clear.self]
        )
    }
}
