import HyperforgeCore
import HyperforgeGit

extension Realm {
    /// `git realm proposals approve ID`: a governance approval of a proposal
    /// (`refs/realm/proposals/ID/approvals/REPO`, by git's user.email). It
    /// counts when that email is one of realm.yaml's `governance.approvers`;
    /// plain git cannot prove who pushed it (see `trust.require_signed_commits`).
    public static func proposalsApprove(_ options: ProposalApproveOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        let place = try await SyncPlace.open(repository, membership, dryRun: options.dryRun, context: context)
        defer { place.close() }
        let loaded = try ProposalCodec.load(place.repository, prefix: place.proposalPrefix, warn: context.output.warning)
        if let settled = loaded.first(where: { $0.proposal.id == options.id && $0.proposal.state != .open })?.proposal {
            let how = settled.state == .merged ? "merged" + (settled.mergedCommit.map { " (as \($0.prefix(12)))" } ?? "")
                : "superseded" + (settled.supersededBy.map { " by \($0)" } ?? "")
            throw RealmError.proposalSettled(id: options.id, state: how)
        }
        guard let p = loaded.first(where: { $0.proposal.id == options.id && $0.proposal.state == .open }) else {
            throw RealmError.unknownProposal(id: options.id, open: loaded.filter { $0.proposal.state == .open }.map(\.proposal.id))
        }
        let email = userEmail(repository, context: context)
        let state = try RealmReader.state(of: place.repository, commit: place.tip)
        let approvers = state.snapshot!.manifest.governance.approvers
        // An approval that would not count is refused before anything is pushed (a dry run says the same).
        guard approvers.map({ $0.lowercased() }).contains((email ?? "").lowercased()) else {
            throw RealmTrustError.notApprover(email: email, approvers: approvers, what: "an approval of proposal \(p.proposal.id) that counts")
        }
        let ack = ProposalAck(proposal: p.proposal.id, repo: membership.repo, by: email, at: Timestamp.utc(ProposalClock.now(context)), kind: .approval)
        let committer = try RealmCommitter.make(place.repository, author: RealmWriter.signature(repo: repository, actingRepo: membership.repo, context: context),
                                                requireSigned: state.snapshot!.manifest.trust.requireSignedCommits, signingConfig: repository,
                                                dryRun: options.dryRun, context: context)
        if state.snapshot!.manifest.trust.requireSignedCommits {
            // An approval speaks for the realm: signed by an approver's key (as ProposalSignatures counts it).
            try SigningKeys.checkListed(repository, for: "realm", before: state.snapshot!, after: state.snapshot!, context: context)
        }
        let commit = try await ProposalCodec.commit(ack, file: ProposalCodec.ackFile, parent: nil,
                                                    message: "\(membership.repo) approves proposal \(p.proposal.id)", committer: committer)
        let ref = ProposalRefs.ack(p.proposal.id, repo: membership.repo, kind: .approval)
        let current = try place.repository.resolve(place.proposalPrefix + p.proposal.id + "/approvals/" + membership.repo)
        let update = ProposalRefUpdate(ref: ref, new: commit, expected: current)
        if place.dryRun {
            out.line("Would push to \(RemoteURL.redacted(membership.url)): \(update.description)")
            out.line("dry run: nothing was pushed")
            return .success
        }
        switch try await RealmGit.push(url: membership.url, updates: [update], gitDir: place.gitDir, context: context) {
        case .pushed: out.line("\(out.styled("✓", .green)) Approved proposal \(p.proposal.id) (\(ref)); the next 'git realm sync' merges it once it is mergeable")
        case .stale: throw RealmError.gaveUp(url: RemoteURL.redacted(membership.url), attempts: 1)
        }
        return .success
    }
}
