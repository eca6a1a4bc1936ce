import HyperforgeCore
import HyperforgeGit

/// A proposal's record is written by whoever pushed it: any member with push
/// access to the realm can push one, naming any author, any importers (or
/// none) and any verdict. So what decides a merge is worked out again from
/// the realm as it is and the proposal's own commits, and the record's
/// claims are replaced by that: its branch may change only the contract files
/// the record lists, each a contract its author owns in the realm now, to a
/// higher version that is a big enough step; the importers that must
/// acknowledge are those whose bindings import it now; breaking is the
/// compatibility engine's verdict and those importers' ranges.
///
/// What this cannot say without signatures is who pushed the record or an
/// acknowledgement: in a realm without `trust.require_signed_commits`, a
/// member can push an acknowledgement in another repository's name, as it
/// could push a commit in another's name (the guard's note says the same).
enum ProposalVerification {
    /// A proposal worked out again: the checked proposal (nil: it cannot
    /// merge, `problem` says why), and its base and head trees, read once for the check and the merge.
    struct Verified {
        var proposal: LoadedProposal?
        var problem: String?
        var base: [String: [UInt8]] = [:]
        var head: [String: [UInt8]] = [:]
        var changed: [String] = []
    }

    /// The trees read in one run, by commit id (proposals built on the same realm commit share its tree).
    struct Trees {
        let repository: Repository
        var read: [String: [String: [UInt8]]] = [:]
        init(repository: Repository) { self.repository = repository }

        /// A proposal's commits are pushed by any member: a tree of more than
        /// this many files or bytes is not read (the proposal does not merge).
        static let budget = Repository.TreeBudget(files: 20_000, bytes: 64 << 20)
        /// Commits whose tree is over the budget.
        var tooLarge: Set<String> = []
        /// Commits whose tree holds an entry that is not a regular file (`RealmReader.irregularEntry`), with why.
        var irregular: [String: String] = [:]

        mutating func files(_ commit: String) -> [String: [UInt8]]? {
            if let known = read[commit] { return known }
            do {
                var odd: [String: UInt32] = [:]
                guard let files = try repository.files(atCommit: commit, within: Trees.budget, irregular: &odd) else { tooLarge.insert(commit); return nil }
                if let (path, mode) = odd.min(by: { $0.key < $1.key }) {
                    irregular[commit] = RealmReader.irregularEntry(path, mode: mode).description
                    return nil
                }
                read[commit] = files
                return files
            } catch { return nil }
        }
    }

    /// The proposal with its changes worked out again, or why it cannot merge.
    static func verify(_ p: LoadedProposal, state: RealmState, repository: Repository) -> Verified {
        var trees = Trees(repository: repository)
        return verify(p, state: state, trees: &trees)
    }

    static func verify(_ p: LoadedProposal, state: RealmState, trees: inout Trees) -> Verified {
        let proposal = p.proposal
        guard let snapshot = state.snapshot,
              let base = trees.files(proposal.base),
              let head = trees.files(proposal.head) else {
            if let big = [proposal.base, proposal.head].first(where: { trees.tooLarge.contains($0) }) {
                return Verified(problem: "its commit \(big.prefix(12)) holds more than \(Trees.budget.files) files or \(Trees.budget.bytes >> 20) MiB, more than a realm's proposal may (not read)")
            }
            if let odd = [proposal.base, proposal.head].first(where: { trees.irregular[$0] != nil }) {
                return Verified(problem: "its commit \(odd.prefix(12)) holds \(trees.irregular[odd]!)")
            }
            return Verified(problem: "its commits are not in the realm any more (branch \(proposal.branch))")
        }
        let result = check(p, snapshot: snapshot, base: base, head: head)
        let changed = RealmWriter.diff(base, head).map(\.path)
        // Sync writes a proposal as one commit on its base. A head with other
        // parents would bring commits no check here looks at, or (its parent
        // an older realm commit) make the merge a push that drops realm history.
        if result.proposal != nil, (try? trees.repository.parents(of: proposal.head)) != [proposal.base] {
            return Verified(problem: "its head \(proposal.head.prefix(12)) is not one commit on its base \(proposal.base.prefix(12)), as git realm sync writes a proposal",
                            base: base, head: head, changed: changed)
        }
        return Verified(proposal: result.proposal, problem: result.problem, base: base, head: head, changed: changed)
    }

    static func check(_ p: LoadedProposal, snapshot: RealmSnapshot, base: [String: [UInt8]], head: [String: [UInt8]]) -> (proposal: LoadedProposal?, problem: String?) {
        let proposal = p.proposal
        let changed = Set(RealmWriter.diff(base, head).map(\.path))
        let listed = Set(proposal.changes.map(\.file))
        if let extra = changed.subtracting(listed).sorted().first {
            return (nil, "its branch changes \(extra), which its record does not list")
        }
        if let missing = listed.subtracting(changed).sorted().first {
            return (nil, "its record lists \(missing), which its branch does not change")
        }
        let registry = ContractChecks.registry(snapshot)
        var checked = p
        for (i, change) in proposal.changes.enumerated() {
            guard change.file == "domains/\(change.domain)/contracts/\(change.contract).yaml",
                  let domain = snapshot.domains[change.domain], let released = domain.contracts[change.contract] else {
                return (nil, "\(change.file) is not a contract of the realm")
            }
            guard released.owner == proposal.author else {
                return (nil, "\(change.contract) is owned by \(released.owner), not by \(proposal.author), who the record says proposed it")
            }
            guard let bytes = head[change.file], let text = String(validating: bytes, as: UTF8.self),
                  let proposed = try? Contract.parse(text, file: change.file) else {
                return (nil, "\(change.file) on its branch does not read as a contract")
            }
            guard proposed.name == change.contract, proposed.owner == released.owner else {
                return (nil, "\(change.file) on its branch changes the contract's name or owner")
            }
            guard proposed.version > released.version else {
                return (nil, "\(change.contract) \(proposed.version) on its branch is not above the realm's \(released.version)")
            }
            let checks = ContractChecks(domain: change.domain, name: change.contract, repo: proposal.author)
            let label = proposed.version.description
            guard let report = try? checks.compatibility(from: released, to: proposed, toLabel: label, registry: registry) else {
                return (nil, "\(change.file) on its branch has a schema that does not compile")
            }
            if let refused = checks.bumpFindings(from: released, to: proposed, toLabel: label, file: change.file,
                                                 registry: registry, compareUnchanged: false).first(where: { $0.severity == .error }) {
                return (nil, refused.message)
            }
            let affected = SyncRun.importers(of: change.contract, in: domain, except: proposal.author, at: proposed.version)
            var c = change
            c.from = released.version.description
            c.to = proposed.version.description
            c.step = Bump(from: released.version, to: proposed.version).word
            c.compatibility = report.verdict.rawValue
            c.affected = affected
            c.breaking = report.verdict != .compatible || affected.contains { !$0.satisfied }
            checked.proposal.changes[i] = c
        }
        // Acknowledgements count only from the repositories that must give them.
        let must = Set(checked.proposal.affectedRepos)
        checked.acks = checked.acks.filter { must.contains($0.key) }
        return (checked, nil)
    }

    /// What the record claims that the re-check does not find, in words.
    static func differences(claimed: Proposal, checked: Proposal) -> [String] {
        var out: [String] = []
        for (a, b) in zip(claimed.changes, checked.changes) where a != b {
            let what = "\(a.contract) \(a.to)"
            if a.breaking != b.breaking { out.append("\(what) is \(a.breaking ? "breaking" : "not breaking"); the re-check finds it \(b.breaking ? "breaking" : "not breaking")") }
            if a.compatibility != b.compatibility { out.append("\(what) is \(a.compatibility); the re-check finds it \(b.compatibility)") }
            if a.from != b.from || a.step != b.step { out.append("\(what) goes from \(a.from ?? "(new)") (\(a.step)); the realm has \(b.from ?? "(none)") (\(b.step))") }
            let claimedAffected = a.affected.map { "\($0.repo) (\($0.satisfied ? "satisfied" : "not satisfied"))" }
            let checkedAffected = b.affected.map { "\($0.repo) (\($0.satisfied ? "satisfied" : "not satisfied"))" }
            if claimedAffected != checkedAffected {
                let words: ([String]) -> String = { $0.isEmpty ? "no importer" : $0.joined(separator: ", ") }
                out.append("\(what) affects \(words(claimedAffected)); the re-check finds \(words(checkedAffected))")
            }
        }
        return out
    }
}
