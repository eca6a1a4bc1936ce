import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct WorkspaceStatusOptions: Sendable {
        public var workspace = WorkspaceOptions()
        /// Only the repositories with something to say.
        public var changed = false
        /// Read every repository afresh (no cached line or report is used; what is read is kept).
        public var noCache = false
        public init() {}
    }

    /// One repository's line of `git hforge workspace status`.
    public struct WorkspaceRepositoryStatus: Codable, Sendable {
        public var path: String
        public var relativePath: String
        public var kind: String
        /// nil when detached, or when the repository could not be read.
        public var branch: String?
        public var head: String?
        /// "branch", "detached" or "no-commits"; nil when the repository could not be read.
        public var headState: HeadState?
        /// The commit a detached HEAD is at (its first 12 hex digits); nil otherwise.
        public var detachedCommit: String?
        /// What `git status` would list; nil when the repository could not be read.
        public var changes: WorkTreeChanges?
        public var clean: Bool?
        public var forges: [WorkspaceForgeStatus]
        public var extraRemotes: [ExtraRemote]
        public var warnings: [String]
        public var inSync: Bool?
        public var error: RepositoryError?

        /// Dirty, drifted, ahead or behind a forge, on no branch, warned of or failed.
        var hasNews: Bool {
            error != nil || clean == false || inSync == false || branch == nil || !warnings.isEmpty
                || forges.contains { ($0.status.ahead ?? 0) > 0 || ($0.status.behind ?? 0) > 0 }
        }
    }

    public enum HeadState: String, Codable, Sendable {
        case branch, detached
        case noCommits = "no-commits"
    }

    /// A forge's entry: `git hforge status --json`'s, and whether ahead/behind
    /// could be counted ("ahead_behind").
    public struct WorkspaceForgeStatus: Codable, Sendable {
        public enum AheadBehind: String, Codable, Sendable {
            /// Counted against the forge's last-fetched branch (`tracking_ref`).
            case compared
            /// On a branch the forge's copy of which was never fetched.
            case notFetched = "not-fetched"
            /// HEAD is detached or has no commits: there is no branch to compare.
            case notApplicable = "not-applicable"
        }
        public var status: ForgeStatus
        public var aheadBehind: AheadBehind

        init(_ status: ForgeStatus, head: HeadState) {
            self.status = status
            aheadBehind = head != .branch ? .notApplicable : (status.ahead == nil ? .notFetched : .compared)
        }

        enum CodingKeys: String, CodingKey { case aheadBehind }

        public init(from decoder: any Decoder) throws {
            status = try ForgeStatus(from: decoder)
            aheadBehind = try decoder.container(keyedBy: CodingKeys.self).decode(AheadBehind.self, forKey: .aheadBehind)
        }

        /// Flat: the forge's fields and "ahead_behind" in one object.
        public func encode(to encoder: any Encoder) throws {
            try status.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(aheadBehind, forKey: .aheadBehind)
        }
    }

    public struct WorkspaceStatusSummary: Codable, Sendable {
        public var total = 0, clean = 0, dirty = 0, inSync = 0, drifted = 0, ahead = 0, behind = 0
        /// Detached or with no commits (the two counts below).
        public var noBranch = 0, detached = 0, noCommits = 0
        public var failed = 0, skipped = 0
    }

    public struct WorkspaceStatusReport: Codable, Sendable {
        public var root: String
        public var repositories: [WorkspaceRepositoryStatus]
        public var summary: WorkspaceStatusSummary
    }

    /// One repository's status: its cached line while none of its inputs
    /// changed (see WorkspaceStatusCache), else `git hforge status`'s report
    /// (its cached one while its inputs are unchanged) and the work tree's
    /// changes, read with libgit2; nothing is fetched, nothing written but
    /// the caches.
    static func repositoryStatus(_ member: WorkspaceDiscovery.Member, context: Context, cache: WorkspaceStatusCache?) -> WorkspaceRepositoryStatus {
        var entry = WorkspaceRepositoryStatus(path: member.path, relativePath: member.relativePath, kind: member.kind.rawValue,
                                              forges: [], extraRemotes: [], warnings: [])
        do {
            let (report, changes) = try repositoryState(member, context: context, cache: cache)
            entry.branch = report.branch
            entry.head = report.head
            let head = headState(report)
            entry.headState = head
            if head == .detached { entry.detachedCommit = String(report.head.dropFirst(detachedPrefix.count)) }
            entry.forges = report.forges.map { WorkspaceForgeStatus($0, head: head) }
            entry.extraRemotes = report.extraRemotes
            entry.warnings = report.warnings
            entry.inSync = report.inSync
            entry.changes = changes
            entry.clean = changes.isClean
        } catch {
            entry.error = RepositoryError(error)
        }
        return entry
    }

    /// The report and the work tree's changes, from the cache or read (and then kept).
    static func repositoryState(_ member: WorkspaceDiscovery.Member, context: Context,
                                cache: WorkspaceStatusCache?) throws -> (StatusReport, WorkTreeChanges) {
        // A repository without its own config.toml takes the chain: its report is never cached.
        let cache = member.hasOwnConfig ? cache : nil
        if let hit = cache?.lookup(workTree: member.path) { return hit }
        let start = context.now().timeIntervalSince1970
        var options = StatusOptions()
        options.path = member.path
        options.allowDefaultsOnly = !member.hasOwnConfig
        let report: StatusReport, reportInputs: [InputFingerprint]?
        if let cache, cache.reading, let found = StatusCache.lookupWithInputs(path: member.path, context: context, key: cache.key, shared: cache.shared) {
            (report, reportInputs) = (found.report, found.inputs)
        } else {
            (report, reportInputs) = try recordedStatusReport(options, context: context)
        }
        let repo = try Repository.open(at: member.path, environment: context.environment)
        var recorder = InputRecorder()
        let changes = try repo.workTreeChanges(recording: &recorder, environment: context.environment)
        if let cache, let reportInputs, recorder.cacheable, repo.workingDirectory == member.path, report.repository == member.path {
            cache.store(workTree: member.path, report: report, changes: changes, inputs: reportInputs + recorder.inputs, start: start)
        }
        return (report, changes)
    }

    static let detachedPrefix = "detached at "

    /// What HEAD is, from the status report (its `head` text is "branch B",
    /// "branch B (no commits yet)" or "detached at COMMIT").
    static func headState(_ report: StatusReport) -> HeadState {
        if report.branch != nil { return .branch }
        return report.head.hasPrefix(detachedPrefix) ? .detached : .noCommits
    }

    /// `git hforge workspace status`.
    public static func workspaceStatus(_ options: WorkspaceStatusOptions, context: Context) async throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        // Discovery is serial: 14% of a warm 1,000-repository run's CPU samples (perf record),
        // 0.06 s of 0.2 s wall, against 58% for the members' lookups: not worth parallelising.
        let found = try discoverWorkspace(options.workspace, context: context)
        let progress = WorkspaceProgress(context, verb: "status", total: found.members.count)
        let cache = WorkspaceStatusCache(context: context, key: StatusCache.key(context), reading: !options.noCache)
        let entries = await forEachMember(found.members, jobs: options.workspace.jobs ?? defaultJobs(), progress: progress) { member in
            repositoryStatus(member, context: context, cache: cache)
        }
        var summary = WorkspaceStatusSummary(total: entries.count, skipped: found.skipped.count)
        for e in entries {
            if e.error != nil { summary.failed += 1; continue }
            if e.clean == true { summary.clean += 1 } else { summary.dirty += 1 }
            if e.inSync == true { summary.inSync += 1 } else { summary.drifted += 1 }
            if e.forges.contains(where: { ($0.status.ahead ?? 0) > 0 }) { summary.ahead += 1 }
            if e.forges.contains(where: { ($0.status.behind ?? 0) > 0 }) { summary.behind += 1 }
            if e.headState == .detached { summary.detached += 1 }
            if e.headState == .noCommits { summary.noCommits += 1 }
            if e.branch == nil { summary.noBranch += 1 }
        }
        let shown = options.changed ? entries.filter(\.hasNews) : entries
        let exit = workspaceExit(entries.map { $0.error?.exitStatus ?? 0 })
        let out = context.output.stdout
        if options.workspace.json {
            out.line(try JSONOutput.encode(WorkspaceStatusReport(root: found.root, repositories: shown, summary: summary)))
            return exit
        }
        let width = min(50, shown.map(\.relativePath.count).max() ?? 0)
        let branchWidth = min(30, shown.map { headText($0).count }.max() ?? 0)
        let treeWidth = shown.map { treeText($0).count }.max() ?? 5
        // One write for all the lines (a thousand repositories: a thousand write calls otherwise).
        var lines: [String] = []
        for e in shown { render(e, width: width, branchWidth: branchWidth, treeWidth: treeWidth, styledBy: out, into: &lines) }
        if !lines.isEmpty { out.line(lines.joined(separator: "\n")) }
        var parts = ["\(summary.clean) clean", "\(summary.dirty) dirty"]
        parts.append("\(summary.inSync) in sync with their config")
        if summary.drifted > 0 { parts.append(out.styled("\(summary.drifted) drifted", .yellow)) }
        if summary.ahead > 0 { parts.append("\(summary.ahead) ahead of a forge") }
        if summary.behind > 0 { parts.append("\(summary.behind) behind a forge") }
        if summary.detached > 0 { parts.append("\(summary.detached) detached") }
        if summary.noCommits > 0 { parts.append("\(summary.noCommits) with no commits") }
        if summary.failed > 0 { parts.append(out.styled("\(summary.failed) failed", .red)) }
        var line = "\(plural(summary.total, "repository", "repositories")): " + parts.joined(separator: ", ")
        if summary.skipped > 0 { line += " (\(summary.skipped) skipped: 'git hforge workspace list' says why)" }
        out.line(line)
        if summary.drifted > 0 { out.line("run 'git hforge workspace sync' to bring git in line with the configs") }
        return exit
    }

    /// The branch column: the branch, "detached at COMMIT" or "branch B (no commits yet)".
    static func headText(_ e: WorkspaceRepositoryStatus) -> String {
        e.branch ?? e.head ?? ""
    }

    /// "clean", or "dirty (" and what git status would count ")".
    static func treeText(_ e: WorkspaceRepositoryStatus) -> String {
        guard let c = e.changes, !c.isClean else { return "clean" }
        var bits: [String] = []
        if c.staged > 0 { bits.append("\(c.staged) staged") }
        if c.unstaged > 0 { bits.append("\(c.unstaged) modified") }
        if c.untracked > 0 { bits.append("\(c.untracked) untracked") }
        if c.conflicted > 0 { bits.append("\(c.conflicted) conflicted") }
        return "dirty (" + bits.joined(separator: ", ") + ")"
    }

    static func render(_ e: WorkspaceRepositoryStatus, width: Int, branchWidth: Int, treeWidth: Int, styledBy out: Output.Stream,
                       into lines: inout [String]) {
        // A directory's name is someone's choice: its line breaks cannot start a line of ours.
        let name = out.styled(pad(TerminalText.inline(e.relativePath), width), .bold)
        if let error = e.error {
            lines.append("\(name)  \(out.styled("failed", .red))")
            lines += error.lines(indent: "  ", out)
            return
        }
        let where_ = headText(e)
        let tree = treeText(e)
        var forges: [String] = []
        for w in e.forges {
            let f = w.status
            var text: String
            if f.states == [.inSync] {
                switch w.aheadBehind {
                case .compared:
                    let a = f.ahead ?? 0, b = f.behind ?? 0
                    text = a == 0 && b == 0 ? "up to date" : [a > 0 ? "ahead \(a)" : nil, b > 0 ? "behind \(b)" : nil].compactMap { $0 }.joined(separator: ", ")
                case .notFetched: text = "not fetched"
                case .notApplicable: text = "n/a (\(e.headState == .detached ? "detached" : "no commits"))"
                }
                text = out.styled(text, a(f) || w.aheadBehind == .notApplicable ? .yellow : .green)
            } else {
                text = out.styled(f.states.map(\.rawValue).joined(separator: ", "), f.states == [.missing] ? .red : .yellow)
            }
            forges.append("\(f.forge) \(text)")
        }
        for x in e.extraRemotes { forges.append("\(x.remote) \(out.styled("extra", .red))") }
        let shownTree = out.styled(pad(tree, treeWidth), e.clean == true ? .green : .yellow)
        lines.append("\(name)  \(pad(where_, branchWidth))  \(shownTree)  \(forges.joined(separator: "; "))")
        for w in e.warnings { lines.append("  \(out.styled("warning:", .yellow)) \(w)") }
    }

    private static func a(_ f: ForgeStatus) -> Bool { (f.ahead ?? 0) > 0 || (f.behind ?? 0) > 0 }
}
