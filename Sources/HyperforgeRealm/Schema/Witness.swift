import HyperforgeCore

/// Builds concrete values of one schema, steered towards values another
/// schema rejects: boundary numbers and lengths, strings from patterns,
/// arrays and objects with one part replaced by such a value. Every value is
/// checked against the schemas with the validator by the caller; this only proposes.
final class ValueGenerator {
    let source: Normalizer
    let guide: Normalizer?
    private var produced = 0
    static let budget = 4_000
    /// The place to vary first (the JSON pointer where a proof failed), one token per level.
    var focus: [String] = []
    func focused(_ depth: Int) -> String? { depth < focus.count ? focus[depth] : nil }
    /// Called with each value of the outermost schema as it is made; true stops the search.
    var stop: ((JSONValue) -> Bool)?
    private(set) var stopped: JSONValue?

    init(source: Normalizer, guide: Normalizer?) {
        self.source = source
        self.guide = guide
    }

    private struct MemoKey: Hashable { var a: [ObjectIdentifier]; var b: [ObjectIdentifier]? }
    private var memo: [MemoKey: (breaking: [JSONValue], fitting: [JSONValue])] = [:]

    /// Values of `a` (checked with the validator), those outside `b` first.
    func values(_ a: Sub, steer b: Sub?, depth: Int) -> (breaking: [JSONValue], fitting: [JSONValue]) {
        let key = MemoKey(a: a.key, b: b?.key)
        if depth > 0, let m = memo[key] { return m }
        let result = compute(a, steer: b, depth: depth)
        if depth > 0 { memo[key] = result }
        return result
    }

    private func compute(_ a: Sub, steer b: Sub?, depth: Int) -> (breaking: [JSONValue], fitting: [JSONValue]) {
        guard depth < 5, produced < ValueGenerator.budget, stopped == nil, !a.isNothing else { return ([], []) }
        var breaking: [JSONValue] = [], fitting: [JSONValue] = []
        func sort(_ v: JSONValue) {
            if let b, let g = guide, g.accepts(b, v) == false { breaking.append(v) } else { fitting.append(v) }
        }
        if a.isAny {
            // Anything goes: one plain value of each kind, and what the other schema steers towards.
            var plain: [JSONValue] = [.null, .bool(true), .integer(0), .number(0.5), .string("a"), .array([]), .object([:])]
            if depth < 3, let b, let g = guide {
                for c in g.nf(b, .over).conjs where c.kind == .array || c.kind == .object { plain += generate(c, steer: [], depth: depth + 1).prefix(4) }
            }
            produced += plain.count
            for v in plain { sort(v) }
            return (breaking, fitting)
        }
        let nfA = source.nf(a, .under)
        let nfB = b.flatMap { s in guide.map { $0.nf(s, .over) } }
        var seen = Set<JSONValue>()
        for c in nfA.conjs {
            let steer = nfB?.of(c.kind) ?? []
            var kept = 0
            for v in generate(c, steer: steer, depth: depth) where seen.insert(v).inserted {
                produced += 1
                guard source.accepts(a, v) == true else { continue }
                sort(v)
                kept += 1
                if depth == 0, let stop, stop(v) { stopped = v; return (breaking, fitting) }
                if kept >= 24 || produced >= ValueGenerator.budget { break }
            }
        }
        return (breaking, fitting)
    }

    /// At the outermost level, each composed value is offered to `stop` at once.
    func offer(_ v: JSONValue, _ out: inout [JSONValue], depth: Int) -> Bool {
        out.append(v)
        if depth == 0, stopped == nil, let stop, stop(v) { stopped = v; return true }
        return stopped != nil
    }

    /// Whether both sides have the same schema at a place (no value can break there).
    static func same(_ a: Sub, _ b: Sub?) -> Bool {
        guard let b else { return false }
        if a.isAny && b.isAny { return true }
        return a.nodes.count == b.nodes.count && zip(a.nodes, b.nodes).allSatisfy { InclusionProver.sameSchema($0, $1) }
    }

    func filler(_ a: Sub, depth: Int) -> JSONValue? {
        let v = values(a, steer: nil, depth: depth)
        return v.fitting.first ?? v.breaking.first
    }

    func generate(_ c: Conj, steer: [Conj], depth: Int) -> [JSONValue] {
        if let f = c.finite { return f }
        switch c.kind {
        case .null: return [.null]
        case .boolean: return [.bool(false), .bool(true)]
        case .number: return numbers(c, steer)
        case .string: return strings(c, steer)
        case .array: return arrays(c, steer, depth)
        case .object: return objects(c, steer, depth)
        }
    }

    static func number(_ x: Double) -> JSONValue {
        x.rounded() == x && x.magnitude < 9e15 ? .integer(Int64(x)) : .number(x)
    }

    func numbers(_ c: Conj, _ steer: [Conj]) -> [JSONValue] {
        var points: [Double] = [0, 1, -1, 0.5, 2, 10, -10, 0.25, 1e6, -1e6]
        for k in [c] + steer {
            for b in [k.lo, k.hi].compactMap({ $0 }) { points += [b.value, b.value - 1, b.value + 1, b.value - 0.5, b.value + 0.5, b.value.rounded(.up), b.value.rounded(.down)] }
            for m in k.multiples + k.notMultiples { points += [m, 2 * m, 3 * m, m / 2, m * 1.5] }
            points += k.excluded.compactMap(\.numberValue)
        }
        for m in c.multiples {
            if let l = c.lo { points.append((l.value / m).rounded(.up) * m); points.append(((l.value / m).rounded(.up) + 1) * m) }
            if let h = c.hi { points.append((h.value / m).rounded(.down) * m) }
        }
        return points.filter(\.isFinite).map(ValueGenerator.number).filter { source.accepts(c, $0) == true }
    }

    func strings(_ c: Conj, _ steer: [Conj]) -> [JSONValue] {
        var bases: [String] = ["", "a", "ab", "abc", "0", "A", " ", "x-1", "a.b"]
        for p in c.patterns { bases += RegexSample.samples(p.source) }
        for k in steer {
            for p in k.notPatterns { bases += RegexSample.samples(p.source) }
            bases += k.excluded.compactMap(\.stringValue)
        }
        var lengths: Set<Int> = [c.minLength, c.minLength + 1]
        if let m = c.maxLength { lengths.insert(m) }
        for k in steer {
            if k.minLength > 0 { lengths.insert(k.minLength - 1) }
            if let m = k.maxLength { lengths.insert(m + 1) }
        }
        var out: [String] = bases
        for base in bases.prefix(12) {
            for l in lengths.sorted() where l < 300 {
                let scalars = Array(base.unicodeScalars)
                if scalars.count > l { out.append(String(String.UnicodeScalarView(scalars.prefix(l)))) }
                else if scalars.count < l { out.append(base + String(repeating: scalars.last.map { String($0) } ?? "a", count: l - scalars.count)) }
            }
        }
        return out.map(JSONValue.string).filter { source.accepts(c, $0) == true }
    }

    func arrays(_ c: Conj, _ steer: [Conj], _ depth: Int) -> [JSONValue] {
        let maxLen = min(c.effectiveMaxItems ?? 64, 64)
        var lengths: Set<Int> = [c.minItems, c.minItems + 1, c.prefixLength, c.prefixLength + 1]
        for r in c.contains { lengths.formUnion([r.min, r.min + 1]) }
        for k in steer {
            lengths.formUnion([k.prefixLength, k.prefixLength + 1, max(0, k.minItems - 1)])
            if k.unique { lengths.insert(2) }
            for r in k.contains { lengths.formUnion([max(0, r.min - 1), r.min, (r.max ?? 0) + 1]) }
            if let m = k.maxItems { lengths.insert(m + 1) }
        }
        let steerItem: (Int) -> Sub? = { i in steer.first.map { $0.itemSchema(i) } }
        var out: [JSONValue] = []
        for l in lengths.sorted() where l >= c.minItems && l <= maxLen && l <= 12 {
            var base: [JSONValue] = []
            for i in 0..<l {
                guard let v = filler(c.itemSchema(i), depth: depth + 1) else { break }
                base.append(v)
            }
            guard base.count == l else { continue }
            // Items a contains rule needs.
            for r in c.contains where r.min > 0 && l >= r.min {
                if let v = filler(r.sub, depth: depth + 1) { for i in 0..<r.min { base[i] = v } }
            }
            if c.unique && base.count > 1 {
                var distinct: [JSONValue] = []
                for i in 0..<l {
                    let options = values(c.itemSchema(i), steer: nil, depth: depth + 1)
                    if let v = (options.fitting + options.breaking).first(where: { x in !distinct.contains { $0.jsonEquals(x) } }) { distinct.append(v) }
                }
                if distinct.count == l { base = distinct }
            }
            out.append(.array(base))
            if l >= 2 && !c.unique { var d = base; d[1] = d[0]; out.append(.array(d)) }
            guard depth < 3 else { continue }
            let only = focused(depth).flatMap { $0 == "*" ? max(c.prefixLength, steer.first?.prefixLength ?? 0) : Int($0) }
            for i in 0..<min(l, c.prefixLength + 2) where !ValueGenerator.same(c.itemSchema(i), steerItem(i)) && (only == nil || i == min(only!, l - 1)) {
                let options = values(c.itemSchema(i), steer: steerItem(i), depth: depth + 1)
                for v in options.breaking.prefix(3) + options.fitting.prefix(2) { var x = base; x[i] = v; if offer(.array(x), &out, depth: depth) { return out } }
            }
            for r in steer.flatMap(\.contains) {
                let options = values(c.itemSchema(0), steer: r.sub, depth: depth + 1)
                if l > 0 { for v in options.fitting.prefix(2) { out.append(.array(Array(repeating: v, count: l))) } }
            }
        }
        return out
    }

    func objects(_ c: Conj, _ steer: [Conj], _ depth: Int) -> [JSONValue] {
        var required = c.required
        for (n, d) in c.dependentRequired where required.contains(n) { required.formUnion(d) }
        var base: [String: JSONValue] = [:]
        for r in required.sorted() {
            guard let v = filler(c.propertySchema(r), depth: depth + 1) else { return [] }
            base[r] = v
        }
        var names = Set<String>()
        for k in [c] + steer {
            for clause in k.propClauses {
                names.formUnion(clause.props.keys)
                for (p, _) in clause.patterns { names.formUnion(RegexSample.samples(p.source)) }
            }
            // Names that propertyNames patterns allow (a name only one version allows breaks).
            for pn in k.propertyNames { for n in pn.nodes { if let p = n.patternSource { names.formUnion(RegexSample.samples(p)) } } }
            names.formUnion(k.required)
            names.formUnion(k.dependentRequired.keys)
            names.formUnion(k.dependentSchemas.map(\.0))
        }
        names.formUnion(["x", "extra"])
        if let possible = c.possibleNames { names.formIntersection(possible) }
        var out: [JSONValue] = [.object(base)]
        guard depth < 4 else { return out }
        let steerProp: (String) -> Sub? = { n in steer.first.map { $0.propertySchema(n) } }
        let only = focused(depth).map { JSONPointer.unescape(Substring($0)) }
        let order = only.map { o in names.contains(o) ? [o] : names.sorted() } ?? names.sorted()
        for n in order.prefix(24) where !(required.contains(n) && ValueGenerator.same(c.propertySchema(n), steerProp(n))) {
            if ValueGenerator.same(c.propertySchema(n), steerProp(n)) {
                // Nothing to break here; present or absent may still matter (required elsewhere).
                if let v = filler(c.propertySchema(n), depth: depth + 1) { var o = base; o[n] = v; if offer(.object(o), &out, depth: depth) { return out } }
                continue
            }
            let options = values(c.propertySchema(n), steer: steerProp(n), depth: depth + 1)
            for v in options.breaking.prefix(3) + options.fitting.prefix(required.contains(n) ? 1 : 2) {
                var o = base
                o[n] = v
                for d in c.dependentRequired[n] ?? [] where o[d] == nil { o[d] = filler(c.propertySchema(d), depth: depth + 1) }
                if offer(.object(o), &out, depth: depth) { return out }
            }
        }
        if base.count < c.minProperties {
            var o = base
            for n in names.sorted() where o.count < c.minProperties && o[n] == nil { o[n] = filler(c.propertySchema(n), depth: depth + 1) }
            out.append(.object(o))
        }
        return out
    }
}

/// Strings that match a regular expression, for the common subset of
/// ECMA-262 (literals, escapes, classes, groups, alternation, quantifiers);
/// nothing for what it does not know. The caller checks each with the pattern.
enum RegexSample {
    static let maxLength = 512

    static func samples(_ source: String) -> [String] {
        var out: [String] = []
        for variant in 0..<3 {
            var p = Parser(chars: Array(source.unicodeScalars), variant: variant)
            if let s = p.alternation(), p.i == p.chars.count, !out.contains(s) { out.append(s) }
        }
        return out
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        let variant: Int
        var i = 0
        var depth = 0

        init(chars: [Unicode.Scalar], variant: Int) { self.chars = chars; self.variant = variant }

        var peek: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

        mutating func alternation() -> String? {
            var branches: [String] = []
            guard let first = sequence() else { return nil }
            branches.append(first)
            while peek == "|" {
                i += 1
                guard let b = sequence() else { return nil }
                branches.append(b)
            }
            return branches[min(variant, branches.count - 1)]
        }

        mutating func sequence() -> String? {
            var out = ""
            while let c = peek, c != "|", c != ")" {
                guard let atom = atom() else { return nil }
                guard let (lo, hi) = quantifier() else { return nil }
                let count = variant == 0 ? lo : min(max(lo, 1) + (variant == 2 ? 1 : 0), hi ?? Int.max)
                // Samples stay short (nested repetitions would multiply): the caller checks each anyway.
                let room = (RegexSample.maxLength - out.unicodeScalars.count) / max(1, atom.unicodeScalars.count)
                guard room >= 0 else { return nil }
                out += String(repeating: atom, count: min(count, 40, room))
            }
            return out
        }

        mutating func quantifier() -> (Int, Int?)? {
            var range: (Int, Int?) = (1, 1)
            switch peek {
            case "*": i += 1; range = (0, nil)
            case "+": i += 1; range = (1, nil)
            case "?": i += 1; range = (0, 1)
            case "{":
                var j = i + 1, text = ""
                while j < chars.count, chars[j] != "}" { text.unicodeScalars.append(chars[j]); j += 1 }
                guard j < chars.count else { return range }
                let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard let lo = Int(parts[0]) else { return range }
                i = j + 1
                range = parts.count == 1 ? (lo, lo) : (lo, parts[1].isEmpty ? nil : Int(parts[1]))
            default: return range
            }
            if peek == "?" { i += 1 }
            return range
        }

        mutating func atom() -> String? {
            guard let c = peek else { return nil }
            i += 1
            switch c {
            case "^", "$": return ""
            case ".": return "a"
            case "(":
                depth += 1
                defer { depth -= 1 }
                guard depth <= 32 else { return nil }
                if peek == "?" {
                    guard i + 1 < chars.count, chars[i + 1] == ":" else { return nil }
                    i += 2
                }
                guard let inner = alternation(), peek == ")" else { return nil }
                i += 1
                return inner
            case "[": return charClass()
            case "\\": return escape(inClass: false)
            case "*", "+", "?", "{", ")", "]", "}": return nil
            default: return String(c)
            }
        }

        mutating func escape(inClass: Bool) -> String? {
            guard let c = peek else { return nil }
            i += 1
            switch c {
            case "d": return "0"
            case "D": return "a"
            case "w": return "a"
            case "W": return "-"
            case "s": return " "
            case "S": return "a"
            case "b": return inClass ? "\u{8}" : ""
            case "B": return nil
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            default:
                if c.properties.isAlphabetic || ("0"..."9").contains(c) { return nil }
                return String(c)
            }
        }

        mutating func charClass() -> String? {
            var negated = false
            if peek == "^" { negated = true; i += 1 }
            var members: [String] = []
            var ranges: [(Unicode.Scalar, Unicode.Scalar)] = []
            var first = true
            while let c = peek, c != "]" || first {
                first = false
                i += 1
                var member: String
                if c == "\\" { guard let e = escape(inClass: true) else { return nil }; member = e } else { member = String(c) }
                if peek == "-", i + 1 < chars.count, chars[i + 1] != "]", member.unicodeScalars.count == 1 {
                    i += 1
                    guard let end = peek else { return nil }
                    i += 1
                    ranges.append((member.unicodeScalars.first!, end))
                    member = String(member.unicodeScalars.first!)
                }
                members.append(member)
            }
            guard peek == "]" else { return nil }
            i += 1
            if !negated { return members.isEmpty ? nil : members[min(variant, members.count - 1)] }
            for candidate in ["a", "z", "0", "_", "-", " ", "Q", "~"] {
                let s = candidate.unicodeScalars.first!
                if members.contains(candidate) || ranges.contains(where: { $0.0 <= s && s <= $0.1 }) { continue }
                return candidate
            }
            return nil
        }
    }
}
