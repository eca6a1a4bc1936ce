import Foundation
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
    static func load(commit: String, repo: Repository, useCache: Bool = true, keep: Set<String> = []) throws -> RealmIndex {
        let dir = directory(repo)
        let path = dir + "/\(commit).json"
        if useCache, let data = FileManager.default.contents(atPath: path),
           let index = try? JSONDecoder().decode(RealmIndex.self, from: data),
           index.format == formatVersion, index.commit == commit {
            return index
        }
        let state = try RealmReader.state(of: repo, commit: commit)
        let index = RealmIndex(state.snapshot!, files: state.files)
        // The cache is an optimisation: failing to write it is not an error.
        if let data = try? JSONEncoder().encode(index) {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if (try? AtomicFile.write(Array(data), to: path)) != nil {
                let keepNames = Set(keep.union([commit]).map { $0 + ".json" })
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !keepNames.contains(entry) && entry.hasSuffix(".json") {
                    try? FileManager.default.removeItem(atPath: dir + "/" + entry)
                }
            }
        }
        return index
    }
}
