import FoundationEssentials
import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Realm {
    public struct SyncOptions: Sendable {
        public var target = Target()
        public var dryRun = false
        /// The RFC's flag: sync keeps no cache (it reads the realm's files and the work tree every time), so it changes nothing.
        public var noCache = false
        /// Said in the proposal, its commit and the contracts' evolution entries.
        public var message: String?
        public init() {}
    }

    /// `git realm sync` (RFC "Sync Protocol", "Daily Development", "Consumer
    /// Response"): as an owner, proposes what changed in this repository's
    /// working contract files (`.hyperforge/contracts/DOMAIN/NAME.yaml`), with
    /// the version the change needs and its evolution entry; as an importer,
    /// acknowledges the open proposals that affect it and records its
    /// bindings' `resolved_version`; for everyone, merges what is mergeable.
    /// A change of a contract owned elsewhere is refused before anything is pushed.
    public static func sync(_ options: SyncOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        guard let root = repository.workingDirectory else { throw RealmError.notAMember(repository: repository.gitDirectory) }
        out.line("📤 Syncing with realm '\(membership.realm)'...")
        let place = try await SyncPlace.open(repository, membership, dryRun: options.dryRun, context: context)
        defer { place.close() }
        var run = SyncRun(options: options, context: context, membership: membership, root: root, place: place,
                          now: ProposalClock.now(context), email: userEmail(repository, context: context),
                          forge: try RealmForge.open(url: membership.url, branch: membership.branch, dryRun: options.dryRun, context: context))
        try await run.go()
        return .success
    }
}

/// Where a sync reads and builds: the member repository (its fetched realm
/// and proposals), or for a dry run a scratch repository that borrows its
/// objects, so that nothing of the member's changes.
struct SyncPlace {
    let repository: Repository
    let gitDir: String
    let proposalPrefix: String
    let syncPrefix: String
    let tip: String
    let context: Context
    let scratch: Scratch?
    let member: Repository

    static func open(_ member: Repository, _ membership: Membership, dryRun: Bool, context: Context) async throws -> SyncPlace {
        if !dryRun {
            _ = try await Realm.fetchRealm(member, membership, context: context)
            // (fetchRealm fetched the proposals too.)
            let prefix = ProposalRefs.localPrefix(realm: membership.realm), sync = ProposalRefs.localSyncPrefix(realm: membership.realm)
            guard let tip = try member.resolve(membership.fetchedRef) else {
                throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
            }
            return SyncPlace(repository: member, gitDir: member.commonDirectory, proposalPrefix: prefix, syncPrefix: sync, tip: tip,
                             context: context, scratch: nil, member: member)
        }
        let scratch = try Scratch(context: context)
        do {
            let repo = try scratch.borrowing(member, context: context)
            let ref = "refs/realm-scratch/fetched"
            if let before = try member.resolve(membership.fetchedRef) { try repo.setReference(ref, to: before, message: "git realm: dry run") }
            let sc = scratch.context(context)
            guard let taken = try await RealmIntake.fetch(url: membership.url, branch: membership.branch, into: ref, repository: repo,
                                                          outcome: "dry run: nothing was changed", context: sc) else {
                throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
            }
            try await RealmGit.fetchProposals(url: membership.url, repository: repo, prefix: "refs/realm-scratch/proposals/",
                                              syncPrefix: "refs/realm-scratch/sync/", context: sc)
            return SyncPlace(repository: repo, gitDir: scratch.path, proposalPrefix: "refs/realm-scratch/proposals/",
                             syncPrefix: "refs/realm-scratch/sync/", tip: taken.after, context: sc, scratch: scratch, member: member)
        } catch {
            scratch.remove()
            throw error
        }
    }

    var dryRun: Bool { scratch != nil }

    func close() { scratch?.remove() }
}

/// One contract change this repository proposes.
struct DraftedChange {
    var change: Proposal.Change
    /// The realm file's new bytes, and the working file's (rewritten when sync worked out the version).
    var bytes: [UInt8]
    var workingFile: String
    var workingBytes: [UInt8]
    /// For a change that breaks a promise: a value one version accepts and the other rejects (as 'git realm check' shows it).
    var witness: String?
    var compatibility: String { change.compatibility }
}

struct SyncRun {
    let options: Realm.SyncOptions
    let context: Context
    let membership: Membership
    let root: String
    let place: SyncPlace
    let now: Date
    let email: String?
    /// The forge hosting the realm repository (nil: a plain git realm), and each open proposal's pull request there.
    let forge: RealmForge?
    var requests: [String: RealmForge.Request] = [:]
    /// Writes this sync's commits, signed when the realm requires it (set first thing in `go`).
    var committer: RealmCommitter?
    /// A dry run in a signed realm whose real run would be refused for its signing key: its acknowledgements would not count.
    var keyRefused = false
    var out: Output.Stream { context.output.stdout }
    var me: String { membership.repo }

    mutating func go() async throws {
        var state = try RealmReader.state(of: place.repository, commit: place.tip)
        // A realm that requires signed commits: refused here, before anything is pushed, without a signing key
        // or with one the realm does not list for this repository. A dry run shows its plan all the same and says so.
        let signed = state.snapshot!.manifest.trust.requireSignedCommits
        do {
            committer = try RealmCommitter.make(place.repository, author: signature(), requireSigned: signed,
                                                signingConfig: place.member, dryRun: place.dryRun, context: context)
            if signed { try SigningKeys.checkListed(place.member, for: me, before: state.snapshot!, after: state.snapshot!, context: context) }
        } catch let error as any HyperforgeError where place.dryRun && (error is SigningError || error is RealmTrustError) {
            context.output.warning("the real run will be refused (exit \(error.exitStatus.rawValue)): \(error.description)" + (error.hint.map { "; \($0)" } ?? ""))
            committer = RealmCommitter(repository: place.repository, author: try signature(), signs: false, context: context)
            keyRefused = true
        }
        var proposals = try await loadProposals(state)
        // Everything this repository would propose is worked out, and refused, before anything is pushed.
        let drafted = try await draft(state, proposals: proposals)
        try await readForge(&proposals, snapshot: state.snapshot!)
        try await acknowledge(&proposals, state: state)
        if !drafted.isEmpty { try await propose(drafted, state: state, proposals: &proposals) }
        state = try await mergeMergeable(&proposals, state: state)
        try await recordBindings(state)
        if !place.dryRun {
            // What this sync pushed (a proposal, acknowledgements, a merge)
            // is in the realm: the member's copy of the proposals shows it
            // too, so 'git realm proposals' right after agrees without --fetch.
            try await RealmGit.fetchProposals(url: membership.url, repository: place.repository, prefix: place.proposalPrefix,
                                              syncPrefix: place.syncPrefix, context: context)
            // This repository's notifications about proposals now settled for it are cleared, not left to pile up.
            let settled = Set(proposals.filter { $0.proposal.state != .open || $0.acks[me] != nil }.map(\.proposal.id))
            let cleared = RealmCoordination(context: context).clearNotices(realm: membership.realm, repo: me, settled: settled)
            if cleared > 0 { out.line("  \(cleared) notification\(cleared == 1 ? "" : "s") about settled proposals cleared") }
        }
        out.line(place.dryRun ? "dry run: nothing was committed, pushed or written; the realm and this repository are unchanged" : "\(out.styled("✓", .green)) Realm synced")
    }

    // MARK: - What this repository changed

    func draft(_ state: RealmState, proposals: [LoadedProposal] = []) async throws -> [DraftedChange] {
        let snapshot = state.snapshot!
        let registry = ContractChecks.registry(snapshot)
        var drafted: [DraftedChange] = []
        for (d, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) where domain.record.members.contains(me) {
            let dir = root + "/.hyperforge/contracts/\(d)"
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            var proposedHere = Set<String>()
            for entry in entries {
                let name = String(entry.dropLast(5))
                let file = Realm.workingContractPath(domain: d, name: name)
                let realmFile = "domains/\(d)/contracts/\(name).yaml"
                let bytes: [UInt8]
                do {
                    guard let b = try FileRead.bytes(root + "/" + file, limit: YAMLReader.Limits.realm.bytes) else { continue }
                    bytes = b
                } catch { throw RealmError.cannotReadFile(path: file, reason: error.reason) }
                if state.files[realmFile] == bytes { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else { throw RealmError.cannotPropose(file: file, reason: "it is not UTF-8") }
                let working = try Contract.parse(text, file: file)
                guard working.name == name else { throw RealmError.cannotPropose(file: file, reason: "it names contract \"\(working.name)\", but the file is for \(name)") }
                guard let released = domain.contracts[name] else {
                    throw RealmError.cannotPropose(file: file, reason: "domain \(d) has no contract \(name) yet; publish its first version with 'git realm admin contract publish \(file) --domain \(d)'")
                }
                // RFC "Contract Ownership": only the owner repository may change a contract.
                guard released.owner == me else {
                    throw RealmError.notOwner(contract: name, domain: d, owner: released.owner, repo: me)
                }
                guard working.owner == me else {
                    throw RealmError.cannotPropose(file: file, reason: "it gives the contract to \(working.owner); a sync may not change a contract's owner")
                }
                drafted.append(try versioned(working, workingBytes: bytes, released: released, domain: domain, d: d, file: file,
                                             realmFile: realmFile, registry: registry,
                                             ownProposed: ownProposedVersion(realmFile, proposals: proposals)))
                proposedHere.insert(name)
            }
            // Exports whose source files changed since the contract was last synced, with no contract change to propose.
            for export in domain.bindings[me]?.exports ?? [] where !proposedHere.contains(export.contract) {
                let present = export.sourceFiles.filter { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") && FileManager.default.fileExists(atPath: root + "/" + $0) }
                guard !present.isEmpty, let version = domain.contracts[export.contract]?.version,
                      let changed = try await CheckSession.changedSinceSync(present, realmFile: "domains/\(d)/contracts/\(export.contract).yaml",
                                                                            tip: place.tip, repository: place.member, root: root, context: context) else { continue }
                out.line("\(out.styled("!", .yellow)) \(changed.file) changed after \(export.contract) \(version) was last synced (\(changed.when)); "
                         + "if the contract changes, edit \(Realm.workingContractPath(domain: d, name: export.contract)) and run 'git realm sync' again")
            }
        }
        return drafted
    }

    /// The change with the version it needs (or the one written, checked) and its evolution entry.
    /// The versions this repository's own open proposals give `realmFile`
    /// (what an earlier sync wrote back into the working file).
    func ownProposedVersion(_ realmFile: String, proposals: [LoadedProposal]) -> Set<SemanticVersion> {
        var out = Set<SemanticVersion>()
        for p in proposals where p.proposal.author == me && p.proposal.state == .open {
            for c in p.proposal.changes where c.file == realmFile { if let v = try? SemanticVersion(parsing: c.to) { out.insert(v) } }
        }
        return out
    }

    func versioned(_ working: Contract, workingBytes: [UInt8], released: Contract, domain: RealmSnapshot.Domain, d: String, file: String,
                   realmFile: String, registry: SchemaRegistry, ownProposed: Set<SemanticVersion> = []) throws -> DraftedChange {
        let original = working
        var working = working
        let checks = ContractChecks(domain: d, name: working.name, repo: me)
        let report: CompatibilityReport
        do { report = try checks.compatibility(from: released, to: working, toLabel: "\(working.version) (working)", registry: registry) } catch {
            throw RealmError.cannotPropose(file: file, reason: "/schema\(error.keywordLocation): \(error.reason)")
        }
        let verdict = report.verdict
        var needed = Bump.required(from: released.version, breaking: verdict == .incompatible, schemaChanged: report.schemaChanged)
        // A change of the value (what the exporter provides: a new S3 path) asks importers to act: at least a minor step.
        if working.value != released.value { needed = max(needed, released.version.major == 0 ? .patch : .minor) }
        var final = working
        if working.version == released.version {
            final.version = SyncRun.bump(released.version, needed)
        } else if working.version < released.version {
            throw RealmError.versionNotIncreased(contract: working.name, current: released.version.description, new: working.version.description)
        } else if let refused = checks.bumpFindings(from: released, to: working, toLabel: working.version.description, file: file,
                                                    registry: registry, compareUnchanged: false).first(where: { $0.severity == .error }) {
            // A version an earlier sync wrote for this repository's own open proposal is not the user's choice:
            // the bigger change gets the version it needs (and supersedes that proposal); a hand-written one is refused.
            guard ownProposed.contains(working.version) else { throw RealmError.versionStepTooSmall(contract: working.name, message: refused.message) }
            working.evolution.removeAll { $0.version > released.version }
            working.version = released.version
            final = working
            final.version = SyncRun.bump(released.version, needed)
        }
        let pointers = ContractDiff.changes(from: released, to: final)
        if final.evolution.last?.version != final.version {
            let words = options.message.map { [$0] } ?? (pointers.isEmpty ? ["no schema or value change"] : pointers.prefix(10).map(ContractDiff.line))
            final.evolution.append(Contract.Evolution(version: final.version, changes: words, compatible: verdict != .incompatible))
        }
        // The contract as it will be published must pass the contract checks.
        let problems = checks.contractMode(working: final, file: file, released: released, history: [], registry: registry).filter { $0.severity == .error }
        if let first = problems.first {
            throw RealmError.cannotPropose(file: file, reason: (first.pointer.map { "\($0): " } ?? "") + first.message)
        }
        // Only version and evolution change in the user's file: edited in place (ContractEdit), written out in full only when that is not safe.
        let bytes = final == original ? workingBytes
            : Array((String(validating: workingBytes, as: UTF8.self).flatMap { ContractEdit.spliced($0, working: original, final: final, file: file) } ?? final.yaml()).utf8)
        let affected = SyncRun.importers(of: working.name, in: domain, except: me, at: final.version)
        let step = Bump(from: released.version, to: final.version)
        let change = Proposal.Change(domain: d, contract: working.name, file: realmFile, from: released.version.description, to: final.version.description,
                                     step: step.word, compatibility: verdict.rawValue,
                                     breaking: verdict != .compatible || affected.contains { !$0.satisfied }, pointers: pointers, affected: affected)
        // Each side by its own version: the realm's, and the one proposed (never the same label twice).
        let oldLabel = released.version.description, newLabel = final.version.description
        let witness = report.witness(old: oldLabel + " (in the realm)", new: newLabel == oldLabel ? newLabel + " (working)" : newLabel)
        return DraftedChange(change: change, bytes: bytes, workingFile: file, workingBytes: workingBytes, witness: witness?.sentence)
    }

    /// The repositories whose bindings in `domain` import `contract` (but
    /// `author`), each with its range and whether `version` satisfies it.
    static func importers(of contract: String, in domain: RealmSnapshot.Domain, except author: String, at version: SemanticVersion) -> [Proposal.Affected] {
        domain.bindings.sorted(by: { $0.key < $1.key }).flatMap { repo, binding in
            binding.imports.filter { $0.contract == contract && repo != author }.map {
                Proposal.Affected(repo: repo, requirement: $0.requirement.text, satisfied: $0.requirement.matches(version))
            }
        }
    }

    static func bump(_ v: SemanticVersion, _ step: Bump) -> SemanticVersion {
        switch step {
        case .major: return SemanticVersion(v.major + 1, 0, 0)
        case .minor: return SemanticVersion(v.major, v.minor + 1, 0)
        case .patch, .none: return SemanticVersion(v.major, v.minor, v.patch + 1)
        }
    }

    /// The open proposals as this member may count them: records that read,
    /// in a realm that requires signatures only what is signed by whom it
    /// speaks for (ProposalSignatures), each with when it can first have been
    /// in the realm (ProposalSightings).
    func loadProposals(_ state: RealmState) async throws -> [LoadedProposal] {
        let loaded = try ProposalCodec.load(place.repository, prefix: place.proposalPrefix, warn: context.output.warning)
        var kept = try await ProposalSignatures.keepSigned(loaded, snapshot: state.snapshot!, gitDir: place.gitDir, context: place.context,
                                                           warn: context.output.warning)
        ProposalSightings.apply(&kept, book: ProposalSightings.read(commonDirectory: place.member.commonDirectory, realm: membership.realm), now: now)
        return kept
    }

    func signature() throws -> Signature { try RealmWriter.signature(repo: place.member, actingRepo: me, context: context) }

    // MARK: - Proposing

    mutating func propose(_ drafted: [DraftedChange], state: RealmState, proposals: inout [LoadedProposal]) async throws {
        let mine = proposals.filter { $0.proposal.author == me && $0.proposal.state == .open }
        // The same change proposed already (by an earlier sync, or one running at the same time).
        for p in mine {
            let head = (try? place.repository.files(atCommit: p.proposal.head, within: ProposalVerification.Trees.budget)) ?? [:]
            if Set(p.proposal.changes.map(\.file)) == Set(drafted.map(\.change.file)), drafted.allSatisfy({ head[$0.change.file] == $0.bytes }) {
                out.line("Proposal \(p.proposal.id) is open for " + drafted.map { "\($0.change.contract) \($0.change.to)" }.joined(separator: ", ")
                         + "; nothing new to propose")
                try writeBack(drafted)
                return
            }
        }
        var files = state.files
        for d in drafted { files[d.change.file] = d.bytes }
        let after: RealmSnapshot
        do { after = try RealmSnapshot.load(commit: "new", files: files) } catch { throw RealmError.invalidResult(error.description) }
        try Ownership.check(before: state, after: after, files: files, actingRepo: me)
        let title = "\(me): " + drafted.map { "\($0.change.contract) \($0.change.to)" }.joined(separator: ", ")
        let message = title + (options.message.map { "\n\n" + $0 } ?? "")
        let committer = self.committer!
        let head = try await committer.commit(files: files, parents: state.commit.map { [$0] } ?? [], message: message)
        let stamp = SyncRun.stamp(now)
        for d in drafted {
            let c = d.change
            out.line("Contract update: \(c.contract) \(c.from ?? "(new)") → \(c.to) (\(c.breaking ? "BREAKING, " : "")\(c.step), \(c.compatibility))")
            for p in c.pointers.prefix(20) { out.line("  " + ContractDiff.line(p)) }
            if c.pointers.count > 20 { out.line("  … and \(c.pointers.count - 20) more") }
            if let w = d.witness { out.line("  witness: " + w) }
            for a in c.affected {
                out.line("  affects \(a.repo) (imports \(a.requirement): \(a.satisfied ? "still satisfied" : "NOT satisfied by \(c.to)"))")
            }
        }
        for attempt in 1...12 {
            let suffix = attempt == 1 ? "" : "-\(attempt)"
            let id = "\(me)-\(stamp)\(suffix)", branch = "sync/\(me)/\(stamp)\(suffix)"
            if proposals.contains(where: { $0.proposal.id == id }) { continue }
            let proposal = Proposal(id: id, realm: membership.realm, author: me, by: email, createdAt: Timestamp.utc(now), message: message,
                                    branch: branch, base: state.commit ?? "", head: head, state: .open, changes: drafted.map(\.change))
            let record = try await ProposalCodec.commit(proposal, file: ProposalCodec.recordFile, parent: nil, message: "proposal \(id): \(title)",
                                                  committer: committer)
            var updates = [ProposalRefUpdate(ref: "refs/heads/" + branch, new: head, expected: nil), ProposalRefUpdate(ref: ProposalRefs.record(id), new: record, expected: nil)]
            var superseded: [(Int, Proposal, String)] = []
            for (i, p) in proposals.enumerated() where p.proposal.author == me && p.proposal.state == .open {
                var old = p.proposal
                old.state = .superseded
                old.supersededBy = id
                let rec = try await ProposalCodec.commit(old, file: ProposalCodec.recordFile, parent: p.recordCommit, message: "proposal \(old.id): superseded by \(id)",
                                                   committer: committer)
                updates.append(ProposalRefUpdate(ref: ProposalRefs.record(old.id), new: rec, expected: p.recordCommit))
                updates.append(ProposalRefUpdate(ref: "refs/heads/" + old.branch, new: nil, expected: old.head))
                superseded.append((i, old, rec))
            }
            out.line(place.dryRun ? "Would create branch: \(branch)" : "Creating branch: \(branch)")
            if place.dryRun {
                out.line("Would commit \(head.prefix(12)) on top of \(state.commit?.prefix(12) ?? "(none)"): \(title)")
                for d in drafted { out.line("  update \(d.change.file)") }
                out.line("Would record proposal \(id) and push to \(RemoteURL.redacted(membership.url)), all or nothing:")
                for u in updates { out.line("  " + u.description) }
                showWhenMergeable(LoadedProposal(proposal: proposal, recordCommit: record, acks: [:], approvals: [:]), manifest: state.snapshot!.manifest)
                proposals.append(LoadedProposal(proposal: proposal, recordCommit: record, acks: [:], approvals: [:]))
                try await openRequest(proposal, snapshot: state.snapshot!)
                for (_, old, _) in superseded { try await closeOnForge(old, because: supersededWords(by: proposal)) }
                return
            }
            switch try await RealmGit.push(url: membership.url, updates: updates, gitDir: place.gitDir, context: context) {
            case .pushed:
                for (i, old, rec) in superseded {
                    proposals[i].proposal = old
                    proposals[i].recordCommit = rec
                    out.line("  proposal \(old.id) is superseded by this one")
                }
                let loaded = LoadedProposal(proposal: proposal, recordCommit: record, acks: [:], approvals: [:])
                proposals.append(loaded)
                out.line("\(out.styled("✓", .green)) Proposal \(id) created for review: \"\(title)\" (\(ProposalRefs.record(id)))")
                showWhenMergeable(loaded, manifest: state.snapshot!.manifest)
                try writeBack(drafted)
                try await openRequest(proposal, snapshot: state.snapshot!)
                for (_, old, _) in superseded { try await closeOnForge(old, because: supersededWords(by: proposal)) }
                let coordination = RealmCoordination(context: context)
                let notified = coordination.notifyProposal(proposal)
                for repo in proposal.affectedRepos {
                    out.line(notified.contains(repo) ? "\(out.styled("✓", .green)) \(repo) session notified"
                             : "  \(repo) has no active session; it sees the proposal in 'git realm status' and 'git realm proposals'")
                }
                return
            case .stale:
                // Another sync took the id, or changed a proposal of ours: look again.
                try await RealmGit.fetchProposals(url: membership.url, repository: place.repository, prefix: place.proposalPrefix,
                                                  syncPrefix: place.syncPrefix, context: context)
                proposals = try await loadProposals(state)
                for p in proposals where p.proposal.author == me && p.proposal.state == .open {
                    let h = (try? place.repository.files(atCommit: p.proposal.head, within: ProposalVerification.Trees.budget)) ?? [:]
                    if drafted.allSatisfy({ h[$0.change.file] == $0.bytes }) && Set(p.proposal.changes.map(\.file)) == Set(drafted.map(\.change.file)) {
                        out.line("Proposal \(p.proposal.id) (made at the same time) is open for the same change; nothing new to propose")
                        try writeBack(drafted)
                        return
                    }
                }
            }
        }
        throw RealmError.gaveUp(url: RemoteURL.redacted(membership.url), attempts: 12)
    }

    /// `20260124-150000`.
    static func stamp(_ date: Date) -> String {
        let t = Timestamp.utc(date) // 2026-01-24T15:00:00Z
        return t.prefix(10).replacing("-", with: "") + "-" + t.dropFirst(11).prefix(8).replacing(":", with: "")
    }

    /// The version and evolution entry sync worked out, written into the working file.
    func writeBack(_ drafted: [DraftedChange]) throws {
        guard !place.dryRun else { return }
        for d in drafted where d.bytes != d.workingBytes {
            do { try AtomicFile.write(d.bytes, to: root + "/" + d.workingFile) } catch {
                throw RealmError.cannotReadFile(path: d.workingFile, reason: "could not write it: \(error.reason)")
            }
            out.line("\(out.styled("✓", .green)) \(d.workingFile): version \(d.change.to) and its evolution entry written")
        }
    }

    func showWhenMergeable(_ p: LoadedProposal, manifest: RealmManifest) {
        let s = ProposalStatus.of(p, manifest: manifest, now: now)
        out.line("  " + (s.mergeable ? "mergeable now: " : "") + s.reason)
    }

    // MARK: - Acknowledging

    mutating func acknowledge(_ proposals: inout [LoadedProposal], state: RealmState, attempt: Int = 1) async throws {
        var pending = proposals.indices.filter {
            let p = proposals[$0]
            return p.proposal.state == .open && p.proposal.author != me && p.proposal.affectedRepos.contains(me) && p.acks[me] == nil
        }
        // On a forge, the acknowledgement is an approving review of the pull request.
        let viaForge = pending.filter { requests[proposals[$0].proposal.id]?.pull.state == .open }
        for i in viaForge { try await approveOnForge(&proposals[i], snapshot: state.snapshot!) }
        pending.removeAll { viaForge.contains($0) }
        guard !pending.isEmpty else { return }
        let committer = self.committer!
        var updates: [ProposalRefUpdate] = []
        var made: [(Int, ProposalAck)] = []
        for i in pending {
            let p = proposals[i].proposal
            let ack = ProposalAck(proposal: p.id, repo: me, by: email, at: Timestamp.utc(now), kind: .acknowledgement)
            let commit = try await ProposalCodec.commit(ack, file: ProposalCodec.ackFile, parent: nil, message: "\(me) acknowledges proposal \(p.id)",
                                                  committer: committer)
            // One that could not be counted (unreadable, or not signed by this repository's maintainer) is replaced.
            updates.append(ProposalRefUpdate(ref: ProposalRefs.ack(p.id, repo: me, kind: .acknowledgement), new: commit,
                                             expected: proposals[i].refCommits["acks/" + me]))
            made.append((i, ack))
            warnOutsideRange(p)
        }
        if place.dryRun {
            out.line("Would acknowledge, pushing to \(RemoteURL.redacted(membership.url)):")
            for u in updates { out.line("  " + u.description) }
        } else {
            switch try await RealmGit.push(url: membership.url, updates: updates, gitDir: place.gitDir, context: context) {
            case .pushed: break
            case .stale:
                // Some were acknowledged meanwhile (a sync of ours running at the same time): take the realm's word.
                try await RealmGit.fetchProposals(url: membership.url, repository: place.repository, prefix: place.proposalPrefix,
                                                  syncPrefix: place.syncPrefix, context: context)
                proposals = try await loadProposals(state)
                guard attempt < 12 else { throw RealmError.gaveUp(url: RemoteURL.redacted(membership.url), attempts: attempt) }
                return try await acknowledge(&proposals, state: state, attempt: attempt + 1)
            }
        }
        // What this sync just wrote is checked as everyone else's is (ProposalSignatures), not trusted.
        var signatures = state.snapshot!.manifest.trust.requireSignedCommits && !place.dryRun
            ? ProposalSignatures(snapshot: state.snapshot!, gitDir: place.gitDir, context: place.context) : nil
        for (i, ack) in made {
            let p = proposals[i].proposal
            out.line("\(out.styled("✓", .green)) \(place.dryRun ? "Would acknowledge" : "Acknowledged") proposal \(p.id): \(p.title)")
            if keyRefused { continue }
            let ref = ProposalRefs.ack(p.id, repo: me, kind: .acknowledgement)
            if let commit = updates.first(where: { $0.ref == ref })?.new, let problem = try await signatures?.problem(commit, by: me) {
                context.output.warning("\(ref) (commit \(commit.prefix(12))) \(problem); the acknowledgement is ignored")
                continue
            }
            proposals[i].acks[me] = ack
        }
    }

    /// A change this repository acknowledges that its import range does not take (a plain or a forge-hosted realm alike).
    func warnOutsideRange(_ p: Proposal) {
        for c in p.changes {
            for a in c.affected where a.repo == me && !a.satisfied {
                out.line("\(out.styled("!", .yellow)) your import of \(c.contract) (\(a.requirement)) does not include \(c.to): once the proposal merges and the code is updated, "
                         + "widen it with 'git realm admin binding set --contract \(c.domain)/\(c.contract) --range RANGE'")
            }
        }
    }

    // MARK: - Merging

    mutating func mergeMergeable(_ proposals: inout [LoadedProposal], state: RealmState) async throws -> RealmState {
        var state = state
        let manifest = state.snapshot!.manifest
        for i in proposals.indices.sorted(by: { proposals[$0].proposal.createdAt < proposals[$1].proposal.createdAt }) {
            guard proposals[i].proposal.state == .open else { continue }
            // The record's own claims (author, importers, verdict) are not
            // taken on its word: they are worked out again (ProposalVerification).
            let verified = ProposalVerification.verify(proposals[i], state: state, repository: place.repository)
            // A proposal whose changes are all in the realm already (two syncs
            // of one repository at once: the other's proposal landed the same
            // change) has nothing left to merge, and its version no longer
            // goes up, so it checks no more: its author closes it, not left
            // open for ever; to the others it is landed (as `proposals` shows it).
            if !verified.changed.isEmpty, verified.changed.allSatisfy({ state.files[$0] == verified.head[$0] }) {
                if proposals[i].proposal.author == me, try await closeLanded(proposals[i]) { proposals[i].proposal.state = .superseded }
                continue
            }
            guard let p = verified.proposal else {
                out.line("\(out.styled("!", .yellow)) proposal \(proposals[i].proposal.id) is not merged: \(verified.problem ?? "it does not check")")
                continue
            }
            let status = ProposalStatus.of(p, manifest: manifest, now: now)
            guard status.mergeable else { continue }
            do {
                if let merged = try await merge(p, verified, reason: status.reason, state: state) {
                    proposals[i].proposal.state = .merged
                    state = merged
                }
            } catch let e as ProposalConflict {
                out.line("\(out.styled("!", .yellow)) proposal \(p.proposal.id) cannot merge: \(e.path) changed in the realm since it was proposed; \(p.proposal.author) must run 'git realm sync' again")
            } catch RealmError.gaveUp(_, let attempts) {
                // Its record kept moving (superseded or merged meanwhile): the next sync looks again.
                out.line("\(out.styled("!", .yellow)) proposal \(p.proposal.id) was not merged: the realm or its record kept changing (\(attempts) attempts); run 'git realm sync' again")
            } catch let error as any HyperforgeError {
                // One proposal that cannot land (the realm's guard refused it) does not stop the rest of this sync.
                out.line("\(out.styled("!", .yellow)) proposal \(p.proposal.id) was not merged: \(error.description)")
            }
        }
        return state
    }

    struct ProposalConflict: Error { var path: String }

    /// Moves the record of `p`, whose changes the realm has already, to
    /// superseded and deletes its sync branch (under leases: a record that
    /// moved meanwhile is left to the next sync). Whether it was closed.
    mutating func closeLanded(_ p: LoadedProposal) async throws -> Bool {
        let id = p.proposal.id
        if place.dryRun {
            out.line("Would close proposal \(id): its changes are in the realm already")
            try await closeOnForge(p.proposal, because: "superseded: its changes are in the realm already")
            return false
        }
        var closed = p.proposal
        closed.state = .superseded
        let record = try await ProposalCodec.commit(closed, file: ProposalCodec.recordFile, parent: p.recordCommit,
                                                    message: "proposal \(id): its changes are in the realm already", committer: committer!)
        let updates = [ProposalRefUpdate(ref: ProposalRefs.record(id), new: record, expected: p.recordCommit),
                       ProposalRefUpdate(ref: "refs/heads/" + p.proposal.branch, new: nil, expected: p.proposal.head)]
        guard case .pushed = try await RealmGit.push(url: membership.url, updates: updates, gitDir: place.gitDir, context: context) else { return false }
        out.line("Closed proposal \(id): its changes are in the realm already")
        try await closeOnForge(p.proposal, because: "superseded: its changes are in the realm already")
        return true
    }

    /// Lands a proposal's changes on the realm's tip (rebuilt on a newer tip
    /// when another writer was first), moving its record to merged and
    /// deleting its sync branch in the same atomic push. The new realm state, or nil when nothing landed.
    func merge(_ p: LoadedProposal, _ verified: ProposalVerification.Verified, reason: String, state: RealmState) async throws -> RealmState? {
        let proposal = p.proposal
        let counted = p.counted(approvers: state.snapshot?.manifest.governance.approvers ?? [])
        // The trees the verification read (once).
        let base = verified.base, head = verified.head, paths = verified.changed
        if let forge, let request = requests[proposal.id] {
            let landed = try await mergeOnForge(p, request, forge: forge, reason: reason, counted: counted)
            // A dry run goes on from the realm as the merge would leave it, so that what it says next (the bindings) is what the run would do.
            if place.dryRun, landed == nil, request.pull.state == .open, request.pull.headSHA == nil || request.pull.headSHA == proposal.head { return try SyncRun.planned(state, files: paths.reduce(into: state.files) { $0[$1] = head[$1] }) }
            return landed
        }
        let acked = p.acks.keys.sorted()
        let message = "Merge proposal \(proposal.id): \(proposal.title)\n\nProposed by \(proposal.author)\(proposal.by.map { " (\($0))" } ?? "") at \(proposal.createdAt); "
            + (acked.isEmpty ? "" : "acknowledged by \(acked.joined(separator: ", ")); ") + reason + "."
        let plan: (RealmState) throws -> PlannedChange? = { state in
            var files = state.files, applied = 0
            for path in paths {
                if state.files[path] == head[path] { continue }
                guard state.files[path] == base[path] else { throw ProposalConflict(path: path) }
                files[path] = head[path]
                applied += 1
            }
            return applied == 0 ? nil : PlannedChange(files: files, message: message)
        }
        if place.dryRun {
            guard let change = try plan(state) else { return nil }
            out.line("Would merge proposal \(proposal.id) (\(reason)) on top of \(state.commit?.prefix(12) ?? "(none)"):")
            for c in RealmWriter.diff(state.files, change.files) { out.line("  \(c.description)") }
            out.line("  and push, all or nothing: move refs/heads/\(membership.branch), move \(ProposalRefs.record(proposal.id)) to merged, delete refs/heads/\(proposal.branch)")
            return try SyncRun.planned(state, files: change.files)
        }
        let when = Timestamp.utc(now)
        let committer = self.committer!
        var writer = RealmWriter(url: membership.url, branch: membership.branch, workspace: .member(place.member, membership),
                                 actingRepo: proposal.author, context: context)
        if state.snapshot?.manifest.trust.requireSignedCommits ?? false {
            // The proposal's commit, signed by its author, lands as it is (the realm's branch moves to it
            // when still at its base, else a merge commit takes it as second parent): the realm's history
            // then shows the author's signature on the author's files, as 'git realm check --realm' asks.
            writer.mergeBranch = (base: proposal.base, head: proposal.head)
        }
        writer.companions = { _, commit in
            var merged = proposal
            merged.state = .merged
            merged.mergedCommit = commit
            merged.mergedAt = when
            merged.acknowledgements = counted
            let record = try await ProposalCodec.commit(merged, file: ProposalCodec.recordFile, parent: p.recordCommit,
                                                        message: "proposal \(proposal.id): merged as \(commit.prefix(12))", committer: committer)
            return [ProposalRefUpdate(ref: ProposalRefs.record(proposal.id), new: record, expected: p.recordCommit),
                    ProposalRefUpdate(ref: "refs/heads/" + proposal.branch, new: nil, expected: proposal.head)]
        }
        let outcome = try await writer.apply(dryRun: false, plan)
        guard let commit = outcome.commit else {
            // Its changes are in the realm already (the same change proposed twice at
            // once, merged through the other one): the record says so, the branch goes.
            guard let tip = outcome.base.commit else { return nil }
            var merged = proposal
            merged.state = .merged
            merged.mergedCommit = tip
            merged.mergedAt = when
            let record = try await ProposalCodec.commit(merged, file: ProposalCodec.recordFile, parent: p.recordCommit,
                                                        message: "proposal \(proposal.id): its changes are in \(tip.prefix(12))", committer: committer)
            let updates = [ProposalRefUpdate(ref: ProposalRefs.record(proposal.id), new: record, expected: p.recordCommit),
                           ProposalRefUpdate(ref: "refs/heads/" + proposal.branch, new: nil, expected: proposal.head)]
            if try await RealmGit.push(url: membership.url, updates: updates, gitDir: place.gitDir, context: context) == .pushed {
                out.line("  proposal \(proposal.id): its changes are in the realm already (\(tip.prefix(12))); recorded as merged")
            }
            return nil
        }
        let again = outcome.retries > 0 ? " (rebuilt \(outcome.retries)× on newer realm commits)" : ""
        out.line("\(out.styled("✓", .green)) Merged proposal \(proposal.id) into the realm as \(commit.prefix(12))\(again): \(reason)")
        notifyMerged(proposal)
        return try RealmReader.state(of: place.member, commit: commit)
    }

    /// The realm as a dry run's merge would leave it (its commit stays the tip's: nothing was committed).
    static func planned(_ state: RealmState, files: [String: [UInt8]]) throws -> RealmState {
        do { return RealmState(commit: state.commit, files: files, snapshot: try RealmSnapshot.load(commit: state.commit ?? "planned", files: files)) } catch {
            throw RealmError.invalidResult(error.description)
        }
    }

    /// Active sessions of the affected repositories hear of the merge.
    func notifyMerged(_ proposal: Proposal) {
        let coordination = RealmCoordination(context: context)
        for c in proposal.changes {
            coordination.notify(realm: membership.realm, domain: c.domain, contract: c.contract, owner: proposal.author, from: c.from, to: c.to,
                                changes: ["merged: proposal \(proposal.id)"] + c.pointers.prefix(20).map(ContractDiff.line))
        }
    }

    // MARK: - Bindings

    /// As an importer: each import's `resolved_version` becomes the contract's
    /// version in the realm (when inside the import's range).
    func recordBindings(_ state: RealmState) async throws {
        guard let snapshot = state.snapshot, snapshot.domains.values.contains(where: { !($0.bindings[me]?.imports.isEmpty ?? true) }) else { return }
        let repo = me, at = Timestamp.utc(now)
        let box = LinesBox()
        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            var change = PlannedChange(files: state.files, message: "\(repo): bindings resolved")
            var lines: [String] = [], outside: [String] = []
            for (d, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) {
                guard var binding = domain.bindings[repo] else { continue }
                var touched = false
                for (k, i) in binding.imports.enumerated() {
                    guard let v = domain.contracts[i.contract]?.version, i.resolvedVersion != v else { continue }
                    guard i.requirement.matches(v) else {
                        outside.append("\(i.contract) \(v) is outside this repository's import range \(i.requirement.text) (domains/\(d)/bindings/\(repo).yaml): "
                                       + "resolved_version stays at \(i.resolvedVersion?.description ?? "(none)"); widen the range once the code is updated")
                        continue
                    }
                    lines.append("  \(i.contract): resolved_version \(i.resolvedVersion?.description ?? "(none)") → \(v)")
                    binding.imports[k].resolvedVersion = v
                    binding.imports[k].resolvedAt = at
                    binding.imports[k].status = "current"
                    touched = true
                }
                if touched { change.write("domains/\(d)/bindings/\(repo).yaml", binding.yaml()) }
            }
            box.lines = lines
            box.outside = outside
            return lines.isEmpty ? nil : change
        }
        if place.dryRun {
            // The plan worked out on the realm as this sync would leave it (after the merges it would make), not as fetched:
            // the real run's writer works on the realm after its merges too, so both say the same.
            let planned = try plan(state)
            for l in box.outside { out.line("\(out.styled("!", .yellow)) " + l) }
            guard planned != nil else { return }
            out.line("Would update bindings:")
            for l in box.lines { out.line(l) }
            out.line("  (a commit on top of the realm's branch, after any merge above, pushed to refs/heads/\(membership.branch))")
            return
        }
        let writer = RealmWriter(url: membership.url, branch: membership.branch, workspace: .member(place.member, membership), actingRepo: me, context: context)
        let outcome = try await writer.apply(dryRun: false, plan)
        for l in box.outside { out.line("\(out.styled("!", .yellow)) " + l) }
        guard !outcome.changes.isEmpty else { return }
        out.line("Binding updated:")
        for l in box.lines { out.line(l) }
    }
}

/// What a plan closure found, read after the write.
final class LinesBox: @unchecked Sendable { var lines: [String] = []; var outside: [String] = [] }
