import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

/// Who may speak for a repository in a realm that requires signed commits
/// (`trust.require_signed_commits: true`). Any member with push access can
/// push a proposal record, an acknowledgement or an approval naming any
/// repository; there, each counts only when its commit is signed by a key
/// listed for the repository it speaks for, checked exactly as `git realm
/// check --realm` checks the realm's commits (RealmHistoryChecker's
/// signatureProblem: git's own `gpg.ssh.allowedSignersFile`, built from the
/// realm's `signing_keys`):
///
/// - an open proposal's record, and its sync branch's commit: a maintainer
///   of the proposing repository (its `author`);
/// - an acknowledgement `acks/REPO`: a maintainer of REPO;
/// - an approval `approvals/REPO`: one of `governance.approvers` (a key listed
///   for that address in any `repos/*.yaml`), as for the realm's own files.
///
/// One that does not is ignored, with a warning naming its ref. Each
/// commit is checked once per run.
struct ProposalSignatures {
    let snapshot: RealmSnapshot
    let checker: RealmHistoryChecker
    private var cache: [String: String?] = [:]

    init(snapshot: RealmSnapshot, gitDir: String, context: Context) {
        self.snapshot = snapshot
        checker = RealmHistoryChecker(gitDir: gitDir, environment: GitEnvironment.detached(context.environment), context: context)
    }

    /// `loaded` with what is not signed by whom it speaks for left out (nothing left out when the realm does not require signatures).
    static func keepSigned(_ loaded: [LoadedProposal], snapshot: RealmSnapshot, gitDir: String, context: Context,
                           warn: (String) -> Void) async throws -> [LoadedProposal] {
        guard snapshot.manifest.trust.requireSignedCommits else { return loaded }
        var signatures = ProposalSignatures(snapshot: snapshot, gitDir: gitDir, context: context)
        var kept: [LoadedProposal] = []
        for var p in loaded {
            let id = p.proposal.id
            guard p.proposal.state == .open else { kept.append(p); continue }
            if let problem = try await signatures.problem(p.recordCommit, by: p.proposal.author) {
                warn("\(ProposalRefs.record(id)) (commit \(p.recordCommit.prefix(12))) \(problem); the proposal is ignored")
                continue
            }
            if let problem = try await signatures.problem(p.proposal.head, by: p.proposal.author) {
                warn("refs/heads/\(p.proposal.branch) (commit \(p.proposal.head.prefix(12)), proposal \(id)) \(problem); the proposal is ignored")
                continue
            }
            for (repo, _) in p.acks.sorted(by: { $0.key < $1.key }) {
                guard let commit = p.refCommits["acks/" + repo] else { continue }
                if let problem = try await signatures.problem(commit, by: repo) {
                    warn("\(ProposalRefs.ack(id, repo: repo, kind: .acknowledgement)) (commit \(commit.prefix(12))) \(problem); the acknowledgement is ignored")
                    p.acks[repo] = nil
                }
            }
            for (repo, _) in p.approvals.sorted(by: { $0.key < $1.key }) {
                guard let commit = p.refCommits["approvals/" + repo] else { continue }
                if let problem = try await signatures.problem(commit, by: "realm") {
                    warn("\(ProposalRefs.ack(id, repo: repo, kind: .approval)) (commit \(commit.prefix(12))) \(problem); the approval is ignored")
                    p.approvals[repo] = nil
                }
            }
            kept.append(p)
        }
        return kept
    }

    /// Why `commit` does not speak for `repo` ("realm": for the realm's approvers), nil when it does.
    mutating func problem(_ commit: String, by repo: String) async throws -> String? {
        let key = commit + " " + repo
        if let known = cache[key] { return known }
        let found = try await checker.signatureProblem(commit, by: repo, before: snapshot, after: snapshot)?.message
        cache[key] = .some(found)
        return found
    }
}
