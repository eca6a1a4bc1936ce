import FoundationEssentials
import HyperforgeCore

extension Realm {
    public struct ContractPublishOptions: Sendable {
        public var target = Target()
        /// A contract file in the RFC's format.
        public var file = ""
        public var domain = ""
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin contract publish FILE --domain D`: puts a new version
    /// of a contract (or a new contract) into the realm, byte for byte as the
    /// file is written. Only the contract's owner repository may do so (RFC
    /// "Contract Ownership"), and the version must go up at least as far as
    /// the change needs (a breaking change needs a new major version).
    public static func adminContractPublish(_ options: ContractPublishOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        try checkName(options.domain, kind: "domain")
        let path = context.resolve(options.file)
        // A regular file within a realm file's size limit (what the realm would accept).
        let data: [UInt8]
        do {
            guard let d = try FileRead.bytes(path, limit: YAMLReader.Limits.realm.bytes) else {
                throw RealmError.cannotReadFile(path: options.file, reason: "no such file")
            }
            data = d
        } catch let e as FileRead.Failure {
            throw RealmError.cannotReadFile(path: options.file, reason: e.reason)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw RealmError.cannotReadFile(path: options.file, reason: "the file is not UTF-8")
        }
        let contract = try Contract.parse(text, file: options.file)
        let target = "domains/\(options.domain)/contracts/\(contract.name).yaml"

        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            guard let domain = snapshot.domains[options.domain] else { throw RealmError.unknownDomain(options.domain) }
            if let current = domain.contracts[contract.name] {
                if current.owner != membership.repo {
                    throw RealmError.notOwner(contract: contract.name, domain: options.domain, owner: current.owner, repo: membership.repo)
                }
                if state.files[target] == data { return nil }
                guard contract.version > current.version else {
                    throw RealmError.versionNotIncreased(contract: contract.name, current: current.version.description, new: contract.version.description)
                }
                // At least the step the change needs, by the same engine as
                // 'git realm check --mode=contract' (a breaking change as a minor is refused).
                let checks = ContractChecks(domain: options.domain, name: contract.name, repo: membership.repo)
                let findings = checks.bumpFindings(from: current, to: contract, toLabel: contract.version.description, file: options.file,
                                                   registry: ContractChecks.registry(snapshot), compareUnchanged: false)
                if let refused = findings.first(where: { $0.severity == .error }) {
                    throw RealmError.versionStepTooSmall(contract: contract.name, message: refused.message)
                }
                // A change the importers must review goes through a proposal ('git realm sync'), as sync
                // judges it: outside an importer's range, or breaking where governance asks for an approval.
                let affected = SyncRun.importers(of: contract.name, in: domain, except: membership.repo, at: contract.version)
                let verdict = (try? checks.compatibility(from: current, to: contract, toLabel: contract.version.description,
                                                         registry: ContractChecks.registry(snapshot)))?.verdict
                let outside = affected.filter { !$0.satisfied }
                let why: String?
                if !outside.isEmpty {
                    why = "is outside the import range of " + outside.map { "\($0.repo) (\($0.requirement))" }.joined(separator: ", ")
                } else if !affected.isEmpty, verdict != .compatible, snapshot.manifest.governance.requireApprovalForBreakingChanges {
                    why = "is breaking (the compatibility check finds it \(verdict?.rawValue ?? "not comparable")) for "
                        + affected.map(\.repo).joined(separator: ", ") + ", and governance.breaking_changes.require_approval asks for an approval"
                } else { why = nil }
                if let why {
                    throw RealmTrustError.needsProposal(contract: contract.name, domain: options.domain, from: current.version.description,
                                                   to: contract.version.description, why: why)
                }
            }
            guard domain.record.members.contains(contract.owner) else {
                throw RealmError.ownerNotInDomain(owner: contract.owner, domain: options.domain)
            }
            var change = PlannedChange(files: state.files, message: "\(membership.repo): \(contract.name) \(contract.version)")
            change.files[target] = Array(data)
            return change
        }
        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: options.dryRun ? .scratch : .member(repository, membership),
                                 actingRepo: membership.repo, context: context)
        let outcome = try await writer.apply(dryRun: options.dryRun, plan)
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        if options.dryRun { out.line("dry run: nothing was committed or pushed") }
        if outcome.commit != nil {
            let previous = outcome.base.snapshot?.domains[options.domain]?.contracts[contract.name]?.version.description
            let changes = contract.evolution.last.map { $0.version == contract.version ? $0.changes : [] } ?? []
            RealmCoordination(context: context).notify(realm: membership.realm, domain: options.domain, contract: contract.name,
                                                       owner: membership.repo, from: previous, to: contract.version.description, changes: changes)
        }
        return .success
    }
}
