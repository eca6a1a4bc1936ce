import HyperforgeCore
import HyperforgeGit
import HyperforgeHforge

extension Realm {
    public struct PrOptions: Sendable {
        public var target = Target()
        /// The coordinated change (default: the one the current branch or the only record names).
        public var rfc: String?
        public var title = ""
        public var body: String?
        public var draft = false
        public var dryRun = false
        public init() {}
    }

    /// `git realm pr --title T`: pushes each participant's `feat/NAME` to
    /// every forge of its config (as `git hforge push` does) and opens one
    /// pull/merge request per repository on its first forge, in merge order;
    /// each body lists the others and what it is blocked by. A request
    /// already open (or merged) from the branch is kept, not opened twice;
    /// one closed without merging is opened anew.
    public static func pr(_ options: PrOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (change, snapshot) = try openChange(options.target, rfc: options.rfc, context: context)
        let sites = try requestSites(change, snapshot: snapshot, dryRun: options.dryRun, context: context)
        for site in sites where !FilePaths.isDirectory(site.participant.worktree(change.name)) {
            throw RealmError.cannotOpenRequest(repo: site.label, problem: "its worktree \(site.participant.worktree(change.name)) is gone")
        }
        // What each forge has already (read only), so a repository whose request is still to open can be checked first.
        let existing = try await findRequests(sites, branch: change.branch, reviews: false)
        for f in existing where f.request == nil || f.request?.state == .closed {
            // An empty pull request asks reviewers to look at nothing: refused before anything is pushed.
            if try commitsBeyondBase(f.site, branch: change.branch, context: context) == 0 {
                throw RealmError.cannotOpenRequest(repo: f.site.label, problem: "its branch \(change.branch) has no commits beyond \(f.site.participant.base), "
                    + "so its pull request would be empty; commit the change in \(f.site.root), then run 'git realm pr' again")
            }
        }
        // Every branch on every forge first, in merge order.
        for site in sites {
            out.line("\(site.label): \(options.dryRun ? "would push" : "pushing") \(change.branch)")
            var push = Hforge.PushOptions()
            push.path = site.root
            push.dryRun = options.dryRun
            _ = try await Hforge.push(push, context: context)
        }
        let found = existing
        out.line("\(options.dryRun ? "Would create" : "Creating") coordinated PRs:")
        var opened: [OpenedRequest] = []
        var created: [OpenedRequest] = []
        let names = sites.map(\.label)
        for (i, f) in found.enumerated() {
            let site = f.site
            let role = role(of: site.label, among: names.filter { $0 != site.label }, snapshot: snapshot)
            let blockedBy = opened.map(\.shortName)
            let note = "(merge \(ordinal(i))\(role == "independent" ? "" : " - \(role)"))"
            if let pr = f.request, pr.state != .closed {
                out.line("\(out.styled("✓", .green)) \(site.label) PR #\(pr.number) \(note), already \(pr.state == .open ? "open" : "merged")" + (pr.webURL.map { ": \($0)" } ?? ""))
                opened.append(f)
            } else {
                let body = requestBody(options.body, change: change, sites: sites, position: i, opened: opened)
                let new = NewPullRequest(title: options.title, body: body, head: change.branch, base: site.participant.base, draft: options.draft)
                switch try await site.client.createPullRequest(site.ref, new) {
                case .done(let pr):
                    out.line("\(out.styled("✓", .green)) \(site.label) PR #\(pr.number) \(note)" + (pr.webURL.map { ": \($0)" } ?? ""))
                    let o = OpenedRequest(site: site, request: pr)
                    opened.append(o)
                    created.append(o)
                case .planned(let request):
                    out.line("  \(site.label): would open a pull request \(note): \(request.method) \(request.url)")
                    opened.append(OpenedRequest(site: site, request: nil))
                }
            }
            if !blockedBy.isEmpty { out.line("  Blocked by: " + blockedBy.joined(separator: ", ")) }
        }
        let order = opened.map(\.shortName).joined(separator: " → ")
        out.line("Merge order: \(order)")
        // The numbers of later requests were not known when earlier ones were opened: each new one gets the whole order.
        for o in created {
            _ = try await o.site.client.comment(o.site.ref, number: o.request!.number,
                                                 body: "Merge order of \(change.branch) (git realm pr): \(order). Merge with 'git realm pr merge', which merges each only after the one before it.")
        }
        if options.dryRun { out.line("dry run: nothing was pushed, opened or commented") }
        return .success
    }

    /// How many commits `branch` has that the participant's base branch has not (in the repository or worktree at `site.root`).
    static func commitsBeyondBase(_ site: RequestSite, branch: String, context: Context) throws -> Int {
        let repository = try Repository.open(at: site.root, environment: context.environment)
        guard let head = try repository.resolve("refs/heads/" + branch) else {
            throw RealmError.cannotOpenRequest(repo: site.label, problem: "it has no branch \(branch); run 'git realm worktree --rfc NAME' first")
        }
        guard let base = try repository.resolve("refs/heads/" + site.participant.base) else { return 1 }
        return try repository.aheadBehind(local: head, upstream: base).ahead
    }

    /// The user's body, then what the realm knows: the change, the order, what blocks this one.
    static func requestBody(_ body: String?, change: CoordinatedChange, sites: [RequestSite], position: Int, opened: [OpenedRequest]) -> String {
        var lines: [String] = []
        if let body, !body.isEmpty { lines += [body, "", "---"] }
        lines.append("Coordinated change `\(change.branch)` across \(sites.count) repositor\(sites.count == 1 ? "y" : "ies") (git realm pr), in merge order:")
        for (i, s) in sites.enumerated() {
            let name = i < opened.count ? opened[i].reference : s.label
            lines.append("\(i + 1). \(name)\(i == position ? " (this one)" : "")")
        }
        lines.append("")
        lines.append(opened.isEmpty ? "Blocked by: nothing (merges first)" : "Blocked by: " + opened.map(\.reference).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
