import HyperforgeCore

extension Realm {
    public struct BindingSetOptions: Sendable {
        public var target = Target()
        /// The repository whose binding changes (default: this one).
        public var repo: String?
        /// `DOMAIN/NAME`.
        public var contract = ""
        /// The import's version range (`^1.2`, `>=1.2.0, <2.0.0`): imports the contract.
        public var range: String?
        /// The export's source files (replacing those listed): exports the contract.
        public var sourceFiles: [String]?
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin binding set`: writes one import (its version range)
    /// or one export (its source files) into `domains/D/bindings/R.yaml`, so
    /// nobody edits the YAML by hand. An import is resolved to the released
    /// version when the range takes it (status current), else left pending.
    /// Only a maintainer of R (by git config user.email, as repos/R.yaml
    /// lists them) or a realm approver (governance.approvers) may do it; an
    /// import that would close a dependency cycle is refused with the cycle.
    public static func adminBindingSet(_ options: BindingSetOptions, context: Context) async throws -> ExitStatus {
        let parts = options.contract.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw RealmError.invalidOption(flag: "--contract", value: options.contract, expected: "DOMAIN/NAME (a contract of the realm, e.g. s3-access/s3-permissions)")
        }
        let (domainName, name) = (parts[0], parts[1])
        try checkName(domainName, kind: "domain")
        try checkName(name, kind: "contract")
        guard (options.range == nil) != (options.sourceFiles == nil) else {
            throw RealmError.invalidOption(flag: "--range", value: options.range ?? "(not given)",
                                           expected: "given for an import, or --source-file for an export (one of the two)")
        }
        var requirement: VersionRequirement?
        if let range = options.range {
            do { requirement = try VersionRequirement(parsing: range) } catch {
                throw RealmError.invalidOption(flag: "--range", value: range, expected: "a version range (^1.2, ~1.2.3, >=1.2.0, <2.0.0): \(error.description)")
            }
        }
        for f in options.sourceFiles ?? [] where f.isEmpty || f.hasPrefix("/") || f.split(separator: "/").contains("..") {
            throw RealmError.invalidOption(flag: "--source-file", value: f, expected: "a path inside the repository, relative to its root")
        }
        let now = timestamp(context)
        let wanted = requirement
        return try await editRepositoryFiles(options.target, repo: options.repo, dryRun: options.dryRun, context: context) { state, snapshot, repo in
            let requirement = wanted
            let file = "domains/\(domainName)/bindings/\(repo).yaml"
            guard let domain = snapshot.domains[domainName] else { throw RealmError.unknownDomain(domainName) }
            guard let contract = domain.contracts[name] else {
                throw RealmError.invalidOption(flag: "--contract", value: options.contract,
                                               expected: "a contract of domain \(domainName): " + (domain.contracts.keys.sorted().joined(separator: ", ").nonEmpty ?? "it has none"))
            }
            guard domain.record.members.contains(repo) else {
                throw RealmError.invalidOption(flag: "--repo", value: repo,
                                               expected: "a member of domain \(domainName) (\(domain.record.members.joined(separator: ", ")))")
            }
            let old = domain.bindings[repo]
            var binding = old ?? Binding(repo: repo, role: requirement != nil ? .consumer : .provider, exports: [], imports: [])
            if let requirement {
                guard contract.owner != repo else {
                    throw RealmError.invalidOption(flag: "--repo", value: repo, expected: "a repository that does not own \(name) (its owner exports it: --source-file)")
                }
                let existing = binding.imports.first { $0.contract == name }
                if existing == nil {
                    // A new import: an edge from the contract's providers to this repository.
                    let graph = DependencyGraph(snapshot)
                    let providers = [contract.owner] + domain.bindings.values.filter { $0.exports.contains { $0.contract == name } }.map(\.repo)
                    for p in Set(providers).sorted() where p != repo {
                        if let cycle = graph.cycle(adding: p, repo, through: domainName) { throw RealmError.cycle(path: cycle) }
                    }
                }
                var imp = existing ?? Binding.Import(contract: name, requirement: requirement, binding: nil, status: nil, resolvedVersion: nil, resolvedAt: nil)
                imp.requirement = requirement
                if requirement.matches(contract.version) {
                    if imp.resolvedVersion != contract.version { imp.resolvedAt = now }
                    imp.resolvedVersion = contract.version
                    imp.status = "current"
                } else {
                    // A range ahead of (or behind) the released version: nothing resolves yet.
                    imp.resolvedVersion = nil
                    imp.resolvedAt = nil
                    imp.status = "pending"
                }
                if let i = binding.imports.firstIndex(where: { $0.contract == name }) { binding.imports[i] = imp } else { binding.imports.append(imp) }
            } else {
                let export = Binding.Export(contract: name, sourceFiles: options.sourceFiles ?? [])
                if let i = binding.exports.firstIndex(where: { $0.contract == name }) { binding.exports[i] = export } else { binding.exports.append(export) }
            }
            if !binding.exports.isEmpty && !binding.imports.isEmpty { binding.role = .both }
            else if !binding.imports.isEmpty && binding.role == .provider { binding.role = .both }
            else if !binding.exports.isEmpty && binding.role == .consumer { binding.role = .both }
            if old == binding { return nil }
            let what = requirement.map { "imports \(name) \($0.text)" } ?? "exports \(name) from \((options.sourceFiles ?? []).joined(separator: ", ").nonEmpty ?? "no source files")"
            var change = PlannedChange(files: state.files, message: "\(repo): \(what) (domain \(domainName))")
            change.write(file, binding.yaml())
            return change
        }
    }
}

extension String {
    /// Nil when empty.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
