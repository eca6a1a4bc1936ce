import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Worktree {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a coordinated change's worktrees from every participant (the branches stay).",
            discussion: """
            Checks every participant first: while any worktree has uncommitted changes \
            (tracked or untracked files, as git status shows them) nothing is removed, unless \
            --force, which removes them with their changes. The branch feat/NAME stays in each \
            repository; the record in .git/realm/worktrees/NAME goes.

            Exit status: 0 removed; 2 refused (uncommitted changes, listed); 1 git could not \
            remove a worktree; 4 no such change recorded here.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The change's name (feat/NAME).", valueName: "name"))
        var name: String
        @Flag(help: "Remove worktrees with uncommitted changes too (the changes are lost).")
        var force = false
        @Flag(help: "Print what would be removed; change nothing.")
        var dryRun = false
        func run() async throws {
            var o = Realm.WorktreeRemoveOptions()
            o.target = repository.target
            o.name = name
            o.force = force
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.worktreeRemove(o, context: $0) }
        }
    }
}
