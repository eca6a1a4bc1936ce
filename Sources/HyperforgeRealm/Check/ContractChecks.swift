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

    func finding(_ s: Finding.Severity, _ mode: Finding.Mode, file: String? = nil, pointer: String? = nil, _ message: String, details: [String] = []) -> Finding {
        Finding(s, mode, domain: domain, contract: name, file: file, pointer: pointer, message: message, details: details)
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

    static func compile(_ contract: Contract, domain: String, registry: SchemaRegistry, label: String) throws(SchemaError) -> CompiledSchema {
        let draft: SchemaDraft
        if case .string(let meta)? = contract.schema["$schema"], let d = SchemaDraft.from(metaschema: meta) { draft = d } else { draft = .draft2020_12 }
        return try registry.compile(contract.schema, uri: label, draft: draft)
    }

    /// `--mode=contract`: the schema is a schema, the value fits it, the
    /// version moved as far as the changes require, evolution agrees with history.
    func contractMode(working: Contract, file: String, released: Contract?, history: [(SemanticVersion, String)],
                      registry: SchemaRegistry) -> [Finding] {
        var out: [Finding] = []
        if working.owner != repo {
            out.append(finding(.error, .contract, file: file, pointer: "/owner", "is owned by \(working.owner), not this repository (\(repo)); only the owner may change it"))
        }
        // The schema against its metaschema.
        let metaURI: String
        if case .string(let m)? = working.schema["$schema"] { metaURI = URIReference(m).withoutFragment } else { metaURI = SchemaDraft.draft2020_12.rawValue }
        do {
            let metaDraft = SchemaDraft.from(metaschema: metaURI) ?? .draft2020_12
            let meta = try registry.resolve(metaURI, draft: metaDraft, from: "/schema/$schema")
            let violations = try CompiledSchema(root: meta, registry: registry).validate(working.schema)
            for v in violations.prefix(20) {
                out.append(finding(.error, .contract, file: file, pointer: "/schema" + v.instanceLocation, "is not a valid schema: \(v.message)",
                                   details: ["metaschema keyword: \(v.keywordLocation)"]))
            }
        } catch {
            out.append(finding(.error, .contract, file: file, pointer: "/schema/$schema", "\(error.description)"))
        }
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
            } else if let compat = compatibility(from: released, to: working, registry: registry) {
                let breaking = compat.breaking
                let needed = Bump.required(from: released.version, breaking: !breaking.isEmpty, schemaChanged: compat.hasSchemaChanges)
                let done = Bump(from: released.version, to: working.version)
                let changedAtAll = compat.hasSchemaChanges || working.value != released.value || working.validation != released.validation
                if done == .none && changedAtAll {
                    out.append(finding(.error, .contract, file: file, pointer: "/version",
                                       "differs from the released \(released.version) but keeps its version; a \(needed.word) bump is needed",
                                       details: compat.changes.map(\.description)))
                } else if done != .none && done < needed {
                    out.append(finding(.error, .contract, file: file, pointer: "/version",
                                       "\(released.version) → \(working.version) is a \(done.word) bump, but the changes need a \(needed.word) one"
                                       + (breaking.isEmpty ? "" : " (\(breaking.count) breaking change\(breaking.count == 1 ? "" : "s"))"),
                                       details: (breaking.isEmpty ? compat.changes : breaking).map(\.description)))
                } else if done != .none {
                    out.append(finding(.ok, .contract, file: file, "version \(released.version) → \(working.version): \(done.word) bump, \(breaking.isEmpty ? "compatible" : "breaking") changes"))
                }
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
            for (v, commit) in history where !listed.contains(v) && v != working.version {
                out.append(finding(.warning, .contract, file: file, pointer: "/evolution", "\(v) was released (realm commit \(commit.prefix(12))) but is not listed in evolution"))
            }
        }
        if !out.contains(where: { $0.severity == .error }) && !out.contains(where: { $0.severity == .ok }) {
            out.append(finding(.ok, .contract, file: file, "valid schema and value, version \(working.version)"))
        }
        return out
    }

    func compatibility(from old: Contract, to new: Contract, registry: SchemaRegistry) -> CompatibilityReport? {
        do {
            let a = try ContractChecks.compile(old, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(old.version)")
            let b = try ContractChecks.compile(new, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(new.version)#new")
            return try SchemaCompatibility.compare(old: a, new: b, backwards: new.backwards, forwards: new.forwards)
        } catch {
            return nil
        }
    }

    /// `--mode=compatibility`: the change list from one version to another, and the verdict.
    func compatibilityMode(from old: Contract, to new: Contract, toLabel: String, file: String, registry: SchemaRegistry) -> [Finding] {
        let header = "\(old.version) → \(toLabel)"
        let report: CompatibilityReport
        do {
            let a = try ContractChecks.compile(old, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(old.version)")
            let b = try ContractChecks.compile(new, domain: domain, registry: registry, label: "realm-version:\(domain)/\(name)@\(toLabel)#new")
            report = try SchemaCompatibility.compare(old: a, new: b, backwards: new.backwards, forwards: new.forwards)
        } catch {
            return [finding(.error, .compatibility, file: file, pointer: "/schema" + error.keywordLocation, error.reason)]
        }
        let promises = [new.backwards ? "backwards (new values readable by old importers)" : nil,
                        new.forwards ? "forwards (old values valid under the new schema)" : nil].compactMap { $0 }
        let lines = report.changes.map { c -> String in
            let mark = report.breaking.contains(c) ? "✗" : (c.effect == .none ? "=" : "+")
            return "\(mark) \(c.description)"
        }
        if report.changes.isEmpty {
            return [finding(.ok, .compatibility, file: file, "\(header): no schema changes")]
        }
        let needed = Bump.required(from: old.version, breaking: !report.isCompatible, schemaChanged: report.hasSchemaChanges)
        if report.isCompatible {
            return [finding(.ok, .compatibility, file: file, "\(header): COMPATIBLE (\(needed.word) version bump OK)"
                            + (promises.isEmpty ? "" : "; promises " + promises.joined(separator: ", ")), details: lines)]
        }
        return [finding(.error, .compatibility, file: file, pointer: report.breaking.first.map { "/schema" + $0.pointer },
                        "\(header): INCOMPATIBLE with the contract's promise of " + promises.joined(separator: " and ")
                        + "; \(report.breaking.count) breaking change\(report.breaking.count == 1 ? "" : "s") (needs a \(needed.word) version)",
                        details: lines)]
    }
}
