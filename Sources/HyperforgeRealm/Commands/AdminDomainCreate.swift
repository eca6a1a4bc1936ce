import HyperforgeCore

extension Realm {
    public struct DomainCreateOptions: Sendable {
        public var target = Target()
        public var name = ""
        /// The member repositories. The owner (default: the first) provides; the others consume.
        public var repos: [String] = []
        public var contracts: [String] = []
        public var owner: String?
        public var contractVersion = "1.0.0"
        public var description: String?
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin domain create`: writes `domains/NAME/domain.yaml`,
    /// a skeleton for each contract (owned by `--owner`, default the first
    /// repository) and a provider binding for the owner and consumer bindings
    /// (importing each contract at `^version`) for the others. A domain that
    /// would close a dependency cycle is refused with the cycle's path.
    public static func adminDomainCreate(_ options: DomainCreateOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        try checkName(options.name, kind: "domain")
        for r in options.repos { try checkName(r, kind: "repository") }
        for c in options.contracts { try checkName(c, kind: "contract") }
        guard options.repos.count >= 2 else { throw RealmError.notEnoughRepositories(domain: options.name) }
        if let dup = Dictionary(grouping: options.repos, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw RealmError.duplicateRepository(dup)
        }
        if let dup = Dictionary(grouping: options.contracts, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw RealmError.invalidName(kind: "contract", name: dup, problem: "is listed twice")
        }
        let owner = options.owner ?? options.repos[0]
        guard options.repos.contains(owner) else { throw RealmError.ownerNotInDomain(owner: owner, domain: options.name) }
        let version: SemanticVersion
        do { version = try SemanticVersion(parsing: options.contractVersion) } catch {
            throw RealmError.invalidName(kind: "contract version", name: options.contractVersion, problem: error.description)
        }
        guard let range = caretRange(version) else {
            throw RealmError.invalidName(kind: "contract version", name: options.contractVersion,
                                         problem: "has no next version for the consumers' range (its first non-zero part is \(UInt64.max), the largest there is)")
        }
        let requirement = try VersionRequirement(parsing: range)
        let now = timestamp(context)
        var unregistered: [String] = []

        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            if snapshot.domains[options.name] != nil { throw RealmError.domainExists(options.name) }
            var graph = DependencyGraph(snapshot)
            let consumers = options.repos.filter { $0 != owner }
            for c in consumers {
                if let cycle = graph.cycle(adding: owner, c, through: options.name) { throw RealmError.cycle(path: cycle) }
                graph.add(owner, c, options.name)
            }
            unregistered = options.repos.filter { snapshot.repos[$0] == nil }
            let base = "domains/\(options.name)"
            var change = PlannedChange(files: state.files, message: "Create domain \(options.name) (\(options.repos.joined(separator: ", ")))")
            change.write("\(base)/domain.yaml", DomainRecord(name: options.name, description: options.description, createdAt: now,
                                                             members: options.repos).yaml())
            for c in options.contracts {
                let contract = Contract(name: c, version: version, owner: owner, backwards: true, forwards: false,
                                        schema: .object(["type": .string("object")]), value: .object([:]), validation: nil,
                                        evolution: [.init(version: version, changes: ["Initial version"], compatible: true)])
                change.write("\(base)/contracts/\(c).yaml", contract.yaml())
            }
            change.write("\(base)/bindings/\(owner).yaml", Binding(repo: owner, role: .provider,
                exports: options.contracts.map { .init(contract: $0, sourceFiles: []) }, imports: []).yaml())
            for c in consumers {
                change.write("\(base)/bindings/\(c).yaml", Binding(repo: c, role: .consumer, exports: [], imports: options.contracts.map {
                    .init(contract: $0, requirement: requirement, binding: nil, status: "current", resolvedVersion: version, resolvedAt: now)
                }).yaml())
            }
            return change
        }

        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: options.dryRun ? .scratch : .member(repository, membership),
                                 actingRepo: membership.repo, context: context)
        let outcome = try await writer.apply(dryRun: options.dryRun, plan)
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        if !unregistered.isEmpty {
            out.line("note: not yet registered in the realm: \(unregistered.joined(separator: ", ")) (each joins with 'git realm admin join \(RemoteURL.redacted(membership.url))')")
        }
        if options.dryRun { out.line("dry run: nothing was committed or pushed") }
        return .success
    }

    /// Cargo's caret range for `v`, written out as the RFC does: `>=1.4.0, <2.0.0`;
    /// nil when the part to raise is already UInt64.max (no version follows).
    static func caretRange(_ v: SemanticVersion) -> String? {
        func next(_ n: UInt64) -> UInt64? { n == .max ? nil : n + 1 }
        let upper: String
        if v.major > 0 { guard let m = next(v.major) else { return nil }; upper = "\(m).0.0" }
        else if v.minor > 0 { guard let m = next(v.minor) else { return nil }; upper = "0.\(m).0" }
        else { guard let p = next(v.patch) else { return nil }; upper = "0.0.\(p)" }
        return ">=\(v), <\(upper)"
    }
}
