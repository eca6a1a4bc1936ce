import HyperforgeCore

/// The six kinds of JSON value; a normal form splits every schema by them.
enum JSONKind: Int, CaseIterable {
    case null, boolean, number, string, array, object

    var name: String { ["null", "boolean", "number", "string", "array", "object"][rawValue] }

    static func of(_ v: JSONValue) -> JSONKind {
        switch v {
        case .null: return .null
        case .bool: return .boolean
        case .integer, .number: return .number
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }
}

/// Which side of an inclusion a schema is normalized for. Where a keyword
/// cannot be represented exactly, the schema on the left of "⊆" is widened
/// (`over`: dropping a constraint) and the one on the right narrowed
/// (`under`: dropping the values it would allow), so that a proof over the
/// normal forms is a proof about the schemas. Each approximation is noted.
enum Polarity {
    case over, under
    var flipped: Polarity { self == .over ? .under : .over }
}

/// A subschema that is normalized when first needed (properties, items):
/// the conjunction of `nodes` (empty: every value). Recursive schemas stay finite this way.
struct Sub {
    var nodes: [SchemaNode]
    var key: [ObjectIdentifier] { nodes.map(ObjectIdentifier.init) }
    static let any = Sub(nodes: [])
    var isAny: Bool { nodes.allSatisfy { $0.alwaysValid == true } }
    var isNothing: Bool { nodes.contains { $0.alwaysValid == false } }
    func and(_ o: Sub) -> Sub { Sub(nodes: nodes + o.nodes) }
}

struct Bound: Equatable {
    var value: Double
    var exclusive: Bool
}

/// A pattern keyword, compiled.
struct Pattern {
    var source: String
    var regex: ECMAPattern
}

/// One `properties`/`patternProperties`/`additionalProperties` group: a
/// property named `n` must satisfy `props[n]` and every pattern it matches,
/// or `additional` when it is in neither.
struct PropClause {
    var props: [String: Sub] = [:]
    var patterns: [(Pattern, Sub)] = []
    var additional: Sub?

    func schema(for name: String) -> Sub {
        var out = Sub.any
        var matched = false
        if let s = props[name] { out = out.and(s); matched = true }
        // A pattern too expensive on this name is taken as not matching: fewer
        // constraints (this serves witnesses, which the validator checks, and emptiness, where fewer is safe).
        for (p, s) in patterns where (try? p.regex.matches(in: name)) == true { out = out.and(s); matched = true }
        if !matched, let a = additional { out = out.and(a) }
        return out
    }
}

/// One `prefixItems`/`items` group: item `i` satisfies `prefix[i]`, or `rest` past the prefix.
struct ItemClause {
    var prefix: [Sub] = []
    var rest: Sub?

    func schema(at i: Int) -> Sub { i < prefix.count ? prefix[i] : (rest ?? .any) }
}

struct ContainsRule {
    var sub: Sub
    var min: Int
    var max: Int?
}

/// The values of one kind that satisfy a conjunction of constraints.
struct Conj {
    var kind: JSONKind
    /// Exactly these values (all of `kind`), when the schema names them (`enum`, `const`).
    var finite: [JSONValue]?
    var excluded: [JSONValue] = []
    // number
    var integer: Bool?                  // true: integers only, false: non-integers only
    var lo: Bound?, hi: Bound?
    var multiples: [Double] = []
    var notMultiples: [Double] = []
    // string
    var minLength = 0, maxLength: Int?
    var patterns: [Pattern] = []
    var notPatterns: [Pattern] = []
    // array
    var minItems = 0, maxItems: Int?
    var unique = false
    var itemClauses: [ItemClause] = []
    var contains: [ContainsRule] = []
    // object
    var minProperties = 0, maxProperties: Int?
    var required: Set<String> = []
    var propClauses: [PropClause] = []
    var dependentRequired: [String: Set<String>] = [:]
    var dependentSchemas: [(String, Sub)] = []
    var propertyNames: [Sub] = []

    init(_ kind: JSONKind) { self.kind = kind }

    /// No constraint at all beyond the kind.
    var isFull: Bool {
        finite == nil && excluded.isEmpty && integer == nil && lo == nil && hi == nil && multiples.isEmpty && notMultiples.isEmpty
            && minLength == 0 && maxLength == nil && patterns.isEmpty && notPatterns.isEmpty && minItems == 0 && maxItems == nil
            && !unique && itemClauses.allSatisfy({ $0.prefix.allSatisfy(\.isAny) && ($0.rest?.isAny ?? true) }) && contains.isEmpty
            && minProperties == 0 && maxProperties == nil && required.isEmpty
            && propClauses.allSatisfy({ $0.props.values.allSatisfy(\.isAny) && $0.patterns.allSatisfy { $0.1.isAny } && ($0.additional?.isAny ?? true) })
            && dependentRequired.isEmpty && dependentSchemas.isEmpty && propertyNames.allSatisfy(\.isAny)
    }

    /// Intersection with another constraint set of the same kind.
    func merged(_ o: Conj) -> Conj {
        var c = self
        switch (finite, o.finite) {
        case (let a?, let b?): c.finite = a.filter { v in b.contains { $0.jsonEquals(v) } }
        case (nil, let b?): c.finite = b
        default: break
        }
        c.excluded += o.excluded
        if let oi = o.integer {
            if let i = integer, i != oi { c.finite = [] } else { c.integer = oi }
        }
        c.lo = Conj.tighter(lo, o.lo, upper: false)
        c.hi = Conj.tighter(hi, o.hi, upper: true)
        c.multiples += o.multiples
        c.notMultiples += o.notMultiples
        c.minLength = max(minLength, o.minLength)
        c.maxLength = Conj.minOpt(maxLength, o.maxLength)
        c.patterns += o.patterns
        c.notPatterns += o.notPatterns
        c.minItems = max(minItems, o.minItems)
        c.maxItems = Conj.minOpt(maxItems, o.maxItems)
        c.unique = unique || o.unique
        c.itemClauses += o.itemClauses
        c.contains += o.contains
        c.minProperties = max(minProperties, o.minProperties)
        c.maxProperties = Conj.minOpt(maxProperties, o.maxProperties)
        c.required.formUnion(o.required)
        c.propClauses += o.propClauses
        for (k, v) in o.dependentRequired { c.dependentRequired[k, default: []].formUnion(v) }
        c.dependentSchemas += o.dependentSchemas
        c.propertyNames += o.propertyNames
        return c
    }

    static func minOpt(_ a: Int?, _ b: Int?) -> Int? {
        switch (a, b) { case (let x?, let y?): return min(x, y); case (let x?, nil): return x; default: return b }
    }

    static func tighter(_ a: Bound?, _ b: Bound?, upper: Bool) -> Bound? {
        guard let a else { return b }
        guard let b else { return a }
        if a.value == b.value { return Bound(value: a.value, exclusive: a.exclusive || b.exclusive) }
        return (upper ? a.value < b.value : a.value > b.value) ? a : b
    }

    /// The schema a property named `name` must satisfy.
    func propertySchema(_ name: String) -> Sub {
        propClauses.reduce(Sub.any) { $0.and($1.schema(for: name)) }
    }

    func itemSchema(_ i: Int) -> Sub {
        itemClauses.reduce(Sub.any) { $0.and($1.schema(at: i)) }
    }

    /// The longest prefix any item clause names.
    var prefixLength: Int { itemClauses.map(\.prefix.count).max() ?? 0 }

    /// Property names this object may have, when that set is finite (a
    /// clause allows no property beyond the names it lists).
    var possibleNames: Set<String>? {
        var out: Set<String>?
        for c in propClauses where c.additional?.isNothing == true && c.patterns.isEmpty {
            let names = Set(c.props.filter { !$0.value.isNothing }.keys)
            out = out.map { $0.intersection(names) } ?? names
        }
        return out
    }

    /// Array lengths: at most this many items (an item clause whose rest is false bounds it too).
    var effectiveMaxItems: Int? {
        var m = maxItems
        for c in itemClauses where c.rest?.isNothing == true { m = Conj.minOpt(m, c.prefix.count) }
        // An item position that cannot hold a value ends the array before it.
        for c in itemClauses { if let i = c.prefix.firstIndex(where: \.isNothing) { m = Conj.minOpt(m, i) } }
        return m
    }

    var effectiveMaxProperties: Int? {
        Conj.minOpt(maxProperties, possibleNames?.count)
    }

    /// Whether no value satisfies these constraints, as far as can be told
    /// for certain (false: there may be values).
    var isCertainlyEmpty: Bool {
        if let f = finite { return f.isEmpty }
        switch kind {
        case .number:
            if let l = lo, let h = hi {
                if l.value > h.value || (l.value == h.value && (l.exclusive || h.exclusive)) { return true }
                if integer == true {
                    let first = l.exclusive ? (l.value + 1).rounded(.down) : l.value.rounded(.up)
                    let last = h.exclusive ? (h.value - 1).rounded(.up) : h.value.rounded(.down)
                    if first > last { return true }
                }
            }
            return false
        case .string:
            return maxLength.map { $0 < minLength } ?? false
        case .array:
            if let m = effectiveMaxItems, m < minItems { return true }
            for i in 0..<min(minItems, 64) where itemSchema(i).isNothing { return true }
            return false
        case .object:
            if let m = effectiveMaxProperties, m < max(minProperties, required.count) { return true }
            return required.contains { propertySchema($0).isNothing }
        default:
            return false
        }
    }

    /// The lower bound an integer-only set really starts at.
    var integerLo: Double? {
        guard let l = lo else { return nil }
        if integer == true { return l.exclusive ? (l.value + 1).rounded(.down) : l.value.rounded(.up) }
        return nil
    }

    var integerHi: Double? {
        guard let h = hi else { return nil }
        if integer == true { return h.exclusive ? (h.value - 1).rounded(.up) : h.value.rounded(.down) }
        return nil
    }
}

/// A union of constraint sets.
struct NormalForm {
    var conjs: [Conj]
    static let nothing = NormalForm(conjs: [])
    static var everything: NormalForm { NormalForm(conjs: JSONKind.allCases.map(Conj.init)) }

    func of(_ kind: JSONKind) -> [Conj] { conjs.filter { $0.kind == kind } }
}

/// Builds normal forms of compiled schemas, noting every approximation.
final class Normalizer {
    let registry: SchemaRegistry
    init(registry: SchemaRegistry) { self.registry = registry }
    /// What could not be represented exactly, with where.
    var notes: [String] = []
    var memo: [MemoKey: NormalForm] = [:]
    private var inProgress: Set<MemoKey> = []
    static let maxConjs = 64

    struct MemoKey: Hashable { var ids: [ObjectIdentifier]; var over: Bool }

    func note(_ s: String) { if notes.count < 20 && !notes.contains(s) { notes.append(s) } }

    func nf(_ sub: Sub, _ p: Polarity) -> NormalForm {
        let key = MemoKey(ids: sub.key, over: p == .over)
        if let m = memo[key] { return m }
        if inProgress.contains(key) {
            note("a $ref cycle that consumes no part of the value")
            return p == .over ? .everything : .nothing
        }
        inProgress.insert(key)
        var out = NormalForm.everything
        for node in sub.nodes {
            out = intersect(out, nf(node, p), p)
            if out.conjs.isEmpty { break }
        }
        inProgress.remove(key)
        memo[key] = out
        return out
    }

    func approx(_ p: Polarity, _ why: String) -> NormalForm {
        note(why)
        return p == .over ? .everything : .nothing
    }

    func intersect(_ a: NormalForm, _ b: NormalForm, _ p: Polarity) -> NormalForm {
        var out: [Conj] = []
        for x in a.conjs {
            for y in b.conjs where x.kind == y.kind {
                var m = x.merged(y)
                if m.finite != nil { m = filterFinite(m, p) }
                if !m.isCertainlyEmpty { out.append(m) }
            }
        }
        if out.count > Normalizer.maxConjs { return approx(p, "more than \(Normalizer.maxConjs) alternatives after combining allOf/anyOf/oneOf") }
        return NormalForm(conjs: out)
    }

    func union(_ parts: [NormalForm], _ p: Polarity) -> NormalForm {
        let all = parts.flatMap(\.conjs)
        if all.count > Normalizer.maxConjs { return approx(p, "more than \(Normalizer.maxConjs) alternatives in anyOf/oneOf") }
        return NormalForm(conjs: all)
    }

    func nf(_ node: SchemaNode, _ p: Polarity) -> NormalForm {
        if let b = node.alwaysValid { return b ? .everything : .nothing }
        if node.dynamicRef != nil { return approx(p, "$dynamicRef at \(place(node))") }
        if !node.validationVocabulary { return approx(p, "a metaschema without the validation vocabulary at \(place(node))") }
        var result = local(node, p)
        // In-place applicators, each intersected.
        if let target = resolve(node) {
            result = intersect(result, nf(Sub(nodes: [target]), p), p)
        } else if let ref = node.ref {
            return approx(p, "$ref \"\(ref)\" that does not resolve")
        }
        for s in node.allOf ?? [] { result = intersect(result, nf(s, p), p) }
        if let any = node.anyOf { result = intersect(result, union(any.map { nf($0, p) }, p), p) }
        if let one = node.oneOf { result = intersect(result, oneOf(one, p, node), p) }
        if let n = node.not { result = intersect(result, complement(nf(n, p.flipped), p), p) }
        if let cond = node.ifSchema {
            let i = nf(cond, p)
            let t = node.thenSchema.map { nf($0, p) } ?? .everything
            let e = node.elseSchema.map { nf($0, p) } ?? .everything
            let notI = complement(nf(cond, p.flipped), p)
            result = intersect(result, union([intersect(i, t, p), intersect(notI, e, p)], p), p)
        }
        if node.draft == .draft7, node.ref != nil { return result } // draft 7: $ref alone
        result = unevaluated(node, result, p)
        result = foldDependents(result)
        return result
    }

    func place(_ node: SchemaNode) -> String { node.pointer.isEmpty ? "(root)" : node.pointer }

    /// A node's `$ref` target, resolved in the registry it was compiled in.
    func resolve(_ node: SchemaNode) -> SchemaNode? {
        if let t = node.refTarget { return t }
        guard let ref = node.ref, let t = try? registry.resolve(ref, draft: node.draft, from: node.pointer) else { return nil }
        node.refTarget = t
        return t
    }

    /// The constraints a node puts on each kind by its own keywords.
    func local(_ node: SchemaNode, _ p: Polarity) -> NormalForm {
        var kinds: Set<JSONKind> = Set(JSONKind.allCases)
        var integerOnly = false
        if let types = node.types {
            kinds = []
            for t in types {
                switch t {
                case "null": kinds.insert(.null)
                case "boolean": kinds.insert(.boolean)
                case "string": kinds.insert(.string)
                case "array": kinds.insert(.array)
                case "object": kinds.insert(.object)
                case "number": kinds.insert(.number)
                case "integer": kinds.insert(.number)
                default: break
                }
            }
            integerOnly = types.contains("integer") && !types.contains("number")
        }
        var values: [JSONValue]?
        if let e = node.enumValues { values = e }
        if node.hasConst, let c = node.constValue {
            values = (values ?? [c]).filter { $0.jsonEquals(c) }
        }
        var out: [Conj] = []
        for k in JSONKind.allCases where kinds.contains(k) {
            var c = Conj(k)
            if let values { c.finite = values.filter { JSONKind.of($0) == k } }
            switch k {
            case .null:
                if c.finite == nil { c.finite = [.null] }
            case .boolean:
                if c.finite == nil { c.finite = [.bool(false), .bool(true)] }
            case .number:
                if integerOnly { c.integer = true }
                if let m = node.multipleOf, m > 0 { c.multiples = [m] }
                if let m = node.minimum { c.lo = Bound(value: m, exclusive: false) }
                if let m = node.exclusiveMinimum { c.lo = Conj.tighter(c.lo, Bound(value: m, exclusive: true), upper: false) }
                if let m = node.maximum { c.hi = Bound(value: m, exclusive: false) }
                if let m = node.exclusiveMaximum { c.hi = Conj.tighter(c.hi, Bound(value: m, exclusive: true), upper: true) }
            case .string:
                c.minLength = node.minLength ?? 0
                c.maxLength = node.maxLength
                if let r = node.pattern, let s = node.patternSource { c.patterns = [Pattern(source: s, regex: r)] }
            case .array:
                c.minItems = node.minItems ?? 0
                c.maxItems = node.maxItems
                c.unique = node.uniqueItems
                let rest = node.draft == .draft7 && node.prefixItems != nil ? node.additionalItems : node.items
                if node.prefixItems != nil || rest != nil {
                    c.itemClauses = [ItemClause(prefix: (node.prefixItems ?? []).map { Sub(nodes: [$0]) }, rest: rest.map { Sub(nodes: [$0]) })]
                }
                if let s = node.contains {
                    let minimum = node.minContains ?? 1
                    c.contains = [ContainsRule(sub: Sub(nodes: [s]), min: minimum, max: node.maxContains)]
                }
            case .object:
                c.minProperties = node.minProperties ?? 0
                c.maxProperties = node.maxProperties
                c.required = Set(node.required ?? [])
                if node.properties != nil || node.patternProperties != nil || node.additionalProperties != nil {
                    var clause = PropClause()
                    for (n, s) in node.properties ?? [:] { clause.props[n] = Sub(nodes: [s]) }
                    for (r, src, s) in node.patternProperties ?? [] { clause.patterns.append((Pattern(source: src, regex: r), Sub(nodes: [s]))) }
                    clause.additional = node.additionalProperties.map { Sub(nodes: [$0]) }
                    c.propClauses = [clause]
                }
                for (n, deps) in node.dependentRequired { c.dependentRequired[n, default: []].formUnion(deps) }
                c.dependentSchemas = node.dependentSchemas.map { ($0.0, Sub(nodes: [$0.1])) }
                if let pn = node.propertyNames { c.propertyNames = [Sub(nodes: [pn])] }
            }
            if c.finite != nil { c = filterFinite(c, p) }
            if !c.isCertainlyEmpty { out.append(c) }
        }
        return NormalForm(conjs: out)
    }

    /// A finite set keeps only the values its other constraints allow (a
    /// value the validator cannot judge stays when widening, goes when narrowing).
    func filterFinite(_ c: Conj, _ p: Polarity) -> Conj {
        guard let f = c.finite else { return c }
        var out = c
        out.finite = f.filter { v in
            let r = accepts(c, v, ignoringFinite: true)
            return p == .over ? r != false : r == true
        }
        return out
    }

    /// `unevaluatedProperties`/`unevaluatedItems`: what the node and its
    /// `allOf`/`$ref` subschemas evaluate is known statically; what
    /// `anyOf`/`oneOf`/`if` branches evaluate is not (over: the keyword is
    /// dropped; under: those branches are taken to evaluate nothing, which
    /// only narrows).
    func unevaluated(_ node: SchemaNode, _ nf: NormalForm, _ p: Polarity) -> NormalForm {
        var out = nf
        if let u = node.unevaluatedProperties {
            var names = Set<String>(), patterns: [Pattern] = [], all = false, dynamic = false
            collectEvaluatedProperties(node, &names, &patterns, &all, &dynamic, depth: 0)
            if !all {
                if dynamic && p == .over { note("unevaluatedProperties beside anyOf/oneOf/if/dependentSchemas at \(place(node))") } else {
                    if dynamic { note("unevaluatedProperties beside anyOf/oneOf/if/dependentSchemas at \(place(node))") }
                    var clause = PropClause(props: Dictionary(uniqueKeysWithValues: names.map { ($0, Sub.any) }),
                                            patterns: patterns.map { ($0, Sub.any) }, additional: Sub(nodes: [u]))
                    if clause.props.isEmpty && clause.patterns.isEmpty { clause = PropClause(additional: Sub(nodes: [u])) }
                    for i in out.conjs.indices where out.conjs[i].kind == .object { out.conjs[i].propClauses.append(clause) }
                }
            }
        }
        if let u = node.unevaluatedItems {
            var prefix = 0, all = false, dynamic = false
            collectEvaluatedItems(node, &prefix, &all, &dynamic, depth: 0)
            if !all {
                if dynamic && p == .over { note("unevaluatedItems beside anyOf/oneOf/if/contains at \(place(node))") } else {
                    if dynamic { note("unevaluatedItems beside anyOf/oneOf/if/contains at \(place(node))") }
                    let clause = ItemClause(prefix: Array(repeating: Sub.any, count: prefix), rest: Sub(nodes: [u]))
                    for i in out.conjs.indices where out.conjs[i].kind == .array { out.conjs[i].itemClauses.append(clause) }
                }
            }
        }
        return out
    }

    func collectEvaluatedProperties(_ n: SchemaNode, _ names: inout Set<String>, _ patterns: inout [Pattern], _ all: inout Bool,
                                    _ dynamic: inout Bool, depth: Int) {
        guard depth < 32, n.alwaysValid == nil else { return }
        for k in (n.properties ?? [:]).keys { names.insert(k) }
        for (r, s, _) in n.patternProperties ?? [] { patterns.append(Pattern(source: s, regex: r)) }
        if n.additionalProperties != nil { all = true }
        if depth > 0 && n.unevaluatedProperties != nil { all = true }
        for s in n.allOf ?? [] { collectEvaluatedProperties(s, &names, &patterns, &all, &dynamic, depth: depth + 1) }
        if let t = resolve(n) { collectEvaluatedProperties(t, &names, &patterns, &all, &dynamic, depth: depth + 1) }
        for s in (n.anyOf ?? []) + (n.oneOf ?? []) + [n.ifSchema, n.thenSchema, n.elseSchema].compactMap({ $0 }) + n.dependentSchemas.map(\.1)
            where SchemaCompatibility.mentionsObjectKeywords(s, depth: 0) { dynamic = true }
        if n.dynamicRef != nil { dynamic = true }
    }

    func collectEvaluatedItems(_ n: SchemaNode, _ prefix: inout Int, _ all: inout Bool, _ dynamic: inout Bool, depth: Int) {
        guard depth < 32, n.alwaysValid == nil else { return }
        prefix = max(prefix, n.prefixItems?.count ?? 0)
        if n.draft == .draft7 ? (n.prefixItems == nil && n.items != nil) || n.additionalItems != nil : n.items != nil { all = true }
        if n.contains != nil { dynamic = true }
        if depth > 0 && n.unevaluatedItems != nil { all = true }
        for s in n.allOf ?? [] { collectEvaluatedItems(s, &prefix, &all, &dynamic, depth: depth + 1) }
        if let t = resolve(n) { collectEvaluatedItems(t, &prefix, &all, &dynamic, depth: depth + 1) }
        for s in (n.anyOf ?? []) + (n.oneOf ?? []) + [n.ifSchema, n.thenSchema, n.elseSchema].compactMap({ $0 })
            where SchemaCompatibility.mentionsArrayKeywords(s, depth: 0) { dynamic = true }
        if n.dynamicRef != nil { dynamic = true }
    }

    /// dependentRequired/dependentSchemas of a property that is required anyway apply unconditionally.
    func foldDependents(_ nf: NormalForm) -> NormalForm {
        var out = nf
        for i in out.conjs.indices where out.conjs[i].kind == .object {
            var changed = true
            var rounds = 0
            while changed && rounds < 16 {
                changed = false
                rounds += 1
                for (n, deps) in out.conjs[i].dependentRequired where out.conjs[i].required.contains(n) && !deps.isSubset(of: out.conjs[i].required) {
                    out.conjs[i].required.formUnion(deps)
                    changed = true
                }
            }
        }
        return out
    }

    /// `oneOf`: a union whose branches exclude each other. Over: the union
    /// (anyOf). Under: each branch's values that no other branch can hold,
    /// as far as that can be shown.
    func oneOf(_ branches: [SchemaNode], _ p: Polarity, _ node: SchemaNode) -> NormalForm {
        let parts = branches.map { nf($0, p) }
        if p == .over { return union(parts, p) }
        let others = branches.map { nf($0, .over) }
        var out: [Conj] = []
        var dropped = false
        for (i, part) in parts.enumerated() {
            for c in part.conjs {
                if var f = c.finite {
                    f = f.filter { v in others.indices.allSatisfy { j in j == i || others[j].conjs.allSatisfy { accepts($0, v) == false } } }
                    if f.count != c.finite!.count { dropped = true }
                    var k = c
                    k.finite = f
                    if !f.isEmpty { out.append(k) }
                    continue
                }
                if others.indices.allSatisfy({ j in j == i || others[j].conjs.allSatisfy { disjoint(c, $0) } }) {
                    out.append(c)
                } else {
                    dropped = true
                }
            }
        }
        if dropped { note("oneOf branches that may overlap at \(place(node)) (the overlap is left out)") }
        if out.count > Normalizer.maxConjs { return approx(p, "more than \(Normalizer.maxConjs) alternatives in oneOf") }
        return NormalForm(conjs: out)
    }

    /// The values not in `nf` (itself normalized with the opposite polarity).
    func complement(_ nf: NormalForm, _ p: Polarity) -> NormalForm {
        var result = NormalForm.everything
        for c in nf.conjs {
            var parts: [Conj] = JSONKind.allCases.filter { $0 != c.kind }.map(Conj.init)
            parts += negate(c, p)
            result = intersect(result, NormalForm(conjs: parts), p)
        }
        return result
    }

    /// The values of `c.kind` outside `c`: a union of single negated constraints.
    func negate(_ c: Conj, _ p: Polarity) -> [Conj] {
        if c.isFull { return [] }
        let k = c.kind
        var out: [Conj] = []
        func add(_ f: (inout Conj) -> Void) { var n = Conj(k); f(&n); out.append(n) }
        var opaque = false
        if let f = c.finite {
            if k == .null || k == .boolean {
                let all: [JSONValue] = k == .null ? [.null] : [.bool(false), .bool(true)]
                var n = Conj(k)
                n.finite = all.filter { v in !f.contains { $0.jsonEquals(v) } }
                if !n.finite!.isEmpty { out.append(n) }
                return out
            }
            add { $0.excluded = f }
            // The finite set already carries the other constraints: values outside it are exactly these.
            return out
        }
        if !c.excluded.isEmpty { add { $0.finite = c.excluded } }
        if let i = c.integer { add { $0.integer = !i } }
        if let l = c.lo { add { $0.hi = Bound(value: l.value, exclusive: !l.exclusive) } }
        if let h = c.hi { add { $0.lo = Bound(value: h.value, exclusive: !h.exclusive) } }
        for m in c.multiples { add { $0.notMultiples = [m] } }
        for m in c.notMultiples { add { $0.multiples = [m] } }
        if c.minLength > 0 { add { $0.maxLength = c.minLength - 1 } }
        if let m = c.maxLength { add { $0.minLength = m + 1 } }
        for pat in c.patterns { add { $0.notPatterns = [pat] } }
        for pat in c.notPatterns { add { $0.patterns = [pat] } }
        if c.minItems > 0 { add { $0.maxItems = c.minItems - 1 } }
        if let m = c.maxItems { add { $0.minItems = m + 1 } }
        if c.minProperties > 0 { add { $0.maxProperties = c.minProperties - 1 } }
        if let m = c.maxProperties { add { $0.minProperties = m + 1 } }
        for r in c.required { add { $0.propClauses = [PropClause(props: [r: Sub(nodes: [SchemaCompatibility.falseNode])])] } }
        if c.unique || !c.itemClauses.allSatisfy({ $0.prefix.allSatisfy(\.isAny) && ($0.rest?.isAny ?? true) }) || !c.contains.isEmpty { opaque = true }
        if !c.propClauses.allSatisfy({ $0.props.values.allSatisfy(\.isAny) && $0.patterns.allSatisfy { $0.1.isAny } && ($0.additional?.isAny ?? true) })
            || !c.dependentRequired.isEmpty || !c.dependentSchemas.isEmpty || !c.propertyNames.allSatisfy(\.isAny) { opaque = true }
        if opaque {
            note("not over \(k.name) constraints on items or properties")
            if p == .over { return [Conj(k)] }
        }
        return out
    }
}
