import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct WorkspaceFetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch every forge of every repository, with the real git.",
            discussion: """
            'git fetch FORGE' for each forge of each member, in config order, --jobs \
            repositories at once (default 4); your ssh, credential helpers and insteadOf apply. \
            A forge that fails (or whose remote is missing) is reported and the others go on. \
            --dry-run says what would be fetched from where and contacts nothing.

            Prompts take turns: git's GIT_ASKPASS and ssh's SSH_ASKPASS (with \
            SSH_ASKPASS_REQUIRE=force) are our own executable, through links in a private \
            directory made for the run and removed after it. Asked by git or ssh, it waits for the \
            run's lock, then runs your own askpass program (GIT_ASKPASS, core.askPass, or \
            SSH_ASKPASS where ssh would have used it) or asks on /dev/tty (without echo, except for \
            a user name or a yes/no question), so that one password, passphrase or host-key question \
            is on the terminal at a time; the progress line is not drawn meanwhile. With no \
            terminal and no askpass program of yours, a fetch that needs an answer fails, as git \
            alone would. SSH_ASKPASS_REQUIRE=never keeps ssh's own terminal prompt (not serialised).

            Exit status: 0 every forge of every repository was fetched; 1 any fetch failed or a \
            repository could not be read; 2 only missing remotes ('git hforge workspace sync' \
            adds them); 4 the directory does not exist; 64 usage error.
            """ + "\n\n" + WorkspaceHelp.fetch
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Option(help: ArgumentHelp("How many repositories to fetch at once (default 4).", valueName: "n"))
        var jobs: Int?
        @Flag(help: "Say what would be fetched, and contact nothing.")
        var dryRun = false

        func validate() throws { try checkJobs(jobs) }

        func run() async throws {
            var options = Hforge.WorkspaceFetchOptions()
            options.workspace = workspace.options(json: json, jobs: jobs)
            options.dryRun = dryRun
            try await execute(.hforge, json: json) { try await Hforge.workspaceFetch(options, context: $0) }
        }
    }
}
