import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

/// One participant of a coordinated change with the forge its pull request
/// lives on: the first forge of its `.hyperforge/config.toml` (as the
/// feature branch has it), the repository there and a client whose tokens
/// come from that repository's scope `git/{forge}/{org}/repo/{name}/token`.
struct RequestSite {
    var participant: CoordinatedChange.Participant
    var position: Int
    var config: HforgeConfig
    var forge: Forge
    var ref: RepositoryRef
    var client: any ForgeClient
    /// Where its branch is: the worktree, or the repository when the worktree is gone.
    var root: String

    var label: String { participant.repo }
}

/// A pull request of a coordinated change as the forge reports it.
struct OpenedRequest {
    var site: RequestSite
    var request: PullRequest?
    var reviews: [Review] = []

    var shortName: String { site.participant.repo + (request.map { "#\($0.number)" } ?? "") }
    /// The reference the forge links across repositories: `OWNER/REPO#N` (GitLab: `GROUP/PROJECT!N`).
    var reference: String {
        site.ref.owner + "/" + site.ref.name + (request.map { (site.forge.kind == .gitlab ? "!" : "#") + "\($0.number)" } ?? "")
    }
}

extension Realm {
    /// The participants in merge order, each with its forge; nothing is sent.
    static func requestSites(_ change: CoordinatedChange, snapshot: RealmSnapshot, dryRun: Bool, context: Context) throws -> [RequestSite] {
        var sites: [RequestSite] = []
        let options = ForgeClientOptions(dryRun: dryRun, notice: { [stderr = context.output.stderr] in stderr.line($0) },
                                         cacheDirectory: dryRun ? nil : ForgeClientOptions.defaultCacheDirectory(context.paths),
                                         environment: context.environment)
        let broker = try SecretBroker.load(context)
        for (i, p) in change.mergeOrder(snapshot).enumerated() {
            let worktree = p.worktree(change.name)
            let root = FilePaths.isDirectory(worktree) ? worktree : p.path
            let config: HforgeConfig
            do { config = try ConfigLoader.load(repoRoot: root, environment: context.environment) } catch {
                throw RealmError.cannotOpenRequest(repo: p.repo, problem: "its hyperforge config does not load: \(error.description)")
            }
            guard let forge = config.forges.first?.value else {
                throw RealmError.cannotOpenRequest(repo: p.repo, problem: "its .hyperforge/config.toml names no forge to open a pull request on")
            }
            let client = ForgeAPIAccess.client(for: forge, trusted: config.isUserForge(forge), broker: broker, context: context,
                                               options: options, requester: "git realm pr")
            sites.append(RequestSite(participant: p, position: i, config: config, forge: forge,
                                     ref: RepositoryRef(owner: config.org.value, name: config.repoName.value), client: client, root: root))
        }
        return sites
    }

    /// The change's latest pull request from its branch on each site (nil where there is none).
    static func findRequests(_ sites: [RequestSite], branch: String, reviews: Bool) async throws -> [OpenedRequest] {
        var out: [OpenedRequest] = []
        for site in sites {
            let listed = try await site.client.pullRequests(site.ref, state: .all, head: branch).filter { $0.head == branch }
            // An open one before any closed or merged one, else the latest.
            let pr = listed.filter { $0.state == .open }.max { $0.number < $1.number } ?? listed.max { $0.number < $1.number }
            var found = OpenedRequest(site: site, request: pr)
            if reviews, let pr { found.reviews = try await site.client.reviews(site.ref, number: pr.number) }
            out.append(found)
        }
        return out
    }

    static func ordinal(_ i: Int) -> String {
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"].indices.contains(i)
            ? ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"][i] : "\(i + 1)th"
    }

    /// "exports", "imports", "exports and imports": its part among the others.
    static func role(of repo: String, among others: [String], snapshot: RealmSnapshot) -> String {
        let exports = others.contains { CoordinatedChange.dependsOn($0, repo, snapshot) }
        let imports = others.contains { CoordinatedChange.dependsOn(repo, $0, snapshot) }
        switch (exports, imports) {
        case (true, true): return "exports and imports"
        case (true, false): return "exports"
        case (false, true): return "imports"
        default: return "independent"
        }
    }

    /// How a draft becomes ready on each kind of forge.
    static func readyHint(_ kind: ForgeKind) -> String {
        switch kind {
        case .github: return "mark it ready for review on the forge"
        case .gitlab: return "mark it ready on the forge (or remove 'Draft:' from its title)"
        default: return "mark it ready on the forge: remove the 'WIP:' prefix from its title"
        }
    }

    /// Latest state of one request, its reviews, and whether it may merge now.
    static func mergeable(_ r: OpenedRequest, earlier: [OpenedRequest]) -> (may: Bool, why: String) {
        guard let pr = r.request else { return (false, "no pull request from the branch") }
        switch pr.state {
        case .merged: return (false, "merged")
        case .closed: return (false, "closed without merging")
        case .open: break
        }
        if pr.draft { return (false, "it is a draft; " + readyHint(r.site.forge.kind) + ", then run 'git realm pr merge' again") }
        if let waiting = earlier.first(where: { $0.request?.state != .merged }) { return (false, "waits for \(waiting.shortName) to merge") }
        let latest = Dictionary(r.reviews.map { ($0.reviewer, $0.state) }, uniquingKeysWith: { $1 })
        if let blocker = latest.first(where: { $0.value == .changesRequested }) { return (false, "\(blocker.key) requested changes") }
        return (true, "may merge now")
    }
}
