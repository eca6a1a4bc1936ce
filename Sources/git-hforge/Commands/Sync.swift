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
            for forges your own files declare, as with init; a helper of hforge's in the \
            repository's own git config for a URL no forge of the config uses any more (a \
            changed web_url, a forge removed) is removed, with its useHttpPath (other \
            helpers, and any in your global config, are left alone). Prints the plan, then \
            what it did.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: ArgumentHelp("First create the repository on each forge where it is missing (through the forge's API).",
                                  discussion: "As for init --create: looked up first, created only when missing, never changed; --dry-run makes only the look-ups and prints the request that would create it; a forge whose scope holds no token is shown as unknown with the 'git scope set' that stores one, and the rest is still planned (exit status 0). Creating failed on a forge: exit status 1, and git is not changed."))
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
