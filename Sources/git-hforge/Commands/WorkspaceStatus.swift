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
            changes but 'git hforge status's cache in .git/hforge. A \
            repository that cannot be read (a malformed config, a broken repository) is \
            reported with its error; the others go on.

            Cache: each repository's line is kept in $XDG_STATE_HOME/hyperforge/workspace-status \
            (default ~/.local/state; one 0600 file per repository in 0700 directories, named by a \
            hash of the work tree's path) with the stat fingerprints (size, inode, mtime, ctime, \
            mode) of everything it was computed from: the config chain (config.toml, the \
            defaults.toml files above, auth.toml), git's config files, HEAD, the branch and the \
            forges' tracking refs (loose and packed-refs), the index, info/exclude and the \
            excludes and attributes files, every directory of the work tree that is not ignored \
            and every file in them, and every tracked path. The next run uses the line only \
            while every fingerprint matches: an edit, a new or deleted file, a staged change, a \
            commit, a checkout, a fetch or a config change is read afresh. As git does with an \
            index entry as new as the index, a line is not kept while any of its inputs changed \
            in the last 3 seconds (a second change within the same timestamp tick would not \
            show). Repositories with a submodule, with included git config files, without a \
            config.toml of their own (--all-repos), work trees whose .git is a file (linked \
            worktrees, --separate-git-dir), and runs with git -c's GIT_CONFIG_PARAMETERS set are \
            read with libgit2 every time. GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and the other \
            variables that name one repository are ignored: each member is read as itself. A \
            cache file that is not yours, is readable or writable by others, or is a symbolic \
            link is not used. --no-cache reads every repository with libgit2 (the lines read \
            are kept for the next run); deleting the directory is always safe.

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
