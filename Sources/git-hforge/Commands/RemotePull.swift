import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct RemotePull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Clone an org's or a user's repositories, each set up for all its forges.",
            usage: "git hforge remote <forge> pull (--org <org> | --user <user>) (--all | <name> ...) [--path <dir>] [--include-archived] [--include-forks] [--jobs <n>] [--dry-run] [--yes | --no-defaults] [--json]",
            discussion: """
            Each repository is cloned into DIR/NAME with the real git (your ssh, credential \
            helpers and insteadOf apply; for a forge of yours the hforge credential helper and \
            the forge's ssh key are used for the clone too), gets a .hyperforge/config.toml \
            holding only what the defaults.toml files above it do not already say, and \
            remotes for every forge of its effective config, set as 'git hforge init' sets \
            them. A clone is made in DIR/.hforge-pull-PID-NAME and moved into place when it \
            is complete, so an interrupted pull leaves no half-made repository and running \
            it again finishes the rest. A repository already in DIR/NAME is never \
            overwritten: it is fetched from the forge and its remotes reconciled (a config \
            it has is kept; a remote that points elsewhere fails that repository, as init \
            would refuse). A directory there that is no repository fails that name.

            When no defaults.toml above DIR (or in it) says org or forges, pull asks on a terminal 'No workspace \
            defaults found. Create .hyperforge/defaults.toml? [Y/n]' and writes org and \
            forges = ["FORGE"] there; --yes writes it without asking, --no-defaults never \
            does (then each config.toml holds forges and org). Without a terminal and \
            neither flag, none is written.

            With --all, archived repositories and forks are skipped unless \
            --include-archived / --include-forks; named ones are pulled whatever they are. \
            --jobs N repositories at once (default 8). On a terminal, progress on stderr \
            (done of total, the ones in flight). Repositories are reported in name order, \
            each once those before it are done; at the end a summary: cloned, updated, \
            skipped, failed. A failure does not stop the others. A config.toml that pull \
            writes is new in the work tree and not committed: review and commit it (until \
            then 'git hforge workspace status' counts the repository as changed); the \
            summary says how many got one.

            --dry-run lists the owner's repositories (a read-only request, printed), prints \
            what would be cloned, updated or skipped, and changes nothing: no clone, fetch, \
            file or request that changes anything.

            Exit status: 0 every repository was cloned, updated or skipped; 1 at least one \
            failed (each is named with its error), or the listing failed; 2 the forge is \
            declared only by a repository's committed config; 3 configuration error; \
            4 environment error (DIR unusable); 64 usage error.
            """ + "\n\n" + JSONHelp.shape("""
            {"forge", "owner", "directory", "dry_run", "repositories": [{"name", "path", \
            "outcome": "cloned" | "updated" | "skipped" | "failed" (a dry run: "would-clone" | \
            "would-update" | "skipped" | "failed"), "reason" (why it was skipped, else null), \
            "url" (what it is or would be cloned or fetched from; null when skipped or \
            failed), "error": {"message", "hint", "exit_status"} or null, "config_written" \
            (this pull wrote its .hyperforge/config.toml, not committed)}] in name order, \
            "summary": {"total", "cloned", "updated", "skipped", "failed"}}; with --json every \
            other line (a dry run's requests, the defaults written) goes to stderr. A failed \
            repository is in the document with its error (the hint on stderr points there), \
            and the exit status is 1.
            """)
        )
        @Argument(help: "The forge (github, codeberg, gitlab or a custom forge).", completion: .forgeName)
        var forge: String
        @OptionGroup var owner: OwnerOptions
        @Flag(help: "Every repository of the owner (archived ones and forks only when included).")
        var all = false
        @Argument(help: "The repositories to pull (instead of --all).")
        var names: [String] = []
        @Option(help: ArgumentHelp("The directory to clone into (default: the current directory).", valueName: "dir"), completion: .directory)
        var path: String?
        @Flag(help: "With --all, also pull archived repositories.")
        var includeArchived = false
        @Flag(help: "With --all, also pull forks.")
        var includeForks = false
        @Option(help: ArgumentHelp("Repositories to clone or update at once (1 to 64).", valueName: "n"))
        var jobs: Int = 8
        @Flag(help: "Print what would be done and change nothing.")
        var dryRun = false
        @Flag(help: "Write DIR/.hyperforge/defaults.toml without asking when none applies.")
        var yes = false
        @Flag(help: "Never write a defaults.toml.")
        var noDefaults = false
        @Flag(help: "Print the outcome as JSON.")
        var json = false

        func validate() throws {
            if all && !names.isEmpty { throw ValidationError("give --all or names, not both") }
            if !all && names.isEmpty { throw ValidationError("give --all or the names of the repositories to pull") }
            if yes && noDefaults { throw ValidationError("give --yes or --no-defaults, not both") }
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes 1 to 64, got \(jobs)") }
        }

        func run() async throws {
            var options = Hforge.RemotePullOptions(forge: forge)
            options.org = owner.org
            options.user = owner.user
            options.names = all ? nil : names
            options.path = path
            options.includeArchived = includeArchived
            options.includeForks = includeForks
            options.jobs = jobs
            options.dryRun = dryRun
            options.defaults = yes ? .write : (noDefaults ? .never : .ask)
            options.json = json
            try await execute(.hforge, json: json) { try await Hforge.remotePull(options, context: $0) }
        }
    }
}
