import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct WorkspaceStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "One line per repository: branch, clean or dirty, each forge's state.",
            discussion: """
            For each member: its branch (or 'detached at COMMIT', or 'branch B (no commits yet)': \
            then each forge reads n/a, as there is no branch to count ahead/behind from), whether its work tree is clean \
            (else how many paths are staged, modified, untracked, conflicted, as git status \
            counts them), and for each forge what 'git hforge status' says: up to date, or \
            ahead N / behind N of the forge's last-fetched branch (not fetched when it never was), \
            or missing, wrong-url, wrong-key; remotes not in the config are extra. A \
            summary counts them at the end. Read in-process with libgit2, --jobs repositories \
            at once (default: one per CPU); nothing is fetched and nothing in any repository \
            changes ('git hforge status's cache in .git/hforge is used and refreshed; the work \
            tree itself is read every time, so an edit always shows). A \
            repository that cannot be read (a malformed config, a broken repository) is \
            reported with its error; the others go on.

            Exit status: 0 every repository was read (drift is reported, not a failure); 1 any \
            could not be (each has its error); 4 the directory does not exist; 64 usage error.
            """ + "\n\n" + WorkspaceHelp.status
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Show only repositories with something to say (dirty, drifted, ahead or behind, no branch, warnings, failed).")
        var changed = false
        @Option(help: ArgumentHelp("How many repositories to read at once (default: one per CPU).", valueName: "n"))
        var jobs: Int?
        @Flag(help: "Read every repository with libgit2, using no cached line or report (what is read is kept for the next run).")
        var noCache = false

        func validate() throws { try checkJobs(jobs) }

        func run() async throws {
            var options = Hforge.WorkspaceStatusOptions()
            options.workspace = workspace.options(json: json, jobs: jobs)
            options.changed = changed
            options.noCache = noCache
            try await execute(.hforge, json: json) { try await Hforge.workspaceStatus(options, context: $0) }
        }
    }
}
