import HyperforgeCore

/// What a version bump is, and what a set of changes requires.
enum Bump: Int, Comparable {
    case none, patch, minor, major
    static func < (a: Bump, b: Bump) -> Bool { a.rawValue < b.rawValue }

    init(from a: SemanticVersion, to b: SemanticVersion) {
        if b.major != a.major { self = .major }
        else if b.minor != a.minor { self = .minor }
        else if b.patch != a.patch || b.prerelease != a.prerelease { self = .patch }
        else { self = .none }
    }

    /// Breaking changes need a new major version (a new minor before 1.0.0,
    /// as Cargo's caret ranges treat 0.x), compatible schema changes a new
    /// minor (patch before 1.0.0), anything else a patch.
    static func required(from a: SemanticVersion, breaking: Bool, schemaChanged: Bool) -> Bump {
        if breaking { return a.major == 0 ? .minor : .major }
        if schemaChanged { return a.major == 0 ? .patch : .minor }
        return .patch
    }

    var word: String { ["no", "patch", "minor", "major"][rawValue] }
}

/// The checks of one contract, given what they read. No I/O here except the
/// validation scripts (in `Scripts`).
struct ContractChecks {
    let domain: String
    let name: String
    let repo: String

    var realmFile: String { "domains/\(domain)/contracts/\(name).yaml" }

    func finding(_ s: Finding.Severity, _ mode: Finding.Mode, file: String? = nil, pointer: String? = nil, _ message: String, details: [String] = [],
                 witness: Witness? = nil, explanation: [String] = []) -> Finding {
        Finding(s, mode, domain: domain, contract: name, file: file, pointer: pointer, message: message, details: details, witness: witness, explanation: explanation)
    }

    /// A registry holding every contract's schema of the realm (as
    /// `realm:DOMAIN/NAME`, and under its own `$id`), the metaschemas, and
    /// nothing from the network.
    static func registry(_ snapshot: RealmSnapshot) -> SchemaRegistry {
        let registry = SchemaRegistry()
        for (d, domain) in snapshot.domains {
            for (c, contract) in domain.contracts {
                registry.register(contract.schema, uri: "realm:\(d)/\(c)")
                // A contract's own $id names it too, but never one of the
                // embedded metaschemas (json-schema.org): another member's contract
                // could otherwise redefine what a valid schema is for everyone.
                if case .string(let id)? = contract.schema["$id"], id.contains(":"), !id.lowercased().contains("json-schema.org") {
                    registry.register(contract.schema, uri: id)
                }
            }
        }
        return registry
    }

    /// Compiles one version of a contract in a registry of its own (the
    /// realm's documents, this version's schema under its `$id`), so that its
    /// `$ref`s reach its own definitions, not another version's with the same `$id`.
    static func compile(_ contract: Contract, domain: String, registry: SchemaRegistry, label: String) throws(SchemaError) -> CompiledSchema {
        let draft: SchemaDraft
        if case .string(let meta)? = contract.schema["$schema"], let d = SchemaDraft.from(metaschema: meta) { draft = d } else { draft = .draft2020_12 }
        let own = registry.fork()
        if case .string(let id)? = contract.schema["$id"], id.contains(":"), !id.lowercased().contains("json-schema.org") {
            own.register(contract.schema, uri: id)
        }
        return try own.compile(contract.schema, uri: label, draft: draft)
    }

    /// `--mode=contract`: the schema is a schema, the value fits it, the
    /// version moved as far as the changes require, evolution agrees with history.
    func contractMode(working: Contract, file: String, released: Contract?, history: [(SemanticVersion, String, Contract)],
                      registry: SchemaRegistry) -> [Finding] {
        var out: [Finding] = []
        if working.owner != repo {
            out.append(finding(.error, .contract, file: file, pointer: "/owner", "is owned by \(working.owner), not this repository (\(repo)); only the owner may change it"))
        }
        out += metaschemaFindings(working, file: file, mode: .contract, registry: registry)
        let compiled: CompiledSchema
        do { compiled = try ContractChecks.compile(working, domain: domain, registry: registry, label: "realm-working:\(domain)/\(name)") } catch {
            out.append(finding(.error, .contract, file: file, pointer: "/schema" + error.keywordLocation, error.reason))
            return out
        }
        if let value = working.value {
            do {
                let violations = try compiled.validate(value)
                for v in violations.prefix(50) {
                    out.append(finding(.error, .contract, file: file, pointer: "/value" + v.instanceLocation, v.message,
                                       details: ["schema keyword: /schema\(v.keywordLocation)"]))
                }
                if violations.count > 50 { out.append(finding(.error, .contract, file: file, pointer: "/value", "\(violations.count - 50) more violations")) }
            } catch {
                out.append(finding(.error, .contract, file: file, pointer: "/schema" + error.keywordLocation, error.reason))
            }
        }
        // The version against the released one.
        if let released {
            if working.version < released.version {
                out.append(finding(.error, .contract, file: file, pointer: "/version", "\(working.version) is lower than the released \(released.version)"))
            } else {
                out += bumpFindings(from: released, to: working, toLabel: "\(working.version) (working)", file: file, registry: registry, compareUnchanged: true)
            }
        }
        // Each step of the realm's history against the change it made (a
        // breaking change published as a minor bump is an error even when it
        // was pushed without this tool).
        let steps = history.sorted { $0.0 < $1.0 }
        if steps.count > 1 {
            for (p, n) in zip(steps, steps.dropFirst()) {
                // Errors only: what cannot be decided was said when it was published, and history cannot be edited.
                out += bumpFindings(from: p.2, to: n.2, toLabel: "\(n.0) (realm commit \(n.1.prefix(12)))", file: realmFile, registry: registry, compareUnchanged: false)
                    .filter { $0.severity == .error }
            }
        }
        // Evolution against itself and the realm's history.
        var previous: SemanticVersion?
        for (i, e) in working.evolution.enumerated() {
            if let p = previous, e.version <= p {
                out.append(finding(.error, .contract, file: file, pointer: "/evolution/\(i)/version", "\(e.version) does not come after \(p)"))
            }
            if let p = previous, !e.compatible, e.version.major == p.major, p.major > 0 {
                out.append(finding(.error, .contract, file: file, pointer: "/evolution/\(i)/compatible", "\(e.version) is marked incompatible but is not a new major version after \(p)"))
            }
            previous = e.version
        }
        if let last = working.evolution.last, last.version != working.version {
            out.append(finding(.error, .contract, file: file, pointer: "/evolution", "ends at \(last.version) but the contract is at \(working.version); add an entry for \(working.version)"))
        }
        if !working.evolution.isEmpty {
            let listed = Set(working.evolution.map(\.version))
            for (v, commit, _) in history where !listed.contains(v) && v != working.version {
                out.append(finding(.warning, .contract, file: file, pointer: "/evolution", "\(v) was released (realm commit \(commit.prefix(12))) but is not listed in evolution"))
            }
        }
        if !out.contains(where: { $0.severity == .error }) && !out.contains(where: { $0.severity == .ok }) {
            out.append(finding(.ok, .contract, file: file, "valid schema and value, version \(working.version)"))
        }
        return out
    }

    /// The schema against its metaschema: each violation named by its pointer.
    func metaschemaFindings(_ contract: Contract, file: String, mode: Finding.Mode, registry: SchemaRegistry, label: String? = nil) -> [Finding] {
        var out: [Finding] = []
        let metaURI: String
        if case .string(let m)? = contract.schema["$schema"] { metaURI = URIReference(m).withoutFragment } else { metaURI = SchemaDraft.draft2020_12.rawValue }
        let prefix = label.map { "\($0): " } ?? ""
        do {
            let metaDraft = SchemaDraft.from(metaschema: metaURI) ?? .draft2020_12
            let meta = try registry.resolve(metaURI, draft: metaDraft, from: "/schema/$schema")
            let violations = try CompiledSchema(root: meta, registry: registry).validate(contract.schema)
            for v in violations.prefix(20) {
                out.append(finding(.error, mode, file: file, pointer: "/schema" + v.instanceLocation, prefix + "is not a valid schema: \(v.message)",
                                   details: ["metaschema keyword: \(v.keywordLocation)"]))
            }
        } catch {
            out.append(finding(.error, mode, file: file, pointer: "/schema/$schema", prefix + "\(error.description)"))
        }
        return out
    }

    func compatibility(from old: Contract, to new: Contract, toLabel: String, registry: SchemaRegistry) throws(SchemaError) -> CompatibilityReport {
        let a = try ContractChecks.compile(old, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(old.version)")
        let b = try ContractChecks.compile(new, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(toLabel)#new")
        return try SchemaCompatibility.compare(old: a, new: b, backwards: new.backwards, forwards: new.forwards)
    }

    /// Whether the version moved from `old` to `new` at least as far as the change needs.
    func bumpFindings(from old: Contract, to new: Contract, toLabel: String, file: String, registry: SchemaRegistry, compareUnchanged: Bool) -> [Finding] {
        bumpFindings(from: old, to: new, toLabel: toLabel, file: file, compareUnchanged: compareUnchanged,
                     compared: Result { () throws(SchemaError) in try compatibility(from: old, to: new, toLabel: toLabel, registry: registry) })
    }

    /// `bumpFindings` on a comparison already made (`git realm check --realm`
    /// keeps each pair of schemas' verdict: most steps change no schema).
    func bumpFindings(from old: Contract, to new: Contract, toLabel: String, file: String, compareUnchanged: Bool,
                      compared: Result<CompatibilityReport, SchemaError>) -> [Finding] {
        let report: CompatibilityReport
        switch compared {
        case .success(let r): report = r
        case .failure(let error):
            return [finding(.error, .contract, file: file, pointer: "/schema" + error.keywordLocation, "\(old.version) → \(toLabel): \(error.reason)")]
        }
        let verdict = report.verdict
        let needed = Bump.required(from: old.version, breaking: verdict == .incompatible, schemaChanged: report.schemaChanged)
        let done = Bump(from: old.version, to: new.version)
        let header = "\(old.version) → \(toLabel)"
        let witness = report.witness(old: old.version.description, new: new.version.description)
        let why = witness.map { "; " + $0.sentence } ?? ""
        var out: [Finding] = []
        let changedAtAll = report.mayHaveChanged || new.value != old.value || new.validation != old.validation
        if done == .none {
            if compareUnchanged && changedAtAll {
                out.append(finding(.error, .contract, file: file, pointer: "/version",
                                   "differs from the released \(old.version) but keeps its version; a \(needed.word) bump is needed" + why,
                                   witness: witness))
            }
            return out
        }
        if done < needed {
            out.append(finding(.error, .contract, file: file, pointer: "/version",
                               "\(header) is a \(done.word) bump, but the change needs a \(needed.word) one"
                               + (verdict == .incompatible ? " (it breaks the contract's promise)" + why : " (the set of valid values changed)"),
                               witness: witness))
        } else if verdict == .unknown && done < (old.version.major == 0 ? .minor : .major) {
            out.append(finding(.warning, .contract, file: file, pointer: "/version",
                               "\(header): cannot tell whether the change keeps the contract's promise (\(report.unknownReason ?? "undecided")); a breaking change would need a \(Bump.required(from: old.version, breaking: true, schemaChanged: true).word) bump"))
        } else if !report.schemaChanged && report.mayHaveChanged && done < Bump.required(from: old.version, breaking: false, schemaChanged: true) {
            out.append(finding(.warning, .contract, file: file, pointer: "/version",
                               "\(header): cannot tell whether the set of valid values changed (a change of it would need a \(Bump.required(from: old.version, breaking: false, schemaChanged: true).word) bump)"))
        } else {
            out.append(finding(.ok, .contract, file: file, "version \(header): \(done.word) bump, \(verdict == .incompatible ? "breaking" : (report.mayHaveChanged ? "compatible" : "no schema")) changes",
                               explanation: verdict == .compatible ? report.explanation : []))
        }
        return out
    }

    /// `--mode=compatibility`: the verdict from one version to another: a
    /// proof (explained with --explain), a value that breaks the promise, or unknown with why.
    func compatibilityMode(from old: Contract, to new: Contract, toLabel: String, file: String, registry: SchemaRegistry) -> [Finding] {
        let header = "\(old.version) → \(toLabel)"
        // Both schemas must be schemas first.
        let invalid = metaschemaFindings(old, file: checksFile(old, file), mode: .compatibility, registry: registry, label: "\(old.version)")
            + metaschemaFindings(new, file: file, mode: .compatibility, registry: registry, label: toLabel)
        if !invalid.isEmpty { return invalid }
        let report: CompatibilityReport
        do { report = try compatibility(from: old, to: new, toLabel: toLabel, registry: registry) } catch {
            return [finding(.error, .compatibility, file: file, pointer: "/schema" + error.keywordLocation, error.reason)]
        }
        let promises = [new.backwards ? "backwards (new values readable by old importers)" : nil,
                        new.forwards ? "forwards (old values valid under the new schema)" : nil].compactMap { $0 }
        if report.identical {
            return [finding(.ok, .compatibility, file: file, "\(header): no schema changes")]
        }
        let needed = Bump.required(from: old.version, breaking: report.verdict == .incompatible, schemaChanged: report.schemaChanged)
        switch report.verdict {
        case .compatible:
            return [finding(.ok, .compatibility, file: file, "\(header): COMPATIBLE (\(needed.word) version bump OK)"
                            + (promises.isEmpty ? "; the contract promises neither backwards nor forwards" : "; promises " + promises.joined(separator: ", ")),
                            explanation: report.explanation)]
        case .incompatible:
            let w = report.witness(old: old.version.description, new: toLabel)
            return [finding(.error, .compatibility, file: file,
                            "\(header): INCOMPATIBLE with the contract's promise of " + promises.joined(separator: " and ")
                            + (w.map { ": " + $0.sentence } ?? "") + " (needs a \(needed.word) version)", witness: w)]
        case .unknown:
            return [finding(.warning, .compatibility, file: file,
                            "\(header): UNKNOWN whether the promise of \(promises.joined(separator: " and ")) holds: \(report.unknownReason ?? "undecided")",
                            details: ["a warning (exit status 2); an error with --strict; a \(Bump.required(from: old.version, breaking: true, schemaChanged: true).word) version is always safe"])]
        }
    }

    /// The file an older version's findings name: the realm file.
    func checksFile(_ c: Contract, _ file: String) -> String { realmFile }
}
