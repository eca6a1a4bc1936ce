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
            out.line("No \(options.all ? "" : "open ")proposals in realm \(report.realm) (as of \(report.commit.prefix(12))).")
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
            if !s.acknowledged.isEmpty { out.line("  acknowledged by: \(s.acknowledged.joined(separator: ", "))") }
            if !s.waitingFor.isEmpty { out.line("  not yet acknowledged by: \(s.waitingFor.joined(separator: ", "))") }
            if !s.approvedBy.isEmpty { out.line("  approved by: \(s.approvedBy.joined(separator: ", "))") }
            if s.state == "open" { out.line("  " + (s.mergeable ? "mergeable now (\(s.reason)): the next 'git realm sync' of any member merges it" : s.reason)) }
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
            throw RealmError.fetchFailed(url: RemoteURL.redacted(membership.url), gitOutput: "the realm was never fetched here (run 'git realm fetch')")
        }
        let state = try RealmReader.state(of: repository, commit: tip)
        let now = ProposalClock.now(context)
        let loaded = try ProposalCodec.load(repository, prefix: ProposalRefs.localPrefix(realm: membership.realm), warn: context.output.warning)
        let statuses = loaded.filter { options.all || $0.proposal.state == .open }
            .sorted { ($0.proposal.createdAt, $0.proposal.id) < ($1.proposal.createdAt, $1.proposal.id) }
            .map { ProposalStatus.of($0, manifest: state.snapshot!.manifest, now: now) }
        return ProposalsReport(realm: membership.realm, repo: membership.repo, commit: tip, now: Timestamp.utc(now), proposals: statuses)
    }

    public struct ProposalApproveOptions: Sendable {
        public var target = Target()
        public var id = ""
        public var dryRun = false
        public init() {}
    }
}
