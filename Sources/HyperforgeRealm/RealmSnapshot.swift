import HyperforgeCore

/// A whole realm at one commit: every file read and checked, and the files
/// checked against each other (names match their paths, bindings belong to
/// members of their domain, imports and exports name contracts that exist).
/// Errors name the file in the realm.
public struct RealmSnapshot: Sendable {
    public var commit: String
    public var manifest: RealmManifest
    public var repos: [String: RepoRecord]
    public var domains: [String: Domain]

    public struct Domain: Sendable {
        public var record: DomainRecord
        public var contracts: [String: Contract]
        public var bindings: [String: Binding]
    }

    /// One file of a realm parsed on its own, before the files are checked
    /// against each other: what `load` takes from it.
    public enum File: Sendable {
        case manifest(RealmManifest)
        case repo(RepoRecord)
        case domain(DomainRecord)
        case contract(domain: String, Contract)
        case binding(domain: String, Binding)
        /// A file the realm may hold that says nothing about it (README.md, CI workflows).
        case ignored
    }

    /// Parses one file of a realm by its path; the errors `load` throws for it.
    public static func parse(path: String, bytes: [UInt8]) throws(RealmFileError) -> File {
        func text() throws(RealmFileError) -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw .malformed(SourceLocation(file: path), "the file is not UTF-8")
            }
            return s
        }
        if path == "realm.yaml" { return .manifest(try RealmManifest.parse(try text(), file: path)) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func stem(_ file: String) throws(RealmFileError) -> String {
            guard file.hasSuffix(".yaml") else {
                throw .invalid(SourceLocation(file: path), field: "file", reason: "is not a .yaml file; realm files are realm.yaml, repos/*.yaml and domains/*/...")
            }
            return String(file.dropLast(5))
        }
        func matches(_ name: String, _ expected: String, _ field: String) throws(RealmFileError) {
            guard name == expected else {
                throw .invalid(SourceLocation(file: path), field: field, reason: "is \"\(name)\" but the file is named for \"\(expected)\"")
            }
        }
        switch parts.count {
        case 2 where parts[0] == "repos":
            let r = try RepoRecord.parse(try text(), file: path)
            try matches(r.name, try stem(parts[1]), "name")
            return .repo(r)
        case 3 where parts[0] == "domains" && parts[2] == "domain.yaml":
            let d = try DomainRecord.parse(try text(), file: path)
            try matches(d.name, parts[1], "name")
            return .domain(d)
        case 3 where parts[0] == "domains" && parts[2] == "governance.yaml":
            return .ignored // optional, domain-level governance: future work in the RFC
        case 4 where parts[0] == "domains" && parts[2] == "contracts":
            let c = try Contract.parse(try text(), file: path)
            try matches(c.name, try stem(parts[3]), "name")
            return .contract(domain: parts[1], c)
        case 4 where parts[0] == "domains" && parts[2] == "bindings":
            let b = try Binding.parse(try text(), file: path)
            try matches(b.repo, try stem(parts[3]), "repo")
            return .binding(domain: parts[1], b)
        default:
            if parts.first == "README.md" || parts.first == ".gitattributes" || parts.first == "CODEOWNERS" || parts.first == ".forgejo" || parts.first == ".github" || path == ".gitlab-ci.yml" { return .ignored }
            throw .invalid(SourceLocation(file: path), field: "file", reason: "is not a file of a realm (realm.yaml, repos/REPO.yaml, domains/DOMAIN/{domain.yaml,contracts/NAME.yaml,bindings/REPO.yaml})")
        }
    }

    /// Parses a realm from its files (`path` -> bytes), e.g. the tree of
    /// `refs/realm/<realm>/...`. Files the RFC does not define are refused,
    /// so a typo in a file name cannot silently drop a contract.
    public static func load(commit: String, files: [String: [UInt8]]) throws(RealmFileError) -> RealmSnapshot {
        try load(commit: commit, paths: files.keys) { path throws(RealmFileError) in try parse(path: path, bytes: files[path]!) }
    }

    /// `load` with each file parsed by `parsed` (`git realm check --realm`
    /// parses a file once per blob and reuses it in every commit that has it).
    /// The first error in the order realm.yaml, then by path, is the one thrown.
    static func load(commit: String, paths: some Collection<String>,
                     parsed: (String) throws(RealmFileError) -> File) throws(RealmFileError) -> RealmSnapshot {
        guard paths.contains("realm.yaml") else { throw .missing(SourceLocation(file: "realm.yaml"), field: "realm.yaml") }
        guard case .manifest(let manifest) = try parsed("realm.yaml") else { throw .missing(SourceLocation(file: "realm.yaml"), field: "realm.yaml") }
        var repos: [String: RepoRecord] = [:]
        var domainRecords: [String: DomainRecord] = [:]
        var contracts: [String: [String: Contract]] = [:]
        var bindings: [String: [String: Binding]] = [:]

        for path in paths.sorted() where path != "realm.yaml" {
            switch try parsed(path) {
            case .repo(let r): repos[r.name] = r
            case .domain(let d): domainRecords[d.name] = d
            case .contract(let domain, let c): contracts[domain, default: [:]][c.name] = c
            case .binding(let domain, let b): bindings[domain, default: [:]][b.repo] = b
            case .manifest, .ignored: continue
            }
        }

        var domains: [String: Domain] = [:]
        for name in Set(contracts.keys).union(bindings.keys) where domainRecords[name] == nil {
            throw .missing(SourceLocation(file: "domains/\(name)/domain.yaml"), field: "domains/\(name)/domain.yaml")
        }
        for (name, record) in domainRecords {
            let domainContracts = contracts[name] ?? [:]
            let domainBindings = bindings[name] ?? [:]
            for (repo, binding) in domainBindings {
                let path = "domains/\(name)/bindings/\(repo).yaml"
                guard record.members.contains(repo) else {
                    throw .invalid(SourceLocation(file: path), field: "repo", reason: "\"\(repo)\" is not a member of domain \(name)")
                }
                for e in binding.exports where domainContracts[e.contract] == nil {
                    throw .invalid(SourceLocation(file: path), field: "exports", reason: "names contract \"\(e.contract)\", which domain \(name) does not have")
                }
                for i in binding.imports where domainContracts[i.contract] == nil {
                    throw .invalid(SourceLocation(file: path), field: "imports", reason: "names contract \"\(i.contract)\", which domain \(name) does not have")
                }
            }
            for (contractName, contract) in domainContracts where !record.members.contains(contract.owner) {
                throw .invalid(SourceLocation(file: "domains/\(name)/contracts/\(contractName).yaml"), field: "owner",
                               reason: "\"\(contract.owner)\" is not a member of domain \(name)")
            }
            domains[name] = Domain(record: record, contracts: domainContracts, bindings: domainBindings)
        }
        return RealmSnapshot(commit: commit, manifest: manifest, repos: repos, domains: domains)
    }
}
