import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct WorktreeRemoveOptions: Sendable {
        public var target = Target()
        public var name = ""
        public var force = false
        public var dryRun = false
        public init() {}
    }

    /// `git realm worktree remove NAME`: removes the change's worktree from
    /// every participant (the branches stay). Refuses, removing nothing, while
    /// any has uncommitted changes, unless `force`.
    public static func worktreeRemove(_ options: WorktreeRemoveOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let change = try coordinatedChange(options.name, repository: repository)
        var dirty: [String] = []
        var present: [CoordinatedChange.Participant] = []
        for p in change.participants {
            try CoordinatedChange.checkWorktreesDirectory(root: p.path, name: change.name, repo: p.repo)
            let state = await worktreeState(p.worktree(change.name), context: context)
            if state.exists { present.append(p) }
            if state.dirty {
                let count = state.changes.split(separator: "\n").count
                dirty.append("\(p.repo): \(p.worktree(change.name)) (\(count) changed file\(count == 1 ? "" : "s"))")
            }
        }
        if !dirty.isEmpty && !options.force { throw RealmError.worktreesDirty(dirty) }
        let env = GitEnvironment.detached(context.environment)
        for p in change.participants {
            let worktree = p.worktree(change.name)
            guard present.contains(p) else {
                out.line("  \(p.repo): \(CoordinatedChange.worktreeDirectory(change.name))/ is already gone")
                continue
            }
            if options.dryRun {
                out.line("Would remove \(p.repo): \(CoordinatedChange.worktreeDirectory(change.name))/" + (dirty.contains { $0.hasPrefix(p.repo + ":") } ? " (with its uncommitted changes: --force)" : ""))
                continue
            }
            let r = try await ChildProcess.run(["git", "-C", p.path, "worktree", "remove"] + (options.force ? ["--force"] : []) + [worktree],
                                               environment: env, directory: p.path)
            guard r.exitCode == 0 else { throw RealmError.worktreeFailed(repo: p.repo, path: worktree, gitOutput: r.stderr + r.stdout) }
            // .worktrees/ goes too once its last worktree has: rmdir(2) removes
            // only an empty directory, so another change's worktree (or anything
            // else put there) keeps it.
            let removedParent = rmdir(p.path + "/" + CoordinatedChange.worktreesDirectory) == 0
            out.line("\(out.styled("✓", .green)) \(p.repo): removed \(CoordinatedChange.worktreeDirectory(change.name))/"
                     + (removedParent ? " and the empty \(CoordinatedChange.worktreesDirectory)/" : "") + " (branch \(change.branch) kept)")
        }
        if options.dryRun {
            out.line("dry run: no worktree was removed")
            return .success
        }
        for p in change.participants {
            if let repo = try? Repository.discover(from: p.path, environment: env) { CoordinatedChange.remove(commonDirectory: repo.commonDirectory, name: change.name) }
        }
        return .success
    }
}
