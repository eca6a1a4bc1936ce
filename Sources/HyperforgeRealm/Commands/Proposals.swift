import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct ProposalsOptions: Sendable {
        public var target = Target()
        public var json = false
        /// Fetch the realm and its proposals first (otherwise: as last fetched).
        public var fetch = false
        /// Merged and superseded ones too.
        public var all = false
        /// On a forge-hosted realm, ask the forge for each open proposal's pull request and reviews
        /// (MCP's read-only tool does not: it answers from what was fetched).
        public var askForge = true
        public init() {}
    }

    public struct ProposalsReport: Codable, Sendable, Equatable {
        public var realm: String
        public var repo: String
        public var commit: String
        public var now: String
        public var proposals: [ProposalStatus]
    }

    /// `git realm proposals`: the realm's open proposals (as last fetched),
    /// who acknowledged each, who has not, and when each becomes mergeable.
    public static func proposals(_ options: ProposalsOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let report = try await proposalsReport(options, context: context)
        if options.json {
            out.line(try JSONOutput.encode(report))
            return .success
        }
        if report.proposals.isEmpty {
            // Said as of the last fetch: a notification can already name a proposal this copy has not fetched.
            out.line("No \(options.all ? "" : "open ")proposals in realm \(report.realm) (as of \(report.commit.prefix(12))"
                     + (options.fetch ? ", just fetched)." : ", its last fetch here); 'git realm proposals --fetch' looks again."))
            return .success
        }
        for s in report.proposals {
            out.line("\(out.styled(s.id, .bold)) [\(s.state)] \(s.title)\(s.breaking ? " (BREAKING)" : "")")
            out.line("  branch \(s.branch), created \(s.createdAt)")
            for c in s.changes {
                out.line("  \(c.contract) \(c.from ?? "(new)") → \(c.to) (\(c.step), \(c.compatibility)) in domain \(c.domain)")
                for p in c.pointers.prefix(10) { out.line("    " + ContractDiff.line(p)) }
                if c.pointers.count > 10 { out.line("    … and \(c.pointers.count - 10) more") }
            }
            if let pr = s.pullRequest {
                out.line("  pull request #\(pr.number) on \(pr.forge) [\(pr.state)]\(pr.url.map { ": " + TerminalText.inline($0) } ?? "")")
                let reviews = pr.reviews.map { "\(TerminalText.inline($0.login)) \($0.state)" }
                if !reviews.isEmpty { out.line("  reviews: " + reviews.joined(separator: ", ")) }
                let asked = pr.requestedReviewers.map(TerminalText.inline)
                if !asked.isEmpty { out.line("  review requested from: " + asked.joined(separator: ", ")) }
            }
            for d in s.recordDiffers { out.line("  \(out.styled("!", .yellow)) its record says \(d)") }
            if !s.acknowledged.isEmpty { out.line("  acknowledged by: \(s.acknowledged.joined(separator: ", "))") }
            if !s.waitingFor.isEmpty { out.line("  not yet acknowledged by: \(s.waitingFor.joined(separator: ", "))") }
            if !s.approvedBy.isEmpty { out.line("  approved by: \(s.approvedBy.joined(separator: ", "))") }
            if s.state == "open" || s.state == "landed" { out.line("  " + (s.mergeable ? "mergeable now (\(s.reason)): the next 'git realm sync' of any member merges it" : s.reason)) }
        }
        return .success
    }

    /// What `git realm proposals --json` reports (and MCP's proposals_list).
    public static func proposalsReport(_ options: ProposalsOptions, context: Context) async throws -> ProposalsReport {
        let (repository, membership) = try openMember(options.target, context: context)
        if options.fetch {
            try await fetchOrKeepLastGood(repository, membership, context: context)
        }
        guard let tip = try repository.resolve(membership.fetchedRef) else {
            throw RealmError.neverFetched(realm: membership.realm)
        }
        let state = try RealmReader.state(of: repository, commit: tip)
        let now = ProposalClock.now(context)
        let snapshot = state.snapshot!
        // As a sync counts them: signed by whom they speak for where the realm requires it, each with when it can first have been there.
        let read = try ProposalCodec.load(repository, prefix: ProposalRefs.localPrefix(realm: membership.realm), warn: context.output.warning)
            .filter { options.all || $0.proposal.state == .open }
            .sorted { ($0.proposal.createdAt, $0.proposal.id) < ($1.proposal.createdAt, $1.proposal.id) }
        var loaded = try await ProposalSignatures.keepSigned(read, snapshot: snapshot, gitDir: repository.commonDirectory, context: context,
                                                             warn: context.output.warning)
        ProposalSightings.apply(&loaded, book: ProposalSightings.read(commonDirectory: repository.commonDirectory, realm: membership.realm), now: now)
        // A forge-hosted realm: each open proposal's pull request and what its reviews acknowledge.
        var requests: [String: RealmForge.Request] = [:]
        let forge = options.askForge ? try RealmForge.open(url: membership.url, branch: membership.branch, dryRun: false, context: context) : nil
        if let forge {
            for i in loaded.indices where loaded[i].proposal.state == .open {
                do {
                    guard let request = try await forge.request(for: loaded[i].proposal) else { continue }
                    requests[loaded[i].proposal.id] = request
                    forge.acknowledgements(&loaded[i], request, snapshot: state.snapshot!)
                } catch let e as any HyperforgeError {
                    context.output.warning("proposal \(loaded[i].proposal.id): its pull request on \(forge.name) could not be read: \(e.description)")
                }
            }
        }
        // What is shown is what a merge would find: each open proposal worked out again (ProposalVerification), each tree read once.
        var trees = ProposalVerification.Trees(repository: repository)
        let statuses: [ProposalStatus] = loaded.compactMap { claimed in
            var p = claimed
            var problem: String?
            var landed = false
            if p.proposal.state == .open {
                let verified = ProposalVerification.verify(p, state: state, trees: &trees)
                if let checked = verified.proposal { p = checked } else { problem = verified.problem }
                // Its changes are all in the realm already (another proposal, from a sync at the same time, landed them):
                // nothing is left to merge; its author's next sync closes it (Sync.closeLanded).
                landed = !verified.changed.isEmpty && verified.changed.allSatisfy { state.files[$0] == verified.head[$0] }
                if landed && !options.all { return nil }
            }
            var s = ProposalStatus.of(p, manifest: snapshot.manifest, now: now)
            if landed {
                s.state = "landed"
                s.mergeable = false
                s.mergeableAt = NullableText(nil)
                s.reason = "its changes are in the realm already; \(p.proposal.author)'s next 'git realm sync' closes it"
                return s
            }
            s.recordDiffers = ProposalVerification.differences(claimed: claimed.proposal, checked: p.proposal)
            if let problem {
                s.mergeable = false
                s.mergeableAt = NullableText(nil)
                s.problem = NullableText(problem)
                s.reason = "cannot merge: " + problem
            }
            if let forge, let r = requests[p.proposal.id] {
                s.pullRequest = .init(forge: forge.name, number: r.pull.number, url: r.pull.webURL, state: r.pull.state.rawValue,
                                      requestedReviewers: r.pull.requestedReviewers,
                                      reviews: r.latest.values.sorted { $0.login < $1.login }.map { .init(login: $0.login, state: $0.state.rawValue) })
            } else if let recorded = p.proposal.pullRequest {
                // A merged proposal's record names its pull request, with the approving reviews that counted.
                let logins = Set((p.proposal.acknowledgements ?? []).compactMap(\.login)).sorted()
                s.pullRequest = .init(forge: recorded.forge, number: recorded.number, url: recorded.url,
                                      state: p.proposal.state == .merged ? "merged" : "closed", requestedReviewers: [],
                                      reviews: logins.map { .init(login: $0, state: "approved") })
            }
            return s
        }
        return ProposalsReport(realm: membership.realm, repo: membership.repo, commit: tip, now: Timestamp.utc(now), proposals: statuses)
    }

    public struct ProposalApproveOptions: Sendable {
        public var target = Target()
        public var id = ""
        public var dryRun = false
        public init() {}
    }
}
