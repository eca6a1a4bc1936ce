import HyperforgeCore
@testable import HyperforgeRealm

/// JSON Schema, compiled and used as `git realm check` does: the input is a
/// JSON array `[schema, instance...]` (the JSON Schema Test Suite's shape) or
/// one schema. The schema is compiled (2020-12 or draft 7, by `$schema`),
/// checked against its metaschema, asked about every instance, compared with
/// itself (no change can break anything) and with the next element when that
/// is a schema too.
enum SchemaTarget {
    /// The metaschemas, parsed once (a registry would parse them for every input).
    static let metaschemas: [(String, JSONValue)] = Metaschemas.all.map { uri, text in
        guard let json = try? JSONParser.parse(text, file: uri) else { fatalError("embedded metaschema \(uri) does not parse") }
        return (uri, json)
    }

    static func registry() -> SchemaRegistry {
        let registry = SchemaRegistry(includeMetaschemas: false)
        for (uri, json) in metaschemas { registry.register(json, uri: uri) }
        return registry
    }

    static func draft(of schema: JSONValue) -> SchemaDraft {
        if case .string(let meta)? = schema["$schema"], let d = SchemaDraft.from(metaschema: meta) { return d }
        return .draft2020_12
    }

    static func run(_ data: [UInt8]) {
        guard let document = try? JSONParser.parse(data, file: "fuzz.json") else { return }
        var schema = document, instances = [document]
        if case .array(let items) = document, let first = items.first {
            schema = first
            instances = Array(items.dropFirst())
        }
        let registry = registry()
        // Against its metaschema, as contract mode does (`$schema` may name any URI).
        let metaURI: String
        if case .string(let m)? = schema["$schema"] { metaURI = URIReference(m).withoutFragment } else { metaURI = SchemaDraft.draft2020_12.rawValue }
        if let meta = try? registry.resolve(metaURI, draft: SchemaDraft.from(metaschema: metaURI) ?? .draft2020_12, from: "/schema/$schema") {
            _ = try? CompiledSchema(root: meta, registry: registry).validate(schema)
        }
        guard let compiled = try? registry.compile(schema, uri: "realm-working:fuzz/schema", draft: draft(of: schema)) else { return }
        for instance in instances {
            let valid = try? compiled.isValid(instance)
            let violations = try? compiled.validate(instance)
            if let valid, let violations {
                check(valid == violations.isEmpty, "isValid says \(valid) but validate lists \(violations.count) violation(s) for \(instance.jsonText)")
            }
        }
        if let report = try? SchemaCompatibility.compare(old: compiled, new: compiled, backwards: true, forwards: true) {
            check(report.isCompatible, "a schema is not compatible with itself: \(report.unknownReason ?? "incompatible")")
        }
        if let next = instances.first, next.isSchemaShaped {
            let other = self.registry()
            if let newer = try? other.compile(next, uri: "realm-working:fuzz/schema#new", draft: draft(of: next)) {
                // Every counterexample is valid under one and invalid under the other.
                for (a, b) in [(compiled, newer), (newer, compiled)] {
                    let r = SchemaCompatibility.includes(a, in: b)
                    if r.answer == .fails, let v = r.counterexample {
                        check((try? a.isValid(v)) == true && (try? b.isValid(v)) == false, "counterexample \(v.jsonText) does not separate the schemas")
                    }
                }
            }
        }
    }
}

extension JSONValue {
    /// An object or a boolean: what a schema may be.
    var isSchemaShaped: Bool {
        switch self {
        case .object, .bool: return true
        default: return false
        }
    }
}
