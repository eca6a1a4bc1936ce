import FoundationEssentials
import HyperforgeCore
import HyperforgeSecrets

/// A realm repository hosted on one of the user's forges (built in, or a
/// `custom_forges` entry of their own auth.toml; never one a repository's
/// committed config declares): its proposals are also that forge's pull
/// (merge) requests, from the sync branch into the realm's branch, through
/// the forge's API with the realm repository's own token scope
/// `git/{forge}/{org}/repo/{name}/token`.
///
/// - Opening: the sync that records a proposal opens its pull request, the
///   body listing each change with its JSON pointers, version step and who is
///   affected, and asks the affected repositories' maintainers to review
///   (their `forge_accounts` for this forge in `repos/{repo}.yaml`).
/// - Acknowledging: an importer's sync approves the pull request as the user
///   running it (their token). An approving review by a login listed for an
///   affected repository is that repository's acknowledgement; one by a
///   login of a maintainer listed in `governance.approvers` is an approval.
/// - Merging: when mergeable (the same rule as git-native proposals), through
///   the forge's merge API with the head the proposal recorded; the record
///   then says merged and the sync branch is deleted.
struct RealmForge {
    let forge: Forge
    let ref: RepositoryRef
    let client: any ForgeClient
    let branch: String
    var name: String { forge.name }

    /// The forge hosting `url`, or nil when it is none of the user's forges (a plain git realm).
    static func open(url: String, branch: String, dryRun: Bool, context: Context) throws -> RealmForge? {
        guard let remote = RemoteURL.parse(url), remote.scheme != .file, let (owner, name) = remote.ownerAndName else { return nil }
        let broker = try SecretBroker.load(context)
        guard let forge = broker.auth.forges.first(where: { $0.matches(remote) }) else { return nil }
        let out = context.output.stdout, stderr = context.output.stderr
        let show: @Sendable (ForgeRequestRecord) -> Void = { record in
            out.line((record.sent ? "  (asked) " : "  Would send: ") + RealmForge.shown(record))
        }
        let options = ForgeClientOptions(dryRun: dryRun, onRequest: dryRun ? show : nil, notice: { stderr.line($0) },
                                         cacheDirectory: dryRun ? nil : ForgeClientOptions.defaultCacheDirectory(context.paths),
                                         environment: context.environment)
        let client = ForgeAPIAccess.client(for: forge, trusted: true, broker: broker, context: context, options: options, requester: "git realm sync")
        return RealmForge(forge: forge, ref: RepositoryRef(owner: owner, name: name), client: client, branch: branch)
    }

    /// Method and URL, never a token; a number the forge has not given yet is shown as {number}.
    static func shown(_ record: ForgeRequestRecord) -> String {
        "\(record.method) \(record.url.replacing("/pulls/0/", with: "/pulls/{number}/").replacing("/merge_requests/0/", with: "/merge_requests/{number}/"))"
    }

    /// What one proposal is on the forge.
    struct Request: Sendable {
        var pull: PullRequest
        var reviews: [Review]

        /// Each reviewer's latest review state, by login (case folded).
        var latest: [String: (login: String, state: ReviewState)] {
            var out: [String: (login: String, state: ReviewState)] = [:]
            for r in reviews where r.state != .pending && r.state != .requested { out[r.reviewer.lowercased()] = (r.reviewer, r.state) }
            return out
        }

        var approvers: [String] { latest.values.filter { $0.state == .approved }.map(\.login).sorted() }
    }

    /// The sync branch's pull request (the latest open one, else the latest) with its reviews.
    func request(for p: Proposal) async throws -> Request? {
        let listed = try await client.pullRequests(ref, state: .all, head: p.branch).filter { $0.head == p.branch && $0.base == branch }
        guard let pull = listed.filter({ $0.state == .open }).max(by: { $0.number < $1.number }) ?? listed.max(by: { $0.number < $1.number }) else {
            return nil
        }
        return Request(pull: pull, reviews: try await client.reviews(ref, number: pull.number))
    }

    /// The logins on this forge of a repository's maintainers.
    func logins(of repo: String, _ snapshot: RealmSnapshot) -> [String] {
        (snapshot.repos[repo]?.forgeAccounts ?? []).filter { $0.forge.lowercased() == forge.name.lowercased() }.map(\.login)
    }

    /// The acknowledgements and approvals the forge's reviews give `p`.
    func acknowledgements(_ p: inout LoadedProposal, _ request: Request, snapshot: RealmSnapshot) {
        let approved = Set(request.approvers.map { $0.lowercased() })
        let what = "\(forge.name) #\(request.pull.number)"
        for repo in p.proposal.affectedRepos where p.acks[repo] == nil {
            if let login = logins(of: repo, snapshot).first(where: { approved.contains($0.lowercased()) }) {
                p.acks[repo] = ProposalAck(proposal: p.proposal.id, repo: repo, by: "\(login) (review on \(what))", at: "", kind: .acknowledgement, login: login)
            }
        }
        // A governance approver's approving review (approvers are addresses; their logins come from forge_accounts).
        for (repo, record) in snapshot.repos.sorted(by: { $0.key < $1.key }) where p.approvals[repo] == nil {
            for a in record.forgeAccounts where a.forge.lowercased() == forge.name.lowercased() && approved.contains(a.login.lowercased()) {
                p.approvals[repo] = ProposalAck(proposal: p.proposal.id, repo: repo, by: a.maintainer, at: "", kind: .approval, login: a.login)
            }
        }
    }

    /// The reviewers to ask: the affected repositories' maintainers' logins, each once.
    func reviewers(_ p: Proposal, _ snapshot: RealmSnapshot) -> [String] {
        var seen = Set<String>(), out: [String] = []
        let author = Set(logins(of: p.author, snapshot).map { $0.lowercased() })
        for repo in p.affectedRepos {
            for l in logins(of: repo, snapshot) where !author.contains(l.lowercased()) && seen.insert(l.lowercased()).inserted { out.append(l) }
        }
        return out
    }

    /// The pull request's body: every change with its JSON pointers, step and who is affected.
    static func body(_ p: Proposal, realm: String) -> String {
        var lines = ["Proposed by `git realm sync` in **\(p.author)** for realm **\(realm)** (proposal `\(p.id)`, record `\(ProposalRefs.record(p.id))`).", ""]
        if !p.message.isEmpty, p.message != p.title { lines += [p.message, ""] }
        for c in p.changes {
            lines.append("### \(c.contract) \(c.from ?? "(new)") → \(c.to) (\(c.breaking ? "BREAKING, " : "")\(c.step), \(c.compatibility))")
            lines.append("")
            lines.append("Domain `\(c.domain)`, file `\(c.file)`.")
            lines.append("")
            for ptr in c.pointers.prefix(50) { lines.append("- " + ContractDiff.line(ptr)) }
            if c.pointers.count > 50 { lines.append("- … and \(c.pointers.count - 50) more") }
            lines.append("")
            if c.affected.isEmpty { lines.append("Affects no importer.") }
            for a in c.affected {
                lines.append("- affects **\(a.repo)** (imports `\(a.requirement)`: \(a.satisfied ? "still satisfied" : "NOT satisfied by \(c.to)"))")
            }
            lines.append("")
        }
        lines.append("An approving review by a maintainer of an affected repository (their `forge_accounts` in `repos/REPO.yaml`) is that repository's acknowledgement; `git realm sync` merges the pull request once it is mergeable (`git realm proposals`).")
        return lines.joined(separator: "\n")
    }
}
