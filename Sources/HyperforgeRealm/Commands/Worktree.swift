import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct WorktreeOptions: Sendable {
        public var target = Target()
        public var rfc = ""
        /// Only these domains (default: every domain this repository is in).
        public var domains: [String] = []
        /// Where other members are on this machine, `NAME=PATH` (before the coordinator's registry).
        public var members: [String: String] = [:]
        public var dryRun = false
        public init() {}
    }

    /// `git realm worktree --rfc NAME`: the branch `feat/NAME` and a linked
    /// worktree `.worktrees/feat-NAME/` in this repository and in every other
    /// member of its domains on this machine (RFC "Coordinated Changes").
    public static func worktree(_ options: WorktreeOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        try checkName(options.rfc, kind: "--rfc")
        let snapshot = try fetchedSnapshot(repository, membership)
        let mine = snapshot.domains.filter { $0.value.record.members.contains(membership.repo) }
        for d in options.domains where mine[d] == nil {
            throw snapshot.domains[d] == nil ? RealmError.unknownDomain(d)
                : RealmError.invalidOption(flag: "--domain", value: d, expected: "a domain \(membership.repo) is a member of: " + mine.keys.sorted().joined(separator: ", "))
        }
        let domains = options.domains.isEmpty ? Array(mine.keys) : options.domains
        var wanted = Set(domains.flatMap { mine[$0]!.record.members })
        wanted.insert(membership.repo)
        guard let root = repository.mainWorkTree else { throw RealmError.notAMember(repository: repository.gitDirectory) }
        var paths: [String: String] = [membership.repo: root]
        for (name, path) in options.members {
            try checkName(name, kind: "--member")
            guard wanted.contains(name) else {
                throw RealmError.invalidOption(flag: "--member", value: "\(name)=\(path)", expected: "a member of " + domains.sorted().joined(separator: ", ") + ": " + wanted.sorted().joined(separator: ", "))
            }
            let repo: Repository
            do { repo = try Repository.discover(from: context.resolve(path), environment: GitEnvironment.detached(context.environment)) } catch {
                throw RealmError.invalidOption(flag: "--member", value: "\(name)=\(path)", expected: "the path of \(name)'s repository on this machine (\(path) is not a git repository)")
            }
            guard let m = try Membership.read(repo), m.realm == membership.realm, m.repo == name, let r = repo.mainWorkTree else {
                throw RealmError.invalidOption(flag: "--member", value: "\(name)=\(path)", expected: "the path of \(name)'s repository, a member of realm \(membership.realm) as \(name)")
            }
            paths[name] = r
        }
        if wanted.contains(where: { paths[$0] == nil }) {
            for (name, path) in registeredMembers(realm: membership.realm, context: context) where wanted.contains(name) && paths[name] == nil {
                paths[name] = path
            }
        }
        let missing = wanted.filter { paths[$0] == nil }.sorted()
        var participants: [CoordinatedChange.Participant] = []
        for name in wanted.sorted() {
            guard let path = paths[name] else { continue }
            let repo = try Repository.discover(from: path, environment: GitEnvironment.detached(context.environment))
            let base: String
            switch try repo.head() {
            case .branch(let b): base = b
            case .unborn(let b): throw RealmError.cannotOpenRequest(repo: name, problem: "branch \(b) has no commits yet")
            case .detached(let id): throw RealmError.cannotOpenRequest(repo: name, problem: "HEAD is detached at \(id.prefix(12)); check out the branch the change starts from")
            }
            participants.append(.init(repo: name, path: path, base: base))
        }
        let change = CoordinatedChange(name: options.rfc, participants: participants)
        let branch = change.branch
        let check = try await ChildProcess.run(["git", "check-ref-format", "refs/heads/" + branch], environment: GitEnvironment.detached(context.environment))
        guard check.exitCode == 0 else { throw RealmError.invalidName(kind: "--rfc", name: options.rfc, problem: "does not make a valid branch name (\(branch))") }

        for p in participants { try CoordinatedChange.checkWorktreesDirectory(root: p.path, name: options.rfc, repo: p.repo) }
        out.line("\(options.dryRun ? "Would create" : "Creating") unified worktree '\(branch)':")
        for p in change.mergeOrder(snapshot) {
            let dir = CoordinatedChange.worktreeDirectory(options.rfc)
            let worktree = p.worktree(options.rfc)
            let env = GitEnvironment.detached(context.environment)
            func git(_ args: [String]) async throws -> ChildProcess.Result {
                try await ChildProcess.run(["git", "-C", p.path] + args, environment: env, directory: p.path)
            }
            let hasBranch = try await git(["rev-parse", "--verify", "--quiet", "refs/heads/" + branch]).exitCode == 0
            let listed = try await git(["worktree", "list", "--porcelain"]).stdout
            if listed.split(separator: "\n").contains(where: { $0 == "worktree \(worktree)" }) {
                out.line("\(out.styled("✓", .green)) \(p.repo): \(dir)/ (already there)")
                continue
            }
            if options.dryRun {
                out.line("  \(p.repo): \(dir)/ on \(hasBranch ? "the existing branch \(branch)" : "a new branch \(branch) from \(p.base)")")
                continue
            }
            // Out of the repository's status: .git/info/exclude (never a tracked file).
            try await excludeWorktrees(p.path, env: env)
            let made = try await git(["worktree", "add", "--quiet"] + (hasBranch ? [worktree, branch] : ["-b", branch, worktree, p.base]))
            guard made.exitCode == 0 else { throw RealmError.worktreeFailed(repo: p.repo, path: worktree, gitOutput: made.stderr + made.stdout) }
            out.line("\(out.styled("✓", .green)) \(p.repo): \(dir)/")
        }
        for name in missing {
            context.output.stderr.line("warning: \(name) is not on this machine (not in the coordinator's registry of member paths): pass --member \(name)=PATH to include it")
        }
        if options.dryRun {
            out.line("dry run: no branch, worktree or file was changed")
            return .success
        }
        for p in participants {
            let repo = try Repository.discover(from: p.path, environment: GitEnvironment.detached(context.environment))
            try change.write(commonDirectory: repo.commonDirectory)
        }
        out.line("Branch '\(branch)' in \(participants.count) repositor\(participants.count == 1 ? "y" : "ies"): " + change.mergeOrder(snapshot).map(\.repo).joined(separator: ", "))
        return missing.isEmpty ? .success : .warnings
    }

    static func excludeWorktrees(_ root: String, env: [String: String]) async throws {
        let r = try await ChildProcess.run(["git", "-C", root, "rev-parse", "--git-path", "info/exclude"], environment: env, directory: root)
        var path = r.stdout.trimmedLines()
        guard r.exitCode == 0, !path.isEmpty else { return }
        if !path.hasPrefix("/") { path = root + "/" + path }
        let existing = (try? FileRead.bytes(path, limit: 1 << 20)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard !existing.split(separator: "\n").contains("/.worktrees/") else { return }
        if let parent = FilePaths.parent(path) { try FilePaths.makeDirectories(parent) }
        let text = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + "# git realm worktree\n/.worktrees/\n"
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
    }

    /// The realm as this member last fetched it.
    static func fetchedSnapshot(_ repository: Repository, _ membership: Membership) throws -> RealmSnapshot {
        guard let tip = try repository.resolve(membership.fetchedRef) else {
            throw RealmError.neverFetched(realm: membership.realm)
        }
        return try RealmReader.state(of: repository, commit: tip).snapshot!
    }
}
