import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make git match .hyperforge/config.toml.",
            discussion: """
            Adds missing remotes, fixes wrong URLs and key settings. Remotes that the config \
            does not name are listed; they are removed only with --force (without it: a \
            warning, nothing removed, exit status 2). The credential helper is configured only \
            for forges your own files declare, as with init. Prints the plan, then what it did.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: ArgumentHelp("First create the repository on each forge where it is missing (through the forge's API).",
                                  discussion: "As for init --create: looked up first, created only when missing, never changed; --dry-run makes only the look-ups and prints the request that would create it."))
        var create = false
        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false
        @Flag(help: "Also remove remotes that are not in the config.")
        var force = false

        func run() async throws {
            var options = Hforge.SyncOptions()
            options.path = repository.path
            options.create = create
            options.dryRun = dryRun
            options.force = force
            try await execute(.hforge) { options.create ? try await Hforge.syncCreating(options, context: $0) : try Hforge.sync(options, context: $0) }
        }
    }
}
