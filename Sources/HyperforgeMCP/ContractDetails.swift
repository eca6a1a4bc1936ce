import HyperforgeCore
import HyperforgeGit
import HyperforgeRealm

extension Realm {
    public struct ContractQuery: Sendable {
        public var target = Target()
        /// `NAME` or `DOMAIN/NAME`.
        public var contract = ""
        /// A version from the realm's history; nil: the current one.
        public var version: String?
        public init() {}
    }

    /// A contract as the realm last fetched here has it (or one of its
    /// earlier versions), with every binding that exports or imports it:
    /// `git realm mcp`'s contract_get. Reads only: no ref moves; the check
    /// cache's contract history may be filled. Here rather than in
    /// HyperforgeRealm, which the multi-call executable links whole (it was
    /// 33 kB of its stripped size, code no command of it runs), through the
    /// realm's package-level reads.
    public static func contractDetails(_ query: ContractQuery, context: Context) async throws -> JSONValue {
        let (repository, membership) = try openMember(query.target, context: context)
        guard let tip = try repository.resolve(membership.fetchedRef) else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(membership.url), gitOutput: "\(membership.fetchedRef) does not exist: the realm was never fetched here (run 'git realm fetch')")
        }
        let state = try RealmReader.state(of: repository, commit: tip)
        guard let snapshot = state.snapshot else { throw RealmError.invalidResult("the realm at \(tip.prefix(12)) has no realm.yaml") }
        let (domainName, name) = try locate(query.contract, in: snapshot)
        let domain = snapshot.domains[domainName]!
        let current = domain.contracts[name]!
        let file = "domains/\(domainName)/contracts/\(name).yaml"
        let cache = try? CheckCache(gitDirectory: repository.gitDirectory, warn: context.output.warning)
        let history = try await CheckSession.history(domainName, name, tip: tip, repository: repository, cache: cache, context: context)
        var shown = current
        var introducedIn: String? = history.first { $0.0 == current.version }?.1
        if let wanted = query.version {
            let version: SemanticVersion
            do { version = try SemanticVersion(parsing: wanted) } catch {
                throw QueryError.notAVersion(argument: "version", value: wanted, reason: error.description)
            }
            guard let entry = history.first(where: { $0.0 == version }) else {
                throw QueryError.unknownVersion(contract: "\(domainName)/\(name)", version: wanted, known: history.map { $0.0.description })
            }
            shown = entry.2
            introducedIn = entry.1
        }

        var bindings: [JSONValue] = []
        for (repo, binding) in domain.bindings.sorted(by: { $0.key < $1.key }) {
            let bindingFile = JSONValue.string("domains/\(domainName)/bindings/\(repo).yaml")
            for e in binding.exports where e.contract == name {
                bindings.append(.object([
                    "repo": .string(repo), "role": .string(binding.role.rawValue), "direction": .string("exports"), "file": bindingFile,
                    "source_files": .array(e.sourceFiles.map(JSONValue.string)),
                    "range": .null, "resolved_version": .null, "satisfied": .null, "stale": .null, "binding": .null,
                ]))
            }
            for i in binding.imports where i.contract == name {
                bindings.append(.object([
                    "repo": .string(repo), "role": .string(binding.role.rawValue), "direction": .string("imports"), "file": bindingFile,
                    "source_files": .null,
                    "range": .string(i.requirement.text),
                    "resolved_version": i.resolvedVersion.map { .string($0.description) } ?? .null,
                    "satisfied": .bool(i.requirement.matches(current.version)),
                    "stale": .bool(i.resolvedVersion != current.version),
                    "binding": i.binding.map(JSONValue.string) ?? .null,
                ]))
            }
        }
        func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
        let validation: JSONValue = shown.validation.map {
            .object(["exporter": $0.exporter.map(JSONValue.string) ?? .null, "importer": $0.importer.map(JSONValue.string) ?? .null,
                     "ci_only": strings($0.ciOnly)])
        } ?? .null
        return .object([
            "realm": .string(snapshot.manifest.name), "repo": .string(membership.repo), "commit": .string(tip),
            "domain": .string(domainName), "name": .string(name), "file": .string(file),
            "version": .string(shown.version.description), "current_version": .string(current.version.description),
            "introduced_in": introducedIn.map(JSONValue.string) ?? .null,
            "versions": strings(history.map { $0.0.description }),
            "owner": .string(shown.owner),
            "compatibility": .object(["backwards": .bool(shown.backwards), "forwards": .bool(shown.forwards)]),
            "schema": shown.schema, "value": shown.value ?? .null, "validation": validation,
            "evolution": .array(shown.evolution.map {
                .object(["version": .string($0.version.description), "changes": strings($0.changes), "compatible": .bool($0.compatible)])
            }),
            "bindings": .array(bindings),
        ])
    }

    /// The domain and name `NAME` or `DOMAIN/NAME` stands for in the realm.
    static func locate(_ given: String, in snapshot: RealmSnapshot) throws -> (domain: String, name: String) {
        let all = snapshot.domains.flatMap { d in d.value.contracts.keys.map { (d.key, $0) } }.sorted { "\($0.0)/\($0.1)" < "\($1.0)/\($1.1)" }
        let matches = all.filter { given == $0.1 || given == "\($0.0)/\($0.1)" }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw QueryError.ambiguousContract(name: given, candidates: matches.map { "\($0.0)/\($0.1)" })
        }
        throw QueryError.unknownContract(name: given, realm: snapshot.manifest.name, known: all.map { "\($0.0)/\($0.1)" })
    }
}
