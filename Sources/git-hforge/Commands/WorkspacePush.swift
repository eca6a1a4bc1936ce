import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct WorkspacePush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Push every repository to its forges, in path order, stopping at the first failure.",
            discussion: """
            'git hforge push' for each member, one after another in path order: its current \
            branch (and tags with --tags) to every forge in config order, with the real git. \
            The first repository that fails stops the run: the report says which were pushed, \
            which failed and which were not attempted (not contacted at all). --keep-going \
            pushes the rest and reports every failure. --dry-run says what would be pushed where \
            and contacts nothing.

            Exit status: 0 every repository was pushed; 1 any failed (push rejected, no branch, \
            a malformed config); 2 a remote is not ready ('git hforge workspace sync' fixes it) \
            and nothing failed otherwise; 4 the directory does not exist; 64 usage error.
            """ + "\n\n" + WorkspaceHelp.push
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Push all tags as well.")
        var tags = false
        @Flag(help: "Print what would be pushed where, and contact nothing.")
        var dryRun = false
        @Flag(help: "Go on after a repository fails, and report every failure.")
        var keepGoing = false

        func run() async throws {
            var options = Hforge.WorkspacePushOptions()
            options.workspace = workspace.options(json: json)
            options.tags = tags
            options.dryRun = dryRun
            options.keepGoing = keepGoing
            try await execute(.hforge, json: json) { try await Hforge.workspacePush(options, context: $0) }
        }
    }
}

/// What the man pages say about each workspace command's --json document.
enum WorkspaceHelp {
    static let error = "\"error\" is null or {\"message\", \"hint\", \"exit_status\"} (that repository's failure; the others go on)"
    static let list = JSONHelp.shape("""
        {"root", "repositories": [{"path", "relative_path", "kind": "repository" | "submodule" | \
        "worktree", "reason", "own_config"}], "skipped": [{"path", "relative_path", "reason"}], "warnings": [text]}.
        """)
    static let status = JSONHelp.shape("""
        {"root", "repositories": [{"path", "relative_path", "kind", "branch" (null when detached or with no commits; \
        "head" says what HEAD is), "head_state": "branch" | "detached" | "no-commits", "detached_commit" \
        (the first 12 hex digits of a detached HEAD's commit, else null), "changes": {"staged", "unstaged", \
        "untracked", "conflicted"}, "clean", "forges" (as 'git hforge status --json' gives them, each with \
        "ahead_behind": "compared" | "not-fetched" | "not-applicable" (detached or no commits: "ahead" and \
        "behind" are null)), "extra_remotes", "warnings", "in_sync", "error"}], "summary": {"total", "clean", \
        "dirty", "in_sync", "drifted", "ahead", "behind", "no_branch" (detached + no_commits), "detached", \
        "no_commits", "failed", "skipped"}}; with --changed, "repositories" holds only \
        those with something to say and "summary" still counts all. \(error); head, head_state, changes, \
        clean and in_sync are null in a repository that failed.
        """)
    static let fetch = JSONHelp.shape("""
        {"root", "dry_run", "repositories": [{"path", "relative_path", "forges": [{"forge", "url", \
        "outcome": "fetched" | "would-fetch" | "failed" | "missing", "error"}], "error"}], "summary": \
        {"total", "fetched", "failed"}}; \(error).
        """)
    static let sync = JSONHelp.shape("""
        {"root", "dry_run", "repositories": [{"path", "relative_path", "actions": [text], \
        "extra_remotes": [{"remote", "url"}], "notes": [text], "on_forges": [text] (what \
        each forge said or did, with --create), "outcome": "unchanged" | "changed" | \
        "would-change" | "refused" | "failed", "error"}], "summary": {"total", "changed", \
        "would_change", "refused", "failed"}}; \(error).
        """)
    static let push = JSONHelp.shape("""
        {"root", "dry_run", "keep_going", "repositories": [{"path", "relative_path", "outcome": \
        "pushed" | "would-push" | "failed" | "not-attempted", "output": [text], "error"}], \
        "summary": {"total", "pushed": [relative_path], "failed": [...], "not_attempted": [...]}}; \(error).
        """)
}
