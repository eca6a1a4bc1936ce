import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// What `git realm status` needs from a realm at one commit: members,
/// domains, contract versions and owners, bindings. Built from the realm's
/// files once per commit and cached in the repository's git directory
/// (`realm/index/<commit>.json`), so that later runs read one small file
/// instead of parsing every YAML file of the realm. A commit's content never
/// changes, so the commit id is the whole cache key.
public struct RealmIndex: Codable, Sendable, Equatable {
    public static let formatVersion = 2

    public var format: Int
    public var commit: String
    public var name: String
    public var repos: [String: Repo]
    public var domains: [String: Domain]

    public struct Repo: Codable, Sendable, Equatable { public var url: String? }
    public struct Domain: Codable, Sendable, Equatable {
        public var members: [String]
        public var contracts: [String: ContractInfo]
        public var bindings: [String: BindingInfo]
    }
    public struct ContractInfo: Codable, Sendable, Equatable {
        public var version: String
        public var owner: String
        public var exporterScript: String?
        public var importerScript: String?
        public var ciOnlyScripts: [String]
        /// A hash of the contract file's bytes.
        public var hash: String
    }
    public struct BindingInfo: Codable, Sendable, Equatable {
        public var role: String
        public var exports: [String]
        /// Each exported contract's source files.
        public var sources: [String: [String]]
        public var imports: [ImportInfo]
        /// A hash of the binding file's bytes.
        public var hash: String
    }
    public struct ImportInfo: Codable, Sendable, Equatable {
        public var contract: String
        public var requirement: String
        public var resolved: String?
        public var binding: String?
    }

    public init(_ snapshot: RealmSnapshot, files: [String: [UInt8]]) {
        func hash(_ path: String) -> String { ContentHash.of(files[path] ?? []) }
        format = RealmIndex.formatVersion
        commit = snapshot.commit
        name = snapshot.manifest.name
        repos = snapshot.repos.mapValues { Repo(url: $0.url) }
        domains = Dictionary(uniqueKeysWithValues: snapshot.domains.map { (domainName, d) in (domainName,
            Domain(members: d.record.members,
                   contracts: d.contracts.mapValues {
                       ContractInfo(version: $0.version.description, owner: $0.owner, exporterScript: $0.validation?.exporter,
                                    importerScript: $0.validation?.importer, ciOnlyScripts: $0.validation?.ciOnly ?? [],
                                    hash: hash("domains/\(domainName)/contracts/\($0.name).yaml"))
                   },
                   bindings: d.bindings.mapValues { b in
                       BindingInfo(role: b.role.rawValue, exports: b.exports.map(\.contract),
                                   sources: Dictionary(b.exports.map { ($0.contract, $0.sourceFiles) }, uniquingKeysWith: { a, c in a + c }),
                                   imports: b.imports.map { ImportInfo(contract: $0.contract, requirement: $0.requirement.text,
                                                                       resolved: $0.resolvedVersion?.description, binding: $0.binding) },
                                   hash: hash("domains/\(domainName)/bindings/\(b.repo).yaml"))
                   }))
        })
    }

    static func directory(_ repo: Repository) -> String { repo.commonDirectory + "/realm/index" }

    /// The index of `commit`: from the cache when present, else read from
    /// the realm's files with libgit2 (and cached). `keep` lists the commits
    /// whose cache entries must survive pruning.
    /// `state`: the realm at `commit` when the caller has read it already.
    static func load(commit: String, repo: Repository, useCache: Bool = true, keep: Set<String> = [], state known: RealmState? = nil) throws -> RealmIndex {
        let dir = directory(repo)
        let path = dir + "/\(commit).json"
        if useCache, let data = FileManager.default.contents(atPath: path),
           let json = try? JSONParser.parse(Array(data), file: path), let index = RealmIndex(json: json),
           index.format == formatVersion, index.commit == commit {
            return index
        }
        let state = try known.flatMap { $0.commit == commit ? $0 : nil } ?? RealmReader.state(of: repo, commit: commit)
        let index = RealmIndex(state.snapshot!, files: state.files)
        // The cache is an optimisation: failing to write it is not an error.
        do {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if (try? AtomicFile.write(Array(index.json.jsonText.utf8), to: path)) != nil {
                let keepNames = Set(keep.union([commit]).map { $0 + ".json" })
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !keepNames.contains(entry) && entry.hasSuffix(".json") {
                    try? FileManager.default.removeItem(atPath: dir + "/" + entry)
                }
            }
        }
        return index
    }
}

/// The cache file's format: plain JSON written and read with the realm's own
/// JSON reader (Foundation's JSONDecoder took two thirds of a warm `status`).
extension RealmIndex {
    var json: JSONValue {
        func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            "format": .integer(Int64(format)), "commit": .string(commit), "name": .string(name),
            "repos": .object(repos.mapValues { .object(["url": opt($0.url)]) }),
            "domains": .object(domains.mapValues { d in
                .object([
                    "members": strings(d.members),
                    "contracts": .object(d.contracts.mapValues { c in
                        .object(["version": .string(c.version), "owner": .string(c.owner), "exporter": opt(c.exporterScript),
                                 "importer": opt(c.importerScript), "ci_only": strings(c.ciOnlyScripts), "hash": .string(c.hash)])
                    }),
                    "bindings": .object(d.bindings.mapValues { b in
                        .object(["role": .string(b.role), "exports": strings(b.exports), "sources": .object(b.sources.mapValues(strings)),
                                 "imports": .array(b.imports.map { i in
                                     .object(["contract": .string(i.contract), "requirement": .string(i.requirement),
                                              "resolved": opt(i.resolved), "binding": opt(i.binding)])
                                 }),
                                 "hash": .string(b.hash)])
                    }),
                ])
            }),
        ])
    }

    init?(json: JSONValue) {
        func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        func strings(_ v: JSONValue?) -> [String]? {
            guard case .array(let a)? = v else { return nil }
            var out: [String] = []
            for x in a { guard case .string(let s) = x else { return nil }; out.append(s) }
            return out
        }
        func object(_ v: JSONValue?) -> [String: JSONValue]? { if case .object(let o)? = v { return o }; return nil }
        guard case .integer(let format)? = json["format"], let commit = string(json["commit"]), let name = string(json["name"]),
              let repos = object(json["repos"]), let domains = object(json["domains"]) else { return nil }
        self.format = Int(format)
        self.commit = commit
        self.name = name
        self.repos = repos.mapValues { Repo(url: string($0["url"])) }
        var parsed: [String: Domain] = [:]
        for (dn, d) in domains {
            guard let members = strings(d["members"]), let contracts = object(d["contracts"]), let bindings = object(d["bindings"]) else { return nil }
            var cs: [String: ContractInfo] = [:]
            for (cn, c) in contracts {
                guard let version = string(c["version"]), let owner = string(c["owner"]), let hash = string(c["hash"]) else { return nil }
                cs[cn] = ContractInfo(version: version, owner: owner, exporterScript: string(c["exporter"]), importerScript: string(c["importer"]),
                                      ciOnlyScripts: strings(c["ci_only"]) ?? [], hash: hash)
            }
            var bs: [String: BindingInfo] = [:]
            for (bn, b) in bindings {
                guard let role = string(b["role"]), let exports = strings(b["exports"]), case .array(let imports)? = b["imports"],
                      let hash = string(b["hash"]) else { return nil }
                var sources: [String: [String]] = [:]
                for (k, v) in object(b["sources"]) ?? [:] { sources[k] = strings(v) ?? [] }
                var parsedImports: [ImportInfo] = []
                for i in imports {
                    guard let contract = string(i["contract"]), let requirement = string(i["requirement"]) else { return nil }
                    parsedImports.append(ImportInfo(contract: contract, requirement: requirement, resolved: string(i["resolved"]), binding: string(i["binding"])))
                }
                bs[bn] = BindingInfo(role: role, exports: exports, sources: sources, imports: parsedImports, hash: hash)
            }
            parsed[dn] = Domain(members: members, contracts: cs, bindings: bs)
        }
        self.domains = parsed
    }
}
