import HyperforgeCore

/// The JSON Schema dialects understood here.
public enum SchemaDraft: String, Sendable {
    case draft7 = "http://json-schema.org/draft-07/schema"
    case draft2020_12 = "https://json-schema.org/draft/2020-12/schema"

    static func from(metaschema uri: String) -> SchemaDraft? {
        let bare = URIReference(uri).withoutFragment
        if bare == SchemaDraft.draft7.rawValue { return .draft7 }
        if bare == SchemaDraft.draft2020_12.rawValue { return .draft2020_12 }
        return nil
    }
}

/// A schema that cannot be used: a `$ref` that resolves nowhere, a pattern
/// that is not a regular expression, a reference loop.
public struct SchemaError: HyperforgeError, Equatable {
    /// Where in the schema (a JSON pointer from the schema's root, through `$ref`s).
    public var keywordLocation: String
    public var reason: String
    public var exitStatus: ExitStatus { .configuration }
    public var description: String { "schema \(keywordLocation.isEmpty ? "(root)" : keywordLocation): \(reason)" }
}

/// One compiled schema (an object or a boolean schema) at one place in a
/// document, with everything validation needs looked up once: its base URI,
/// its dialect, its keywords with their subschemas compiled.
final class SchemaNode: @unchecked Sendable {
    let json: JSONValue
    let draft: SchemaDraft
    /// The absolute URI (no fragment) relative references resolve against.
    let base: String
    /// The schema resource this node belongs to, and its pointer inside it.
    let resource: String
    let pointer: String
    var isResourceRoot = false
    var dynamicAnchor: String?
    var validationVocabulary = true

    var alwaysValid: Bool?              // boolean schemas
    var ref: String?
    var refTarget: SchemaNode?
    var dynamicRef: String?
    var types: [String]?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var hasConst = false
    var multipleOf: Double?
    var maximum: Double?, exclusiveMaximum: Double?, minimum: Double?, exclusiveMinimum: Double?
    var maxLength: Int?, minLength: Int?
    var pattern: ECMAPattern?, patternSource: String?
    var maxItems: Int?, minItems: Int?
    var uniqueItems = false
    var maxContains: Int?, minContains: Int?
    var maxProperties: Int?, minProperties: Int?
    var required: [String]?
    var dependentRequired: [(String, [String])] = []
    var allOf: [SchemaNode]?, anyOf: [SchemaNode]?, oneOf: [SchemaNode]?
    var not: SchemaNode?, ifSchema: SchemaNode?, thenSchema: SchemaNode?, elseSchema: SchemaNode?
    var dependentSchemas: [(String, SchemaNode)] = []
    var properties: [String: SchemaNode]?
    var patternProperties: [(ECMAPattern, String, SchemaNode)]?
    var additionalProperties: SchemaNode?
    var propertyNames: SchemaNode?
    var prefixItems: [SchemaNode]?
    var items: SchemaNode?
    var additionalItems: SchemaNode?      // draft 7, after an array-form `items`
    var contains: SchemaNode?
    var unevaluatedItems: SchemaNode?
    var unevaluatedProperties: SchemaNode?

    init(json: JSONValue, draft: SchemaDraft, base: String, resource: String, pointer: String) {
        self.json = json
        self.draft = draft
        self.base = base
        self.resource = resource
        self.pointer = pointer
    }

    /// Whether evaluating this node on an object/array must report which
    /// properties/items it evaluated (an `unevaluated*` keyword is here).
    var wantsAnnotations: Bool { unevaluatedItems != nil || unevaluatedProperties != nil }
}

/// Every schema and schema resource known to one validator: the schemas
/// compiled so far, documents registered by URI (the realm's contracts, the
/// metaschemas) compiled when first referenced, `$id`s, `$anchor`s and
/// `$dynamicAnchor`s. References resolve only here: nothing is fetched from
/// the network.
public final class SchemaRegistry: @unchecked Sendable {
    var resources: [String: SchemaNode] = [:]
    var anchors: [String: SchemaNode] = [:]
    var dynamicAnchors: [String: SchemaNode] = [:]
    var locations: [String: SchemaNode] = [:]
    var pending: [String: JSONValue] = [:]
    var regexes: [String: ECMAPattern] = [:]
    private var anonymous = 0
    /// Every node compiled here. A `$ref` to an enclosing schema (`"$ref": "#"`)
    /// makes a cycle of strong references (`refTarget`), which `deinit` breaks:
    /// without it every recursive schema stayed allocated (found by fuzz/, schema).
    private var compiled: [SchemaNode] = []

    deinit {
        for node in compiled { node.refTarget = nil }
    }

    /// Every document registered (compiled or not), for `fork`.
    private var registered: [String: JSONValue] = [:]

    public init(includeMetaschemas: Bool = true) {
        if includeMetaschemas {
            for (uri, text) in Metaschemas.all {
                // The embedded metaschemas are constants checked by the tests.
                if let json = try? JSONParser.parse(text, file: uri) { pending[uri] = json; registered[uri] = json }
            }
        }
    }

    /// Makes `document` available under `uri` (and under its own `$id`), to
    /// be compiled when something refers to it.
    public func register(_ document: JSONValue, uri: String) {
        let key = URIReference(uri).withoutFragment
        pending[key] = document
        registered[key] = document
    }

    /// A new registry with the same documents, none compiled yet: where one
    /// version of a schema is compiled apart from another with the same `$id`
    /// (in one registry, the first compiled would answer both's `$ref`s).
    func fork() -> SchemaRegistry {
        let r = SchemaRegistry(includeMetaschemas: false)
        r.pending = registered
        r.registered = registered
        return r
    }

    /// Compiles `schema` as a root. Without `uri` it gets a unique internal one.
    public func compile(_ schema: JSONValue, uri: String? = nil, draft: SchemaDraft = .draft2020_12) throws(SchemaError) -> CompiledSchema {
        let base: String
        if let uri { base = URIReference(uri).withoutFragment } else {
            anonymous += 1
            base = "urn:hyperforge:schema:\(anonymous)"
        }
        let node = try compileDocument(schema, retrievalURI: base, defaultDraft: draft)
        return CompiledSchema(root: node, registry: self)
    }

    func compileDocument(_ json: JSONValue, retrievalURI: String, defaultDraft: SchemaDraft) throws(SchemaError) -> SchemaNode {
        var draft = defaultDraft
        var validation = true
        if case .object(let o) = json, case .string(let meta)? = o["$schema"] {
            (draft, validation) = dialect(of: meta, default: defaultDraft)
        }
        let node = try compile(json, base: retrievalURI, resource: retrievalURI, pointer: "", draft: draft, validation: validation, isRoot: true)
        if resources[retrievalURI] == nil { resources[retrievalURI] = node }
        return node
    }

    /// The dialect a `$schema` names, and whether its vocabularies include validation.
    private func dialect(of meta: String, default fallback: SchemaDraft) -> (SchemaDraft, Bool) {
        if let known = SchemaDraft.from(metaschema: meta) { return (known, true) }
        let bare = URIReference(meta).withoutFragment
        guard let document = pending[bare] ?? resources[bare]?.json, case .object(let o) = document else { return (fallback, true) }
        var draft = fallback
        if case .string(let s)? = o["$schema"], let d = SchemaDraft.from(metaschema: s) { draft = d }
        if case .object(let vocabularies)? = o["$vocabulary"] {
            return (draft, vocabularies["https://json-schema.org/draft/2020-12/vocab/validation"] != nil)
        }
        return (draft, true)
    }

    func regex(_ source: String, at location: String) throws(SchemaError) -> ECMAPattern {
        if let r = regexes[source] { return r }
        do {
            let r = try ECMAPattern(source)
            regexes[source] = r
            return r
        } catch {
            throw SchemaError(keywordLocation: location, reason: error.reason)
        }
    }

    /// `outer`: the enclosing resources and this place's pointer in each, so
    /// that a JSON pointer from an outer resource reaches into an embedded one.
    private func compile(_ json: JSONValue, base inherited: String, resource inheritedResource: String, pointer inheritedPointer: String,
                         draft inheritedDraft: SchemaDraft, validation inheritedValidation: Bool, isRoot: Bool,
                         outer inheritedOuter: [(String, String)] = []) throws(SchemaError) -> SchemaNode {
        var base = inherited, resource = inheritedResource, pointer = inheritedPointer
        var outer = inheritedOuter
        var draft = inheritedDraft, validation = inheritedValidation
        guard case .object(let o) = json else {
            let node = SchemaNode(json: json, draft: draft, base: base, resource: resource, pointer: pointer)
            compiled.append(node)
            if case .bool(let b) = json { node.alwaysValid = b } else { node.alwaysValid = true }
            locations[resource + "#" + pointer] = node
            for (r, p) in outer where locations[r + "#" + p] == nil { locations[r + "#" + p] = node }
            return node
        }
        var newResource = false
        var draft7Anchor: String?
        let hasRef = o["$ref"] != nil
        if case .string(let id)? = o["$id"], !(draft == .draft7 && hasRef) {
            if draft == .draft7 && id.hasPrefix("#") {
                draft7Anchor = String(id.dropFirst())
            } else {
                let resolved = URIReference.resolve(id, against: base)
                let fragment = URIReference(resolved).fragment
                outer.append((resource, pointer))
                base = URIReference(resolved).withoutFragment
                resource = base
                pointer = ""
                newResource = true
                if draft == .draft7, let fragment, !fragment.isEmpty, !fragment.hasPrefix("/") { draft7Anchor = fragment }
            }
        }
        if (newResource || isRoot), case .string(let meta)? = o["$schema"] {
            (draft, validation) = dialect(of: meta, default: draft)
        }
        let node = SchemaNode(json: json, draft: draft, base: base, resource: resource, pointer: pointer)
        compiled.append(node)
        node.validationVocabulary = validation
        node.isResourceRoot = newResource || isRoot
        if newResource {
            if resources[resource] == nil { resources[resource] = node }
        }
        locations[resource + "#" + pointer] = node
        for (r, p) in outer where locations[r + "#" + p] == nil { locations[r + "#" + p] = node }
        if let draft7Anchor { anchors[resource + "#" + draft7Anchor] = node }
        let here = resource + "#" + pointer

        func sub(_ value: JSONValue, _ path: String) throws(SchemaError) -> SchemaNode {
            try compile(value, base: base, resource: resource, pointer: pointer + path, draft: draft, validation: validation, isRoot: false,
                        outer: outer.map { ($0.0, $0.1 + path) })
        }
        func subs(_ key: String) throws(SchemaError) -> [SchemaNode]? {
            guard case .array(let a)? = o[key] else { return nil }
            var out: [SchemaNode] = []
            for (i, v) in a.enumerated() { out.append(try sub(v, "/\(key)/\(i)")) }
            return out
        }
        func one(_ key: String) throws(SchemaError) -> SchemaNode? {
            guard let v = o[key] else { return nil }
            return try sub(v, "/" + JSONPointer.escape(key))
        }
        func map(_ key: String) throws(SchemaError) -> [(String, SchemaNode)]? {
            guard case .object(let m)? = o[key] else { return nil }
            var out: [(String, SchemaNode)] = []
            for k in m.keys.sorted() { out.append((k, try sub(m[k]!, "/\(JSONPointer.escape(key))/\(JSONPointer.escape(k))"))) }
            return out
        }
        func number(_ key: String) -> Double? { o[key]?.numberValue }
        func count(_ key: String) -> Int? {
            guard let d = o[key]?.numberValue, d >= 0, d.rounded() == d else { return nil }
            return d > Double(Int.max / 2) ? Int.max / 2 : Int(d)
        }

        if case .string(let r)? = o["$ref"] { node.ref = URIReference.resolve(r, against: base) }
        if draft == .draft7 && hasRef {
            // Draft 7: `$ref` overrides every sibling keyword. Siblings are
            // still compiled (for JSON-pointer references into them).
            if let d = try map("definitions") { _ = d }
            return node
        }
        if draft == .draft2020_12 {
            if case .string(let a)? = o["$anchor"] { anchors[resource + "#" + a] = node }
            if case .string(let a)? = o["$dynamicAnchor"] {
                anchors[resource + "#" + a] = node
                dynamicAnchors[resource + "#" + a] = node
                node.dynamicAnchor = a
            }
            if case .string(let r)? = o["$dynamicRef"] { node.dynamicRef = URIReference.resolve(r, against: base) }
            _ = try map("$defs")
        }
        _ = try map("definitions")

        switch o["type"] {
        case .string(let t)?: node.types = [t]
        case .array(let a)?: node.types = a.compactMap { if case .string(let s) = $0 { return s }; return nil }
        default: break
        }
        if case .array(let values)? = o["enum"] { node.enumValues = values }
        if let c = o["const"] { node.constValue = c; node.hasConst = true }
        node.multipleOf = number("multipleOf")
        node.maximum = number("maximum")
        node.minimum = number("minimum")
        node.exclusiveMaximum = number("exclusiveMaximum")
        node.exclusiveMinimum = number("exclusiveMinimum")
        node.maxLength = count("maxLength")
        node.minLength = count("minLength")
        if case .string(let p)? = o["pattern"] {
            node.pattern = try regex(p, at: here + "/pattern")
            node.patternSource = p
        }
        node.maxItems = count("maxItems")
        node.minItems = count("minItems")
        if case .bool(true)? = o["uniqueItems"] { node.uniqueItems = true }
        node.maxProperties = count("maxProperties")
        node.minProperties = count("minProperties")
        if case .array(let r)? = o["required"] { node.required = r.compactMap { if case .string(let s) = $0 { return s }; return nil } }

        node.allOf = try subs("allOf")
        node.anyOf = try subs("anyOf")
        node.oneOf = try subs("oneOf")
        node.not = try one("not")
        node.ifSchema = try one("if")
        node.thenSchema = try one("then")
        node.elseSchema = try one("else")
        if let p = try map("properties") { node.properties = Dictionary(p, uniquingKeysWith: { a, _ in a }) }
        if let pp = try map("patternProperties") {
            var compiled: [(ECMAPattern, String, SchemaNode)] = []
            for (source, schema) in pp { compiled.append((try regex(source, at: here + "/patternProperties"), source, schema)) }
            node.patternProperties = compiled
        }
        node.additionalProperties = try one("additionalProperties")
        node.propertyNames = try one("propertyNames")
        node.contains = try one("contains")

        switch draft {
        case .draft2020_12:
            node.prefixItems = try subs("prefixItems")
            node.items = try one("items")
            node.maxContains = count("maxContains")
            node.minContains = count("minContains")
            if let ds = try map("dependentSchemas") { node.dependentSchemas = ds }
            if case .object(let dr)? = o["dependentRequired"] {
                node.dependentRequired = dr.keys.sorted().map { k in
                    (k, { if case .array(let a) = dr[k]! { return a.compactMap { if case .string(let s) = $0 { return s }; return nil } }; return [] }())
                }
            }
            node.unevaluatedItems = try one("unevaluatedItems")
            node.unevaluatedProperties = try one("unevaluatedProperties")
        case .draft7:
            if case .array? = o["items"] {
                node.prefixItems = try subs("items")
                node.additionalItems = try one("additionalItems")
            } else {
                node.items = try one("items")
            }
            if case .object(let deps)? = o["dependencies"] {
                for k in deps.keys.sorted() {
                    if case .array(let a) = deps[k]! {
                        node.dependentRequired.append((k, a.compactMap { if case .string(let s) = $0 { return s }; return nil }))
                    } else {
                        node.dependentSchemas.append((k, try sub(deps[k]!, "/dependencies/\(JSONPointer.escape(k))")))
                    }
                }
            }
        }
        return node
    }

    /// The schema a reference (absolute URI, maybe with a fragment) names.
    func resolve(_ uri: String, draft: SchemaDraft, from location: String) throws(SchemaError) -> SchemaNode {
        let reference = URIReference(uri)
        let base = reference.withoutFragment
        let fragment = reference.fragment.map { $0.percentDecoded ?? $0 } ?? ""
        guard let root = try resource(base, draft: draft) else {
            throw SchemaError(keywordLocation: location, reason: "$ref \"\(uri)\" names a schema that is not in the realm (remote references are never fetched)")
        }
        if fragment.isEmpty { return root }
        if fragment.hasPrefix("/") {
            if let node = locations[base + "#" + fragment] { return node }
            // A pointer into a place that is not a known keyword: compile it there.
            guard let json = JSONPointer.resolve(fragment, in: root.json) else {
                throw SchemaError(keywordLocation: location, reason: "$ref \"\(uri)\": nothing at \(fragment)")
            }
            return try compile(json, base: root.base, resource: base, pointer: fragment, draft: root.draft, validation: root.validationVocabulary, isRoot: false)
        }
        guard let node = anchors[base + "#" + fragment] else {
            throw SchemaError(keywordLocation: location, reason: "$ref \"\(uri)\": no anchor \"\(fragment)\" in \(base)")
        }
        return node
    }

    func resource(_ uri: String, draft: SchemaDraft) throws(SchemaError) -> SchemaNode? {
        if let r = resources[uri] { return r }
        guard let document = pending.removeValue(forKey: uri) else { return nil }
        let node = try compileDocument(document, retrievalURI: uri, defaultDraft: draft)
        resources[uri] = node
        return node
    }
}

