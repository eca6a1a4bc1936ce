import HyperforgeCore

// MARK: - Values against normal forms

extension Normalizer {
    /// Whether `v` satisfies every node of `s` (nil: the validator could not tell).
    func accepts(_ s: Sub, _ v: JSONValue) -> Bool? {
        for n in s.nodes {
            if let b = n.alwaysValid { if !b { return false }; continue }
            guard let r = try? CompiledSchema(root: n, registry: registry).isValid(v) else { return nil }
            if !r { return false }
        }
        return true
    }

    func accepts(_ nf: NormalForm, _ v: JSONValue) -> Bool? {
        var unknown = false
        for c in nf.conjs where c.kind == JSONKind.of(v) {
            switch accepts(c, v) {
            case true?: return true
            case nil: unknown = true
            default: break
            }
        }
        return unknown ? nil : false
    }

    /// Whether `v` satisfies the constraints of `c`.
    func accepts(_ c: Conj, _ v: JSONValue, ignoringFinite: Bool = false) -> Bool? {
        guard JSONKind.of(v) == c.kind else { return false }
        if !ignoringFinite, let f = c.finite { return f.contains { $0.jsonEquals(v) } }
        if c.excluded.contains(where: { $0.jsonEquals(v) }) { return false }
        var unknown = false
        func all(_ r: Bool?) -> Bool { if r == false { return false }; if r == nil { unknown = true }; return true }
        switch v {
        case .integer, .number:
            let x = v.numberValue!
            if let i = c.integer, v.isInteger != i { return false }
            if let l = c.lo, x < l.value || (l.exclusive && x == l.value) { return false }
            if let h = c.hi, x > h.value || (h.exclusive && x == h.value) { return false }
            for m in c.multiples where !Evaluation.isMultiple(v, of: m) { return false }
            for m in c.notMultiples where Evaluation.isMultiple(v, of: m) { return false }
        case .string(let s):
            let n = s.unicodeScalars.count
            if n < c.minLength || n > (c.maxLength ?? Int.max) { return false }
            // A pattern too expensive to evaluate on `s` leaves the answer unknown.
            for p in c.patterns { switch try? p.regex.matches(in: s) { case false?: return false; case nil: unknown = true; default: break } }
            for p in c.notPatterns { switch try? p.regex.matches(in: s) { case true?: return false; case nil: unknown = true; default: break } }
        case .array(let a):
            if a.count < c.minItems || a.count > (c.maxItems ?? Int.max) { return false }
            if c.unique {
                for i in a.indices { for j in a.indices where j > i && a[i].jsonEquals(a[j]) { return false } }
            }
            for (i, item) in a.enumerated() where !all(accepts(c.itemSchema(i), item)) { return false }
            for r in c.contains {
                var count = 0
                for item in a {
                    switch accepts(r.sub, item) { case true?: count += 1; case nil: unknown = true; default: break }
                }
                if !unknown && (count < r.min || count > (r.max ?? Int.max)) { return false }
            }
        case .object(let o):
            if o.count < c.minProperties || o.count > (c.maxProperties ?? Int.max) { return false }
            for r in c.required where o[r] == nil { return false }
            for (n, deps) in c.dependentRequired where o[n] != nil { for d in deps where o[d] == nil { return false } }
            for (k, value) in o {
                if !all(accepts(c.propertySchema(k), value)) { return false }
                for pn in c.propertyNames where !all(accepts(pn, .string(k))) { return false }
            }
            for (n, d) in c.dependentSchemas where o[n] != nil && !all(accepts(d, v)) { return false }
        default:
            break
        }
        return unknown ? nil : true
    }

    // MARK: - Disjointness

    /// Whether no value satisfies both (true only when certain).
    func disjoint(_ a: Conj, _ b: Conj, depth: Int = 0) -> Bool {
        if a.kind != b.kind { return true }
        if let f = a.finite { return f.allSatisfy { accepts(b, $0) == false } }
        if let f = b.finite { return f.allSatisfy { accepts(a, $0) == false } }
        if a.isCertainlyEmpty || b.isCertainlyEmpty || a.merged(b).isCertainlyEmpty { return true }
        guard depth < 4 else { return false }
        func disjointSubs(_ x: Sub, _ y: Sub) -> Bool {
            let p = nf(x, .over), q = nf(y, .over)
            return p.conjs.allSatisfy { c in q.conjs.allSatisfy { disjoint(c, $0, depth: depth + 1) } }
        }
        switch a.kind {
        case .object:
            for r in a.required.union(b.required) where a.required.contains(r) || b.required.contains(r) {
                // A property one requires that the other cannot hold, or may hold only with disjoint values.
                let x = a.propertySchema(r), y = b.propertySchema(r)
                if (a.required.contains(r) && y.isNothing) || (b.required.contains(r) && x.isNothing) { return true }
                if a.required.contains(r) && b.required.contains(r) && disjointSubs(x, y) { return true }
            }
        case .array:
            let forced = max(a.minItems, b.minItems)
            for i in 0..<min(forced, 16) where disjointSubs(a.itemSchema(i), b.itemSchema(i)) { return true }
        default:
            break
        }
        return false
    }
}

// MARK: - Inclusion

/// Proves "every value valid under A is valid under B" over normal forms
/// (A widened, B narrowed where they are not exact), recording which rule
/// decided each part, or where the proof failed.
final class InclusionProver {
    let left: Normalizer, right: Normalizer
    var explanation: [String] = []
    var failure: String?
    private var assumed: Set<[ObjectIdentifier]> = []
    private var steps = 0
    static let maxSteps = 20_000

    init(left: Normalizer, right: Normalizer) {
        self.left = left
        self.right = right
    }

    func explain(_ path: String, _ text: String) {
        if explanation.count < 40 { explanation.append("\(path.isEmpty ? "(root)" : path): \(text)") }
    }

    /// Where the proof failed, as a JSON pointer (for the witness search to look there first).
    var failurePath: String?

    func fail(_ path: String, _ text: String) -> Bool {
        if failure == nil { failure = "\(path.isEmpty ? "(root)" : path): \(text)"; failurePath = path }
        return false
    }

    /// Same JSON, with no reference whose meaning could differ between the two documents.
    static func sameSchema(_ a: SchemaNode, _ b: SchemaNode) -> Bool {
        a === b || (a.draft == b.draft && a.validationVocabulary == b.validationVocabulary && a.json.jsonEquals(b.json)
                    && (a.base == b.base || !mentionsReference(a.json)))
    }

    /// Whether every string `x` matches is matched by `y`, decided cheaply:
    /// `y` is a literal (anchored or not) that `x`'s anchored literal prefix starts with or contains.
    static func implies(_ x: ECMAPattern, _ y: ECMAPattern) -> Bool {
        guard let prefix = x.anchoredLiteralPrefix, let literal = y.literalOnly else { return false }
        return literal.anchored ? prefix.unicodeScalars.starts(with: literal.text.unicodeScalars)
            : (literal.text.isEmpty || prefix.unicodeScalars.firstRange(of: literal.text.unicodeScalars) != nil)
    }

    static func quoted(_ names: Set<String>) -> String {
        names.sorted().map { "'\($0)'" }.joined(separator: ", ")
    }

    static func mentionsReference(_ v: JSONValue) -> Bool {
        switch v {
        case .object(let o): return o["$ref"] != nil || o["$dynamicRef"] != nil || o.values.contains(where: mentionsReference)
        case .array(let a): return a.contains(where: mentionsReference)
        default: return false
        }
    }

    func sub(_ a: Sub, _ b: Sub, _ path: String, depth: Int) -> Bool {
        if b.isAny { if depth <= 1 { explain(path, "the second schema allows any value here") }; return true }
        if a.isNothing { if depth <= 1 { explain(path, "the first schema allows no value here") }; return true }
        if a.nodes.count == b.nodes.count, zip(a.nodes, b.nodes).allSatisfy({ InclusionProver.sameSchema($0, $1) }) {
            if depth <= 1 { explain(path, "the same schema in both") }
            return true
        }
        let key = a.key + [ObjectIdentifier(InclusionProver.self)] + b.key
        // Recursion through a property or item: the pair being proved is assumed
        // while it is being proved (values are finite, so each step goes one level down).
        if assumed.contains(key) { return true }
        steps += 1
        if steps > InclusionProver.maxSteps { return fail(path, "the comparison needs more than \(InclusionProver.maxSteps) steps") }
        assumed.insert(key)
        defer { assumed.remove(key) }
        return includes(left.nf(a, .over), right.nf(b, .under), path, depth: depth)
    }

    func includes(_ x: NormalForm, _ y: NormalForm, _ path: String, depth: Int) -> Bool {
        for c in x.conjs where !c.isCertainlyEmpty {
            if !conjIn(c, y.of(c.kind), path, depth: depth) { return false }
        }
        return true
    }

    /// Small integer ranges and the two booleans are finite sets too.
    func enumerated(_ c: Conj) -> [JSONValue]? {
        if let f = c.finite { return f }
        if c.kind == .number, c.integer == true, let lo = c.integerLo, let hi = c.integerHi, hi - lo < 64 {
            var out: [JSONValue] = []
            var x = lo
            while x <= hi { if left.accepts(c, .integer(Int64(x))) == true { out.append(.integer(Int64(x))) }; x += 1 }
            return out
        }
        return nil
    }

    func conjIn(_ a: Conj, _ bs: [Conj], _ path: String, depth: Int) -> Bool {
        if let values = enumerated(a), a.finite != nil || bs.contains(where: { $0.finite != nil }) {
            for v in values where !bs.contains(where: { right.accepts($0, v) == true }) {
                return fail(path, "\(v.jsonText) is not allowed by the second schema")
            }
            if depth <= 1 { explain(path, "each of the \(values.count) \(a.kind.name) value\(values.count == 1 ? "" : "s") allowed (\(values.prefix(5).map(\.jsonText).joined(separator: ", "))\(values.count > 5 ? ", ..." : "")) is allowed by the second schema") }
            return true
        }
        if bs.isEmpty { return fail(path, "the second schema allows no \(a.kind.name) here") }
        let saved = (failure, failurePath)
        for b in bs {
            (failure, failurePath) = saved
            if conjConj(a, b, path, depth: depth) { (failure, failurePath) = saved; return true }
        }
        // A number set that one integer and one non-integer alternative cover together.
        if a.kind == .number, a.integer == nil, bs.count > 1 {
            var i = a, n = a
            i.integer = true
            n.integer = false
            let kept = (failure, failurePath)
            if conjIn(i, bs, path, depth: depth) && conjIn(n, bs, path, depth: depth) { return true }
            (failure, failurePath) = kept
        }
        // A number range that several alternatives cover together: split it at
        // a bound of one of them, and each part must be covered.
        if a.kind == .number, bs.count > 1, splits < 6 {
            let cuts = bs.flatMap { [$0.lo, $0.hi].compactMap { $0 } }.map(\.value).filter { c in
                (a.lo.map { $0.value < c } ?? true) && (a.hi.map { $0.value > c } ?? true)
            }
            if let c = cuts.min() {
                splits += 1
                defer { splits -= 1 }
                var below = a, at = a, above = a
                below.hi = Bound(value: c, exclusive: true)
                at.lo = Bound(value: c, exclusive: false)
                at.hi = Bound(value: c, exclusive: false)
                above.lo = Bound(value: c, exclusive: true)
                let kept = (failure, failurePath)
                if [below, at, above].allSatisfy({ $0.isCertainlyEmpty || conjIn($0, bs, path, depth: depth) }) {
                    if depth <= 1 { explain(path, "numbers below, at and above \(Evaluation.number(c)), each within an alternative of the second schema") }
                    return true
                }
                (failure, failurePath) = kept
            }
        }
        // An object whose required property takes one of a few values (or
        // kinds), each alternative covered by another branch: case by case.
        if a.kind == .object, bs.count > 1, splits < 3 {
            for n in a.required.sorted() {
                guard let alternatives = alternatives(left.nf(a.propertySchema(n), .over)) else { continue }
                splits += 1
                defer { splits -= 1 }
                let kept = (failure, failurePath)
                let covered = alternatives.allSatisfy { alt in
                    var x = a
                    x.propClauses.append(PropClause(props: [n: alt]))
                    return conjIn(x, bs, path, depth: depth)
                }
                if covered {
                    if depth <= 1 { explain(path, "case by case on '\(n)' (\(alternatives.count) alternatives), each within a branch of the second schema") }
                    return true
                }
                (failure, failurePath) = kept
            }
        }
        return false
    }

    private var splits = 0
    /// Nodes made here (a const, a type) for case splits, kept alive while the normal forms keyed by them are.
    private var synthetic: [String: SchemaNode] = [:]

    func syntheticNode(_ json: JSONValue) -> SchemaNode {
        let key = json.jsonText
        if let n = synthetic[key] { return n }
        let n = SchemaNode(json: json, draft: .draft2020_12, base: "urn:hyperforge:case", resource: "urn:hyperforge:case", pointer: "")
        if case .string(let t)? = json["type"] { n.types = [t] }
        if let c = json["const"] { n.constValue = c; n.hasConst = true }
        synthetic[key] = n
        return n
    }

    /// The alternatives a normal form splits into (each value of a small
    /// finite set, each other kind), covering it; nil when there is only one.
    func alternatives(_ nf: NormalForm) -> [Sub]? {
        var out: [Sub] = []
        var kinds = Set<JSONKind>()
        for c in nf.conjs {
            if let f = c.finite {
                for v in f { out.append(Sub(nodes: [syntheticNode(.object(["const": v]))])) }
            } else if kinds.insert(c.kind).inserted {
                out.append(Sub(nodes: [syntheticNode(.object(["type": .string(c.kind.name)]))]))
            }
        }
        return out.count > 1 && out.count <= 16 ? out : nil
    }

    func conjConj(_ a: Conj, _ b: Conj, _ path: String, depth: Int) -> Bool {
        guard depth < 48 else { return fail(path, "nested more than 48 levels deep") }
        var why: [String] = []
        if b.isFull {
            if depth <= 1 { explain(path, "every \(a.kind.name) is allowed by the second schema") }
            return true
        }
        if b.finite != nil { return fail(path, "the second schema allows only listed \(a.kind.name) values (enum/const)") }
        for v in b.excluded {
            guard left.accepts(a, v) == false else { return fail(path, "\(v.jsonText) is excluded by the second schema") }
            why.append("\(v.jsonText) excluded by both")
        }
        switch a.kind {
        case .number:
            if let bi = b.integer {
                let ok = a.integer == bi
                guard ok else { return fail(path, bi ? "non-integer numbers are not allowed by the second schema" : "integers are not allowed by the second schema") }
                why.append(bi ? "integers only in both" : "non-integers only in both")
            }
            if let bl = b.lo {
                var ok = false
                if let ail = a.integerLo { ok = ail > bl.value || (ail == bl.value && !bl.exclusive) }
                if !ok, let al = a.lo { ok = al.value > bl.value || (al.value == bl.value && (al.exclusive || !bl.exclusive)) }
                guard ok else { return fail(path, "numbers below \(Evaluation.number(bl.value)) are allowed by the first schema only") }
                why.append("lower bound \(a.lo.map { Evaluation.number($0.value) } ?? "-") within \(Evaluation.number(bl.value))")
            }
            if let bh = b.hi {
                var ok = false
                if let aih = a.integerHi { ok = aih < bh.value || (aih == bh.value && !bh.exclusive) }
                if !ok, let ah = a.hi { ok = ah.value < bh.value || (ah.value == bh.value && (ah.exclusive || !bh.exclusive)) }
                guard ok else { return fail(path, "numbers above \(Evaluation.number(bh.value)) are allowed by the first schema only") }
                why.append("upper bound \(a.hi.map { Evaluation.number($0.value) } ?? "-") within \(Evaluation.number(bh.value))")
            }
            // multipleOf is checked with a tolerance for fractions, so one
            // multiple within another is proved only over integers (or for the same divisor).
            for m in b.multiples {
                let integral = a.integer == true && m.rounded() == m
                let ok = a.multiples.contains { $0 == m || (integral && $0.rounded() == $0 && Evaluation.isMultiple(.number($0), of: m)) }
                    || (integral && m == 1)
                guard ok else { return fail(path, "the second schema needs multiples of \(Evaluation.number(m))") }
                why.append("multiples of \(Evaluation.number(m)) in both")
            }
            for m in b.notMultiples {
                guard a.notMultiples.contains(m) else { return fail(path, "the second schema excludes multiples of \(Evaluation.number(m))") }
            }
        case .string:
            guard a.minLength >= b.minLength else { return fail(path, "strings shorter than \(b.minLength) are allowed by the first schema only") }
            if let bm = b.maxLength {
                guard let am = a.maxLength, am <= bm else { return fail(path, "strings longer than \(bm) are allowed by the first schema only") }
            }
            if b.minLength > 0 || b.maxLength != nil { why.append("lengths \(a.minLength)...\(a.maxLength.map(String.init) ?? "") within \(b.minLength)...\(b.maxLength.map(String.init) ?? "")") }
            for p in b.patterns {
                if a.patterns.contains(where: { $0.source == p.source }) { why.append("the same pattern \(p.source)"); continue }
                if a.maxLength == 0 && (try? p.regex.matches(in: "")) == true { why.append("only the empty string, which pattern \(p.source) matches"); continue }
                if p.regex.matchesEveryString { why.append("pattern \(p.source) matches every string"); continue }
                if let x = a.patterns.first(where: { InclusionProver.implies($0.regex, p.regex) }) {
                    why.append("every string matching pattern \(x.source) starts with \(JSONValue.string(x.regex.anchoredLiteralPrefix ?? "").jsonText), so matches pattern \(p.source)")
                    continue
                }
                // Beyond these, whether one regular expression's language is inside another's is not decided
                // here (it can take exponential time); the witness search tries strings of both.
                return fail(path, "pattern \(p.source) of the second schema against \(a.patterns.isEmpty ? "no pattern" : "pattern " + a.patterns.map(\.source).joined(separator: ", ")) (one regular expression's language inside another's is decided only for the same pattern, a pattern every string matches, and anchored literal prefixes)")
            }
            for p in b.notPatterns {
                guard a.notPatterns.contains(where: { $0.source == p.source }) else { return fail(path, "the second schema excludes strings matching \(p.source)") }
            }
        case .array:
            guard a.minItems >= b.minItems else { return fail(path, "arrays of fewer than \(b.minItems) items are allowed by the first schema only") }
            let aMax = a.effectiveMaxItems
            if let bm = b.maxItems {
                guard let am = aMax, am <= bm else { return fail(path, "arrays of more than \(bm) items are allowed by the first schema only") }
            }
            if b.unique {
                guard a.unique || (aMax ?? 2) <= 1 else { return fail(path, "the second schema needs unique items") }
            }
            let n = max(a.prefixLength, b.prefixLength)
            for i in 0...n {
                if let m = aMax, i >= m { break }
                let label = i == n ? path + "/*" : path + "/\(i)"
                if !sub(a.itemSchema(i), b.itemSchema(i), i == n && n > 0 ? label : (n == 0 ? path + "/*" : label), depth: depth + 1) { return false }
            }
            why.append(n == 0 ? "every item within the second schema's items" : "items 0...\(n - 1) and the rest within the second schema's")
            for r in b.contains where r.min > 0 || r.max != nil {
                var ok = false
                if r.max == nil {
                    ok = a.contains.contains { $0.min >= r.min && sub($0.sub, r.sub, path + "/contains", depth: depth + 1) }
                    if !ok && a.minItems >= r.min {
                        ok = (0...a.prefixLength).allSatisfy { sub(a.itemSchema($0), r.sub, path + "/contains", depth: depth + 1) }
                    }
                } else {
                    ok = a.contains.contains { x in x.min >= r.min && (x.max ?? Int.max) <= r.max! && x.sub.nodes.count == r.sub.nodes.count
                        && zip(x.sub.nodes, r.sub.nodes).allSatisfy { InclusionProver.sameSchema($0, $1) } }
                }
                guard ok else { return fail(path, "the second schema's contains (\(r.min)...\(r.max.map(String.init) ?? "") matching items)") }
                why.append("contains within the second schema's")
            }
        case .object:
            guard max(a.minProperties, a.required.count) >= b.minProperties else { return fail(path, "objects with fewer than \(b.minProperties) properties are allowed by the first schema only") }
            if let bm = b.maxProperties {
                guard let am = a.effectiveMaxProperties, am <= bm else { return fail(path, "objects with more than \(bm) properties are allowed by the first schema only") }
            }
            let possible = a.possibleNames
            for r in b.required.sorted() where !a.required.contains(r) {
                return fail(path, "'\(r)' is required by the second schema only")
            }
            if !b.required.isEmpty { why.append("\(InclusionProver.quoted(b.required)) required by both") }
            let narrower = a.required.subtracting(b.required)
            if !narrower.isEmpty {
                why.append("\(InclusionProver.quoted(narrower)) required by the first schema only (which only narrows it)")
            }
            for (n, deps) in b.dependentRequired.sorted(by: { $0.key < $1.key }) {
                var have = a.required.union(a.dependentRequired[n] ?? [])
                for d in a.dependentRequired[n] ?? [] { have.formUnion(a.dependentRequired[d] ?? []) }
                let absent = a.propertySchema(n).isNothing || (possible.map { !$0.contains(n) } ?? false)
                guard absent || deps.isSubset(of: have) else { return fail(path, "with '\(n)', the second schema also requires \(deps.subtracting(have).sorted().joined(separator: ", "))") }
            }
            for (n, d) in b.dependentSchemas {
                if a.propertySchema(n).isNothing || (possible.map { !$0.contains(n) } ?? false) { continue }
                if a.dependentSchemas.contains(where: { $0.0 == n && $0.1.nodes.count == d.nodes.count && zip($0.1.nodes, d.nodes).allSatisfy { InclusionProver.sameSchema($0, $1) } }) { continue }
                var plain = a
                plain.dependentSchemas = []
                guard includes(NormalForm(conjs: [plain]), right.nf(d, .under), path, depth: depth + 1) else {
                    return fail(path, "the second schema's dependentSchemas for '\(n)'")
                }
            }
            for pn in b.propertyNames where !pn.isAny {
                if let names = possible {
                    for name in names.sorted() where right.accepts(pn, .string(name)) != true { return fail(path, "property name '\(name)' is not allowed by the second schema's propertyNames") }
                } else {
                    let x = a.propertyNames.reduce(Sub.any) { $0.and($1) }
                    let ax = NormalForm(conjs: left.nf(x, .over).of(.string)), by = NormalForm(conjs: right.nf(pn, .under).of(.string))
                    guard includes(ax, by, path + "/propertyNames", depth: depth + 1) else { return false }
                }
            }
            // Each named property, then each region of unnamed ones (by the patterns they match).
            var names = a.required.union(b.required)
            for c in a.propClauses + b.propClauses { names.formUnion(c.props.keys) }
            for n in names.sorted() {
                if let possible, !possible.contains(n) { continue }
                if !sub(a.propertySchema(n), b.propertySchema(n), path + "/" + JSONPointer.escape(n), depth: depth + 1) { return false }
            }
            if possible == nil {
                var patterns: [Pattern] = []
                for c in a.propClauses + b.propClauses { for (p, _) in c.patterns where !patterns.contains(where: { $0.source == p.source }) { patterns.append(p) } }
                guard patterns.count <= 6 else { return fail(path, "more than 6 patternProperties patterns to compare") }
                for mask in 0..<(1 << patterns.count) {
                    let set = Set(patterns.indices.filter { mask & (1 << $0) != 0 }.map { patterns[$0].source })
                    func region(_ c: Conj) -> Sub {
                        c.propClauses.reduce(Sub.any) { acc, clause in
                            let matched = clause.patterns.filter { set.contains($0.0.source) }
                            if matched.isEmpty { return acc.and(clause.additional ?? .any) }
                            return matched.reduce(acc) { $0.and($1.1) }
                        }
                    }
                    let label = set.isEmpty ? path + "/(any other name)" : path + "/(a name matching \(set.sorted().joined(separator: " and ")))"
                    if !sub(region(a), region(b), label, depth: depth + 1) { return false }
                }
            }
            why.append("every property within the second schema's")
        default:
            break
        }
        if depth <= 1 && !why.isEmpty { explain(path, "\(a.kind.name): " + why.joined(separator: "; ")) }
        return true
    }
}
