import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct WorktreeListOptions: Sendable {
        public var target = Target()
        public var json = false
        public init() {}
    }

    /// `git realm worktree list`: the coordinated changes recorded in this
    /// repository, each participant's worktree, branch head and whether it has uncommitted changes.
    public static func worktreeList(_ options: WorktreeListOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        var changes: [JSONValue] = []
        var lines: [String] = []
        for change in CoordinatedChange.all(commonDirectory: repository.commonDirectory) {
            lines.append("\(change.branch):")
            var members: [JSONValue] = []
            for p in change.participants {
                let state = await worktreeState(p.worktree(change.name), context: context)
                members.append(.object(["repo": .string(p.repo), "path": .string(p.path), "worktree": .string(p.worktree(change.name)),
                                        "base": .string(p.base), "exists": .bool(state.exists), "head": state.head.map(JSONValue.string) ?? .null,
                                        "dirty": .bool(state.dirty)]))
                let what = !state.exists ? "missing" : (state.dirty ? "uncommitted changes" : "clean") + (state.head.map { " at \($0.prefix(12))" } ?? "")
                lines.append("  \(p.repo): \(p.worktree(change.name)) (\(what))")
            }
            changes.append(.object(["name": .string(change.name), "branch": .string(change.branch), "participants": .array(members)]))
        }
        if options.json {
            out.line(JSONOutput.render(.object(["worktrees": .array(changes)])))
        } else {
            out.line(lines.isEmpty ? "no coordinated changes here (git realm worktree --rfc NAME starts one)" : lines.joined(separator: "\n"))
        }
        return .success
    }

    struct WorktreeState { var exists: Bool; var head: String?; var dirty: Bool; var changes: String }

    static func worktreeState(_ path: String, context: Context) async -> WorktreeState {
        guard FilePaths.isDirectory(path) else { return WorktreeState(exists: false, head: nil, dirty: false, changes: "") }
        let env = GitEnvironment.detached(context.environment)
        let head = try? await ChildProcess.run(["git", "-C", path, "rev-parse", "--verify", "--quiet", "HEAD"], environment: env, directory: path)
        let status = try? await ChildProcess.run(["git", "-C", path, "status", "--porcelain"], environment: env, directory: path)
        let changes = status?.exitCode == 0 ? status!.stdout : "(git status failed)"
        return WorktreeState(exists: true, head: head?.exitCode == 0 ? head!.stdout.trimmedLines() : nil, dirty: !changes.isEmpty, changes: changes)
    }
}
