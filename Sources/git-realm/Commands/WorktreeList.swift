import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Worktree {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the coordinated changes recorded in this repository and their worktrees.",
            discussion: """
            For each change: every participant's worktree, whether it exists, its HEAD and \
            whether it has uncommitted changes (git status). Reads only. \
            JSON: {"worktrees": [{"name", "branch", "participants": [{"repo", "path", \
            "worktree", "base", "exists", "head" (null when missing), "dirty"}]}]}.

            Exit status: 0; 4 not a git repository.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.WorktreeListOptions()
            o.target = repository.target
            o.json = json
            try await execute(.realm, json: o.json) { try await Realm.worktreeList(o, context: $0) }
        }
    }
}
