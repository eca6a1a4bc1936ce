import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

/// `git realm sync`'s part on a forge-hosted realm (RealmForge).
extension SyncRun {
    /// Each open proposal's pull request and what its reviews acknowledge;
    /// a proposal of this repository whose pull request an earlier sync did
    /// not open (it failed after the push) gets it now.
    mutating func readForge(_ proposals: inout [LoadedProposal], snapshot: RealmSnapshot) async throws {
        guard let forge else { return }
        for i in proposals.indices where proposals[i].proposal.state == .open {
            let p = proposals[i].proposal
            if let request = try await forge.request(for: p) {
                requests[p.id] = request
                forge.acknowledgements(&proposals[i], request, snapshot: snapshot)
            } else if p.author == me {
                out.line("Proposal \(p.id) has no pull request on \(forge.name) yet:")
                try await openRequest(p, snapshot: snapshot)
            }
        }
    }

    /// Opens the proposal's pull request and asks the affected repositories' maintainers to review it.
    mutating func openRequest(_ proposal: Proposal, snapshot: RealmSnapshot) async throws {
        guard let forge else { return }
        let new = NewPullRequest(title: proposal.title, body: RealmForge.body(proposal, realm: membership.realm),
                                 head: proposal.branch, base: membership.branch)
        let reviewers = forge.reviewers(proposal, snapshot)
        let asking = reviewers.isEmpty ? "; no affected repository lists a \(forge.name) login in forge_accounts, so no review is requested"
            : "; review requested from " + reviewers.joined(separator: ", ")
        switch try await forge.client.createPullRequest(forge.ref, new) {
        case .planned:
            if !reviewers.isEmpty { _ = try await forge.client.requestReviewers(forge.ref, number: 0, reviewers: reviewers) }
            out.line("Would open a pull request on \(forge.name) (\(forge.ref.fullName)): \(proposal.branch) → \(membership.branch)\(asking)")
        case .done(let pull):
            if !reviewers.isEmpty { _ = try await forge.client.requestReviewers(forge.ref, number: pull.number, reviewers: reviewers) }
            requests[proposal.id] = RealmForge.Request(pull: pull, reviews: [])
            out.line("\(out.styled("✓", .green)) Pull request #\(pull.number) opened on \(forge.name)\(pull.webURL.map { ": " + TerminalText.inline($0) } ?? "")\(asking)")
        }
    }

    /// A superseded proposal's pull request: a comment naming what replaced
    /// it, then closed (a dry run shows the two calls). One already closed or
    /// merged is left as it is.
    mutating func closeOnForge(_ old: Proposal, because why: String) async throws {
        guard let forge, let request = requests[old.id], request.pull.state == .open else { return }
        let number = request.pull.number
        let body = "Proposal \(old.id) is \(why) (git realm sync); this pull request is closed."
        _ = try await forge.client.comment(forge.ref, number: number, body: body)
        switch try await forge.client.close(forge.ref, number: number) {
        case .planned:
            out.line("Would close pull request #\(number) on \(forge.name) (proposal \(old.id)) with a comment: it is \(why)")
        case .done(let pull):
            requests[old.id]?.pull = pull
            out.line("  pull request #\(number) on \(forge.name) (proposal \(old.id)) closed: it is \(why)")
        }
    }

    /// The words naming the proposal that supersedes another, with its pull request when it has one.
    func supersededWords(by proposal: Proposal) -> String {
        "superseded by proposal \(proposal.id)" + (requests[proposal.id].map { " (pull request #\($0.pull.number))" } ?? "")
    }

    /// An importer's acknowledgement on a forge: an approving review by the user running the sync.
    mutating func approveOnForge(_ p: inout LoadedProposal, snapshot: RealmSnapshot) async throws {
        guard let forge, let request = requests[p.proposal.id] else { return }
        let number = request.pull.number
        let body = "\(me) acknowledges proposal \(p.proposal.id) (git realm sync)"
        let mine = forge.logins(of: me, snapshot)
        switch try await forge.client.approve(forge.ref, number: number, body: body) {
        case .planned:
            out.line("Would approve pull request #\(number) on \(forge.name) as \(me)'s acknowledgement of proposal \(p.proposal.id): \(p.proposal.title)")
            if !mine.isEmpty { p.acks[me] = ProposalAck(proposal: p.proposal.id, repo: me, by: "review on \(forge.name) #\(number)", at: "", kind: .acknowledgement) }
            warnOutsideRange(p.proposal)
        case .done:
            // What counts is what the forge now reports, by the logins repos/ME.yaml lists.
            guard let again = try await forge.request(for: p.proposal) else { return }
            requests[p.proposal.id] = again
            forge.acknowledgements(&p, again, snapshot: snapshot)
            if p.acks[me] != nil {
                out.line("\(out.styled("✓", .green)) Approved pull request #\(number) on \(forge.name): \(me) acknowledges proposal \(p.proposal.id): \(p.proposal.title)")
                warnOutsideRange(p.proposal)
            } else {
                let listed: String = mine.isEmpty ? "" : " (it lists " + mine.joined(separator: ", ") + ")"
                let line: String = "pull request #\(number) approved on \(forge.name), but the approval is not \(me)'s acknowledgement: "
                    + "repos/\(me).yaml lists no forge_accounts login on \(forge.name) that approved it" + listed
                    + "; add '- {maintainer: ADDRESS, forge: \(forge.name), login: YOUR-LOGIN}' under forge_accounts"
                out.line("\(out.styled("!", .yellow)) " + line)
            }
        }
    }

    /// Merges a proposal's pull request through the forge's merge API (only
    /// when its head is still the commit the proposal recorded), then records
    /// the proposal as merged and deletes its sync branch. The new realm state, or nil.
    func mergeOnForge(_ p: LoadedProposal, _ request: RealmForge.Request, forge: RealmForge, reason: String, counted: [ProposalAck]) async throws -> RealmState? {
        let proposal = p.proposal, number = request.pull.number
        var mergeSHA = request.pull.mergeCommitSHA
        switch request.pull.state {
        case .closed:
            out.line("\(out.styled("!", .yellow)) proposal \(proposal.id): its pull request #\(number) on \(forge.name) was closed without merging; \(proposal.author) must run 'git realm sync' again")
            return nil
        case .merged:
            break
        case .open:
            if let head = request.pull.headSHA, head != proposal.head {
                out.line("\(out.styled("!", .yellow)) proposal \(proposal.id): the branch of pull request #\(number) moved to \(head.prefix(12)) after it was proposed (\(proposal.head.prefix(12))); not merged")
                return nil
            }
            do {
                switch try await forge.client.merge(forge.ref, number: number, method: .merge, sha: proposal.head) {
                case .planned:
                    out.line("Would merge pull request #\(number) on \(forge.name) (proposal \(proposal.id): \(reason)), then record it as merged and delete refs/heads/\(proposal.branch)")
                    return nil
                case .done(let result):
                    guard result.merged else {
                        out.line("\(out.styled("!", .yellow)) proposal \(proposal.id): \(forge.name) did not merge pull request #\(number)\(result.message.map { ": " + TerminalText.inline($0) } ?? "")")
                        return nil
                    }
                    mergeSHA = result.sha ?? mergeSHA
                }
            } catch let e as ForgeAPIError {
                out.line("\(out.styled("!", .yellow)) proposal \(proposal.id) was not merged: \(e.description)")
                return nil
            }
        }
        // The forge moved the realm's branch: take it, then record the proposal as merged.
        _ = try await Realm.fetchRealm(place.member, membership, context: context)
        guard let tip = try place.member.resolve(membership.fetchedRef) else { return nil }
        var merged = proposal
        merged.state = .merged
        merged.mergedCommit = mergeSHA ?? tip
        merged.mergedAt = Timestamp.utc(now)
        merged.pullRequest = Proposal.RequestRef(forge: forge.name, number: number, url: request.pull.webURL)
        // A review's acknowledgement has no time of its own here: it is stamped with when this sync counted it (RFC 3339).
        merged.acknowledgements = counted.map { a in
            var a = a
            if a.at.isEmpty { a.at = Timestamp.utc(now) }
            return a
        }
        let record = try await ProposalCodec.commit(merged, file: ProposalCodec.recordFile, parent: p.recordCommit,
                                              message: "proposal \(proposal.id): merged as pull request #\(number) on \(forge.name)",
                                              committer: committer!)
        _ = try await RealmGit.push(url: membership.url, updates: [ProposalRefUpdate(ref: ProposalRefs.record(proposal.id), new: record, expected: p.recordCommit)],
                                    gitDir: place.gitDir, context: context)
        // The forge may have deleted the branch itself.
        _ = try await RealmGit.push(url: membership.url, updates: [ProposalRefUpdate(ref: "refs/heads/" + proposal.branch, new: nil, expected: proposal.head)],
                                    gitDir: place.gitDir, context: context)
        out.line("\(out.styled("✓", .green)) Merged proposal \(proposal.id) as pull request #\(number) on \(forge.name) (\((mergeSHA ?? tip).prefix(12))): \(reason)")
        notifyMerged(proposal)
        return try RealmReader.state(of: place.member, commit: tip)
    }
}
