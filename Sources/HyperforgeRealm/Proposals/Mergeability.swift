import FoundationEssentials
import HyperforgeCore

/// The clock proposals are judged by. `HFORGE_TEST_NOW` (an RFC 3339 UTC
/// time, `2026-02-10T12:00:00Z`) replaces the wall clock here and only here:
/// it is for tests of the grace period, which must not wait for days.
enum ProposalClock {
    static let variable = "HFORGE_TEST_NOW"

    static func now(_ context: Context) -> Date {
        if let text = context.environment[variable], let date = Timestamp.parse(text) { return date }
        return context.now()
    }
}

/// When a proposal may merge (RFC "Sync Protocol", step 4): every affected
/// importer acknowledged it; or it breaks no importer and the realm's grace
/// period (`governance.breaking_changes.grace_period_days`) has passed since
/// it was made. A breaking change (incompatible, undecided, or outside an
/// importer's range) never merges by the clock, and when governance
/// requires approval it also needs an approval by one of
/// `governance.approvers` (or, when none are listed, the acknowledgements
/// of every affected importer stand for it).
public struct ProposalStatus: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var author: String
    public var branch: String
    public var state: String
    public var createdAt: String
    public var breaking: Bool
    public var changes: [Proposal.Change]
    public var acknowledged: [String]
    public var waitingFor: [String]
    public var approvedBy: [String]
    public var needsApproval: Bool
    public var mergeable: Bool
    /// When the grace period makes it mergeable (null: never by the clock, or already mergeable).
    public var mergeableAt = NullableText(nil)
    /// When the grace period started counting (null: it does not apply): the
    /// record's time, or, when later, when this client can first have seen it.
    public var graceStart = NullableText(nil)
    /// In words: why it may merge now, or what it waits for.
    public var reason: String
    /// Where the proposal's record claims what the re-check (ProposalVerification) does not find: `breaking: true (the re-check: not breaking)`.
    public var recordDiffers: [String] = []
    /// Why it cannot merge as it is (null: it checks).
    public var problem = NullableText(nil)
    /// On a forge-hosted realm: the proposal's pull request there (absent for a plain git realm).
    public var pullRequest: PullRequestInfo?

    public struct PullRequestInfo: Codable, Sendable, Equatable {
        public var forge: String
        public var number: Int
        public var url: String?
        /// open, closed or merged, as the forge says.
        public var state: String
        public var requestedReviewers: [String]
        /// Each reviewer's latest review: approved, changes_requested, commented, dismissed.
        public var reviews: [ReviewInfo]
    }

    public struct ReviewInfo: Codable, Sendable, Equatable {
        public var login: String
        public var state: String
    }

    static func of(_ p: LoadedProposal, manifest: RealmManifest, now: Date) -> ProposalStatus {
        let proposal = p.proposal
        let affected = proposal.affectedRepos
        // A merged proposal's record holds what counted (on a forge: the approving reviews, which the refs do not).
        var acks = p.acks, recordedApprovals = Array(p.approvals.values)
        if proposal.state != .open, let counted = proposal.acknowledgements {
            for a in counted where a.kind == .acknowledgement && acks[a.repo] == nil { acks[a.repo] = a }
            recordedApprovals += counted.filter { $0.kind == .approval }
        }
        let acked = affected.filter { acks[$0] != nil }
        let waiting = proposal.state == .open ? affected.filter { acks[$0] == nil } : []
        let governance = manifest.governance
        let approvers = Set(governance.approvers.map { $0.lowercased() })
        let approvals = recordedApprovals.filter { a in approvers.contains((a.by ?? "").lowercased()) }
        let approvedBy = Array(Set(approvals.compactMap(\.by))).sorted()
        let needsApproval = proposal.breaking && governance.requireApprovalForBreakingChanges
        let approved = !needsApproval || !approvedBy.isEmpty || (approvers.isEmpty && waiting.isEmpty)
        var status = ProposalStatus(id: proposal.id, title: proposal.title, author: proposal.author, branch: proposal.branch,
                                    state: proposal.state.rawValue, createdAt: proposal.createdAt, breaking: proposal.breaking,
                                    changes: proposal.changes, acknowledged: acked, waitingFor: waiting, approvedBy: approvedBy,
                                    needsApproval: needsApproval, mergeable: false, reason: "")
        guard proposal.state == .open else {
            status.reason = proposal.state == .merged ? "merged" + (proposal.mergedCommit.map { " as \($0.prefix(12))" } ?? "")
                : "superseded" + (proposal.supersededBy.map { " by \($0)" } ?? "")
            return status
        }
        let approverWords = governance.approvers.isEmpty ? "" : "an approval by one of " + governance.approvers.joined(separator: ", ")
        if waiting.isEmpty && approved {
            status.mergeable = true
            status.reason = affected.isEmpty ? "no repository imports what it changes" : "every affected importer acknowledged it"
            // A breaking change that needed an approval says whose it was, too.
            if needsApproval, !approvedBy.isEmpty { status.reason += " and " + approvedBy.joined(separator: ", ") + " approved it" }
            return status
        }
        var needs: [String] = []
        if !waiting.isEmpty { needs.append("acknowledgement by " + waiting.joined(separator: ", ")) }
        if !approved { needs.append(approverWords) }
        if proposal.breaking {
            status.reason = "waits for " + needs.joined(separator: " and ") + " (a breaking change never merges by the grace period)"
            return status
        }
        // From its record's time, but never before this client can have seen it there (ProposalSightings: a record can be backdated).
        let created = Timestamp.parse(proposal.createdAt) ?? now
        let start = max(created, min(p.appeared ?? created, now))
        let due = start.addingTimeInterval(TimeInterval(governance.gracePeriodDays) * 86_400)
        let counted = start > created ? " counted from \(Timestamp.utc(start)), when it can first have been in the realm (its record says \(proposal.createdAt))" : ""
        status.graceStart = NullableText(Timestamp.utc(start))
        if now >= due {
            status.mergeable = true
            status.reason = "the grace period of \(governance.gracePeriodDays) day\(governance.gracePeriodDays == 1 ? "" : "s") has passed"
        } else {
            status.mergeableAt = NullableText(Timestamp.utc(due))
            status.reason = "waits for " + needs.joined(separator: " and ") + ", or until \(Timestamp.utc(due)) (grace period of \(governance.gracePeriodDays) days\(counted))"
        }
        return status
    }
}
