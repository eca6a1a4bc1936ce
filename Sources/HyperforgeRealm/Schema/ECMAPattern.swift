/// A JSON Schema `pattern` (an ECMA-262 regular expression).
///
/// Matching time is bounded, whatever the pattern. Most patterns are
/// compiled to a program for a Pike VM (Thompson's construction, run over
/// Unicode scalars), which matches in time linear in the string's length:
/// `^(a+)+$` against "aaaa…b", which takes a backtracking engine (Swift's
/// Regex among them) exponential time, is one pass here. Patterns the Pike
/// VM cannot run (backreferences, lookaround, more than
/// `LinearRegex.maxInstructions` instructions once counted repetitions are
/// written out) run on `BacktrackingRegex`, which gives up after a budget of
/// steps: `PatternTooExpensive`, never a hang. Such a pattern that repeats a
/// group that itself repeats or alternates (exponential when backtracking)
/// is refused as a schema error when it is compiled.
///
/// Meanings are ECMA-262's with the `u` flag: matching is by Unicode scalar
/// (code point), `\d` and `\w` are ASCII, `\s` is ECMA's white space and line
/// terminators, `.` is anything but a line terminator, `^` and `$` are the
/// ends of the string, `\p{…}` is a General_Category or one of the binary
/// properties `UnicodeProperties` lists.
struct ECMAPattern: Sendable {
    let source: String
    private let linear: LinearRegex?
    private let backtracking: BacktrackingRegex?

    /// Why a pattern is not used.
    struct Refusal: Error { var reason: String }

    /// Steps one match on `BacktrackingRegex` may take when no budget is given.
    static let stepBudget = 1_000_000

    init(_ source: String) throws(Refusal) {
        self.source = source
        var parser = PatternParser(source)
        if let tree = try parser.parse(), let program = LinearRegex(tree) {
            linear = program
            backtracking = nil
            return
        }
        linear = nil
        if let why = PatternParser.backtrackingHazard(source) {
            throw Refusal(reason: "\"\(source)\" \(why): matching it can take exponential time; rewrite it without nested repetition")
        }
        guard let (tree, groups) = try PatternParser.parseWithCaptures(source) else {
            throw Refusal(reason: "\"\(source)\" is not a valid regular expression (ECMA-262 with the u flag)")
        }
        guard let program = BacktrackingRegex(tree, groups: groups) else {
            throw Refusal(reason: "\"\(source)\" is too large: more than \(BacktrackingRegex.maxInstructions) instructions once its counted repetitions are written out")
        }
        backtracking = program
    }

    /// Whether the pattern matches anywhere in `s` (patterns are not anchored).
    /// A pattern on the backtracking matcher takes steps from `budget`, and
    /// throws when it runs out before it has an answer.
    func matches(in s: String, budget: inout Int) throws(PatternTooExpensive) -> Bool {
        if let linear { return linear.search(s) }
        guard let backtracking else { return false }
        return try backtracking.search(s, budget: &budget, source: source)
    }

    /// `matches(in:budget:)` with a budget of `stepBudget`.
    func matches(in s: String) throws(PatternTooExpensive) -> Bool {
        var budget = ECMAPattern.stepBudget
        return try matches(in: s, budget: &budget)
    }

    /// Whether every string has a match: the program reaches its end without
    /// reading a character or passing an anchor (`a*`, `x?`, the empty pattern).
    var matchesEveryString: Bool { linear?.matchesEmptyUnconditionally ?? false }

    /// For a pattern that is `^` followed by literal characters and then
    /// anything: those characters (every match starts the string with them).
    var anchoredLiteralPrefix: String? { linear?.anchoredPrefix }

    /// For a pattern that is only literal characters, optionally after `^`:
    /// the characters, and whether it is anchored.
    var literalOnly: (anchored: Bool, text: String)? { linear?.literal }
}

/// A match on the backtracking matcher that ran out of steps: the pattern
/// (with a backreference or lookaround) is too expensive to evaluate on that string.
struct PatternTooExpensive: Error {
    var source: String
    var steps: Int
}

/// A set of Unicode scalars: sorted, disjoint ranges, with a bitmap for ASCII.
struct ScalarSet: Equatable, Sendable {
    var ranges: [ClosedRange<UInt32>]
    private var low: UInt64 = 0, high: UInt64 = 0

    init(_ ranges: [ClosedRange<UInt32>]) {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for r in sorted {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
        for r in merged where r.lowerBound < 128 {
            for x in r.lowerBound...min(r.upperBound, 127) {
                if x < 64 { low |= 1 << UInt64(x) } else { high |= 1 << UInt64(x - 64) }
            }
        }
    }

    static let maxScalar: UInt32 = 0x10FFFF

    var inverted: ScalarSet {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound &+ 1
        }
        if next <= ScalarSet.maxScalar && !(ranges.last.map { $0.upperBound >= ScalarSet.maxScalar } ?? false) { out.append(next...ScalarSet.maxScalar) }
        return ScalarSet(out)
    }

    func union(_ o: ScalarSet) -> ScalarSet { ScalarSet(ranges + o.ranges) }

    func contains(_ x: UInt32) -> Bool {
        if x < 64 { return low & (1 << UInt64(x)) != 0 }
        if x < 128 { return high & (1 << UInt64(x - 64)) != 0 }
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(x)
    }

    /// The one scalar in the set, if it has exactly one.
    var single: UInt32? { ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound ? ranges[0].lowerBound : nil }

    static func of(_ c: UInt32) -> ScalarSet { ScalarSet([c...c]) }
    static let digit = ScalarSet([0x30...0x39])
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// ECMA-262 WhiteSpace and LineTerminator.
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
                                  0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF])
    static let lineTerminators = ScalarSet([0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029])
    static let dot = lineTerminators.inverted
}

extension [ScalarSet] {
    /// The index of `set` in a program's sets, added when it is not there yet.
    mutating func interning(_ set: ScalarSet) -> Int {
        if let k = firstIndex(of: set) { return k }
        append(set)
        return count - 1
    }
}

/// A parsed pattern.
indirect enum PatternNode: Sendable {
    case set(ScalarSet)
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, min: Int, max: Int?)
    case start, end
    case boundary(Bool)
    /// Only in a tree for `BacktrackingRegex` (`PatternParser.parseWithCaptures`):
    /// capturing group n (from 1), a backreference to one, a lookahead or lookbehind.
    case group(Int, PatternNode)
    case backreference(Int)
    case look(PatternNode, ahead: Bool, negated: Bool)
}

/// ECMA-262 pattern syntax (with the `u` flag). By default, what `LinearRegex`
/// runs (groups do not capture), nil for anything else; with `captures`,
/// also capturing groups, backreferences and lookaround, for `BacktrackingRegex`.
struct PatternParser {
    let chars: [UInt32]
    var i = 0
    var depth = 0
    static let maxDepth = 200
    var captures = false
    var groupCount = 0
    var names: [String: Int] = [:]
    /// With `captures`: the group numbers of names referred to before their group opens.
    var knownNames: [String: Int] = [:]
    var highestReference = 0
    var unresolvedName = false

    /// The tree with capturing groups, backreferences and lookaround, and
    /// the number of groups; nil when `source` is not an ECMA-262 pattern.
    static func parseWithCaptures(_ source: String) throws(ECMAPattern.Refusal) -> (PatternNode, Int)? {
        var first = PatternParser(source)
        first.captures = true
        guard var tree = try first.parse() else { return nil }
        var final = first
        if first.unresolvedName {
            // `\k<name>` before its group: read again with every name known.
            var second = PatternParser(source)
            second.captures = true
            second.knownNames = first.names
            guard let again = try second.parse(), !second.unresolvedName else { return nil }
            tree = again
            final = second
        }
        guard final.highestReference <= final.groupCount else { return nil }
        return (tree, final.groupCount)
    }

    init(_ source: String) { chars = source.unicodeScalars.map(\.value) }

    var peek: UInt32? { i < chars.count ? chars[i] : nil }
    func peek(_ k: Int) -> UInt32? { i + k < chars.count ? chars[i + k] : nil }
    static func ch(_ s: Unicode.Scalar) -> UInt32 { s.value }

    mutating func parse() throws(ECMAPattern.Refusal) -> PatternNode? {
        guard let tree = try alternation(), i == chars.count else { return nil }
        return tree
    }

    mutating func alternation() throws(ECMAPattern.Refusal) -> PatternNode? {
        depth += 1
        defer { depth -= 1 }
        if depth > PatternParser.maxDepth { throw ECMAPattern.Refusal(reason: "nests groups more than \(PatternParser.maxDepth) deep") }
        var branches: [PatternNode] = []
        guard let first = try sequence() else { return nil }
        branches.append(first)
        while peek == PatternParser.ch("|") {
            i += 1
            guard let b = try sequence() else { return nil }
            branches.append(b)
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func sequence() throws(ECMAPattern.Refusal) -> PatternNode? {
        var items: [PatternNode] = []
        while let c = peek, c != PatternParser.ch("|"), c != PatternParser.ch(")") {
            guard let a = try atom() else { return nil }
            if let (lo, hi) = quantifier() {
                switch a { case .start, .end, .boundary, .look: return nil; default: break }
                if let hi, hi < lo { return nil }
                items.append(.repetition(a, min: lo, max: hi))
            } else if quantifierFollows {
                return nil
            } else if case .sequence(let inner) = a {
                items += inner // a group's items, as if written without it
            } else {
                items.append(a)
            }
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    var quantifierFollows: Bool {
        guard let c = peek else { return false }
        return c == PatternParser.ch("*") || c == PatternParser.ch("+") || c == PatternParser.ch("?") || c == PatternParser.ch("{")
    }

    mutating func number() -> Int? {
        var n = 0, any = false
        while let c = peek, c >= 0x30, c <= 0x39 {
            n = min(n * 10 + Int(c - 0x30), 1_000_000)
            any = true
            i += 1
        }
        return any ? n : nil
    }

    mutating func quantifier() -> (Int, Int?)? {
        guard let c = peek else { return nil }
        var range: (Int, Int?)
        switch c {
        case PatternParser.ch("*"): i += 1; range = (0, nil)
        case PatternParser.ch("+"): i += 1; range = (1, nil)
        case PatternParser.ch("?"): i += 1; range = (0, 1)
        case PatternParser.ch("{"):
            let save = i
            i += 1
            guard let lo = number() else { i = save; return nil }
            if peek == PatternParser.ch("}") { i += 1; range = (lo, lo) }
            else if peek == PatternParser.ch(","), peek(1) == PatternParser.ch("}") { i += 2; range = (lo, nil) }
            else if peek == PatternParser.ch(",") {
                i += 1
                guard let hi = number(), peek == PatternParser.ch("}") else { i = save; return nil }
                i += 1
                range = (lo, hi)
            } else { i = save; return nil }
        default: return nil
        }
        if peek == PatternParser.ch("?") { i += 1 } // lazy: the same strings match
        return range
    }

    mutating func atom() throws(ECMAPattern.Refusal) -> PatternNode? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case PatternParser.ch("^"): return .start
        case PatternParser.ch("$"): return .end
        case PatternParser.ch("."): return .set(.dot)
        case PatternParser.ch("("):
            var capturing = true
            var look: (ahead: Bool, negated: Bool)?
            if peek == PatternParser.ch("?") {
                capturing = false
                if peek(1) == PatternParser.ch(":") { i += 2 }
                else if peek(1) == PatternParser.ch("="), captures { look = (true, false); i += 2 }
                else if peek(1) == PatternParser.ch("!"), captures { look = (true, true); i += 2 }
                else if peek(1) == PatternParser.ch("<"), peek(2) == PatternParser.ch("="), captures { look = (false, false); i += 3 }
                else if peek(1) == PatternParser.ch("<"), peek(2) == PatternParser.ch("!"), captures { look = (false, true); i += 3 }
                else if peek(1) == PatternParser.ch("<"), let n = peek(2), n != PatternParser.ch("="), n != PatternParser.ch("!") {
                    i += 2
                    guard let name = groupName() else { return nil }
                    capturing = true
                    guard names[name] == nil else { return nil } // a name used twice
                    names[name] = groupCount + 1
                } else { return nil } // lookaround without `captures`
            }
            var number: Int?
            if capturing && captures { groupCount += 1; number = groupCount }
            guard let inner = try alternation(), peek == PatternParser.ch(")") else { return nil }
            i += 1
            if let look { return .look(inner, ahead: look.ahead, negated: look.negated) }
            if let number { return .group(number, inner) }
            return inner
        case PatternParser.ch("["): return charClass().map(PatternNode.set)
        case PatternParser.ch("\\"):
            guard let e = peek else { return nil }
            if e == PatternParser.ch("b") { i += 1; return .boundary(true) }
            if e == PatternParser.ch("B") { i += 1; return .boundary(false) }
            if captures, e >= 0x31, e <= 0x39, let n = number() {
                highestReference = max(highestReference, n)
                return .backreference(n)
            }
            if captures, e == PatternParser.ch("k"), peek(1) == PatternParser.ch("<") {
                i += 2
                guard let name = groupName() else { return nil }
                if let n = names[name] ?? knownNames[name] { return .backreference(n) }
                unresolvedName = true
                return .backreference(0)
            }
            return escape(inClass: false).map(PatternNode.set)
        case PatternParser.ch("*"), PatternParser.ch("+"), PatternParser.ch("?"), PatternParser.ch("{"), PatternParser.ch("}"),
             PatternParser.ch(")"), PatternParser.ch("]"):
            return nil
        default:
            return .set(.of(c))
        }
    }

    mutating func hex(_ count: Int) -> UInt32? {
        var v: UInt32 = 0
        for _ in 0..<count {
            guard let c = peek, let d = PatternParser.hexDigit(c) else { return nil }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    /// A group's name up to and including its `>`.
    mutating func groupName() -> String? {
        var name = String.UnicodeScalarView()
        while let x = peek, x != PatternParser.ch(">") {
            guard let u = Unicode.Scalar(x), u == "$" || u == "_" || u.properties.isAlphabetic || (!name.isEmpty && u.properties.numericType != nil) else { return nil }
            name.append(u)
            i += 1
        }
        guard peek == PatternParser.ch(">"), !name.isEmpty else { return nil }
        i += 1
        return String(name)
    }

    /// An ASCII hexadecimal digit's value.
    static func hexDigit(_ c: UInt32) -> UInt32? {
        guard c < 0x80, let s = Unicode.Scalar(c) else { return nil }
        return Character(s).hexDigitValue.map(UInt32.init)
    }

    /// After a backslash.
    mutating func escape(inClass: Bool) -> ScalarSet? {
        guard let c = peek, let scalar = Unicode.Scalar(c) else { return nil }
        i += 1
        switch Character(scalar) {
        case "d": return .digit
        case "D": return ScalarSet.digit.inverted
        case "w": return .word
        case "W": return ScalarSet.word.inverted
        case "s": return .space
        case "S": return ScalarSet.space.inverted
        case "f": return .of(0x0C)
        case "n": return .of(0x0A)
        case "r": return .of(0x0D)
        case "t": return .of(0x09)
        case "v": return .of(0x0B)
        case "b" where inClass: return .of(0x08)
        case "0":
            if let n = peek, n >= 0x30, n <= 0x39 { return nil }
            return .of(0)
        case "c":
            guard let l = peek, (0x41...0x5A).contains(l) || (0x61...0x7A).contains(l) else { return nil }
            i += 1
            return .of(l % 32)
        case "x":
            return hex(2).map(ScalarSet.of)
        case "u":
            if peek == PatternParser.ch("{") {
                i += 1
                var v: UInt32 = 0, n = 0
                while let x = peek, let d = PatternParser.hexDigit(x) { v = v &* 16 &+ d; n += 1; i += 1; if n > 6 { return nil } }
                guard n > 0, peek == PatternParser.ch("}"), v <= ScalarSet.maxScalar else { return nil }
                i += 1
                return .of(v)
            }
            guard let v = hex(4) else { return nil }
            // A surrogate pair written as two escapes is one scalar.
            if (0xD800...0xDBFF).contains(v), peek == PatternParser.ch("\\"), peek(1) == PatternParser.ch("u") {
                let save = i
                i += 2
                if let w = hex(4), (0xDC00...0xDFFF).contains(w) { return .of(0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00)) }
                i = save
            }
            return (0xD800...0xDFFF).contains(v) ? nil : .of(v)
        case "p", "P":
            guard peek == PatternParser.ch("{") else { return nil }
            i += 1
            var name = String.UnicodeScalarView()
            while let x = peek, x != PatternParser.ch("}"), let u = Unicode.Scalar(x), name.count < 64 { name.append(u); i += 1 }
            guard peek == PatternParser.ch("}"), let set = UnicodeProperties.set(String(name)) else { return nil }
            i += 1
            return scalar == "P" ? set.inverted : set
        default:
            // Syntax characters (and / and -) stand for themselves; anything
            // else (backreferences, \k) is not a set.
            if "^$\\.*+?()[]{}|/-".unicodeScalars.contains(where: { $0.value == c }) { return .of(c) }
            return nil
        }
    }

    mutating func charClass() -> ScalarSet? {
        var negated = false
        if peek == PatternParser.ch("^") { negated = true; i += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        while peek.map({ $0 != PatternParser.ch("]") }) ?? false {
            guard let first = classAtom() else { return nil }
            if peek == PatternParser.ch("-"), let n = peek(1), n != PatternParser.ch("]") {
                i += 1
                guard let last = classAtom(), let a = first.single, let b = last.single, a <= b else { return nil }
                ranges.append(a...b)
            } else {
                ranges += first.ranges
            }
        }
        guard peek == PatternParser.ch("]") else { return nil }
        i += 1
        let set = ScalarSet(ranges)
        return negated ? set.inverted : set
    }

    mutating func classAtom() -> ScalarSet? {
        guard let c = peek else { return nil }
        i += 1
        if c == PatternParser.ch("\\") { return escape(inClass: true) }
        return .of(c)
    }

    /// For a pattern `BacktrackingRegex` would run: a group that repeats and holds a
    /// repetition or an alternation, repeated itself (`(a+)+`, `(a|aa)*`,
    /// `(.*){1,40}`), where backtracking can take exponential time.
    static func backtrackingHazard(_ source: String) -> String? {
        let s = Array(source.unicodeScalars)
        var stack: [Bool] = [] // per open group: holds a repetition or alternation
        var i = 0, inClass = false
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                // \p{…}, \P{…} and \u{…} hold braces that are no repetition.
                if i + 2 < s.count, "pPu".unicodeScalars.contains(s[i + 1]), s[i + 2] == "{" {
                    i += 3
                    while i < s.count, s[i] != "}" { i += 1 }
                    i += 1
                } else {
                    i += 2
                }
                continue
            }
            if inClass { if c == "]" { inClass = false }; i += 1; continue }
            var repeats = false
            switch c {
            case "[": inClass = true
            case "(": stack.append(false)
            case ")":
                let inner = stack.popLast() ?? false
                i += 1
                if i < s.count, "*+?{".unicodeScalars.contains(s[i]), inner && !(s[i] == "?") {
                    return "repeats a group that repeats or alternates (at offset \(i))"
                }
                if inner, !stack.isEmpty { stack[stack.count - 1] = true }
                continue
            case "|": if !stack.isEmpty { stack[stack.count - 1] = true }
            case "*", "+", "{": repeats = true
            default: break
            }
            if repeats, !stack.isEmpty { stack[stack.count - 1] = true }
            i += 1
        }
        return nil
    }
}

/// A pattern as a program for a Pike VM: every thread advances one scalar
/// at a time, at most one thread per instruction, so a search costs at most
/// (string length + 1) × (program length) steps.
struct LinearRegex: Sendable {
    enum Instruction: Sendable {
        case set(Int), split(Int, Int), jump(Int), start, end, boundary(Bool), match
    }

    let code: [Instruction]
    let sets: [ScalarSet]
    let tree: PatternNode
    /// Beyond this, counted repetitions make the program too large (`BacktrackingRegex` runs the pattern then).
    static let maxInstructions = 20_000

    init?(_ tree: PatternNode) {
        var b = Builder()
        guard b.emit(tree) else { return nil }
        b.code.append(.match)
        guard b.code.count <= LinearRegex.maxInstructions else { return nil }
        code = b.code
        sets = b.sets
        self.tree = tree
    }

    struct Builder {
        var code: [Instruction] = []
        var sets: [ScalarSet] = []

        mutating func emit(_ n: PatternNode) -> Bool {
            guard code.count <= LinearRegex.maxInstructions else { return false }
            switch n {
            case .set(let s): code.append(.set(sets.interning(s)))
            case .start: code.append(.start)
            case .end: code.append(.end)
            case .boundary(let b): code.append(.boundary(b))
            case .group, .backreference, .look: return false
            case .sequence(let items):
                for x in items { guard emit(x) else { return false } }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (k, x) in branches.enumerated() {
                    if k == branches.count - 1 { guard emit(x) else { return false }; break }
                    let split = code.count
                    code.append(.split(split + 1, 0))
                    guard emit(x) else { return false }
                    jumps.append(code.count)
                    code.append(.jump(0))
                    code[split] = .split(split + 1, code.count)
                }
                for j in jumps { code[j] = .jump(code.count) }
            case .repetition(let x, let lo, let hi):
                for _ in 0..<lo { guard emit(x) else { return false } }
                if let hi {
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(code.count)
                        code.append(.split(code.count + 1, 0))
                        guard emit(x) else { return false }
                    }
                    for s in splits { code[s] = .split(s + 1, code.count) }
                } else {
                    let loop = code.count
                    code.append(.split(loop + 1, 0))
                    guard emit(x) else { return false }
                    code.append(.jump(loop))
                    code[loop] = .split(loop + 1, code.count)
                }
            }
            return true
        }
    }

    static func isWord(_ c: UInt32?) -> Bool { c.map { ScalarSet.word.contains($0) } ?? false }

    /// Whether the pattern matches anywhere in `s`.
    func search(_ s: String) -> Bool {
        var mark = [Int](repeating: -1, count: code.count)
        var current: [Int] = [], next: [Int] = [], stack: [Int] = []
        current.reserveCapacity(16); next.reserveCapacity(16); stack.reserveCapacity(16)
        var scalars = s.unicodeScalars.makeIterator()
        var previous: UInt32?
        var here = scalars.next()?.value
        var position = 0
        // Adds the thread at `pc` and everything it reaches without reading; true at a match.
        func add(_ pc: Int, into list: inout [Int], generation: Int, before: UInt32?, after: UInt32?) -> Bool {
            stack.append(pc)
            while let p = stack.popLast() {
                if mark[p] == generation { continue }
                mark[p] = generation
                switch code[p] {
                case .match: stack.removeAll(keepingCapacity: true); return true
                case .jump(let t): stack.append(t)
                case .split(let a, let b): stack.append(b); stack.append(a)
                case .start: if before == nil { stack.append(p + 1) }
                case .end: if after == nil { stack.append(p + 1) }
                case .boundary(let want): if (LinearRegex.isWord(before) != LinearRegex.isWord(after)) == want { stack.append(p + 1) }
                case .set: list.append(p)
                }
            }
            return false
        }
        while true {
            // A match may start at every position (patterns are not anchored).
            if add(0, into: &current, generation: position, before: previous, after: here) { return true }
            guard let c = here else { return false }
            let following = scalars.next()?.value
            next.removeAll(keepingCapacity: true)
            for pc in current {
                if case .set(let k) = code[pc], sets[k].contains(c),
                   add(pc + 1, into: &next, generation: position + 1, before: c, after: following) { return true }
            }
            swap(&current, &next)
            previous = c
            here = following
            position += 1
        }
    }

    /// Reaches `.match` from the start through splits and jumps only.
    var matchesEmptyUnconditionally: Bool {
        var seen = Set<Int>(), stack = [0]
        while let p = stack.popLast() {
            guard seen.insert(p).inserted else { continue }
            switch code[p] {
            case .match: return true
            case .jump(let t): stack.append(t)
            case .split(let a, let b): stack.append(a); stack.append(b)
            default: break
            }
        }
        return false
    }

    private var items: [PatternNode] {
        if case .sequence(let items) = tree { return items }
        return [tree]
    }

    var anchoredPrefix: String? {
        let items = self.items
        guard case .start? = items.first else { return nil }
        var out = String.UnicodeScalarView()
        for x in items.dropFirst() {
            guard case .set(let s) = x, let c = s.single, let u = Unicode.Scalar(c) else { break }
            out.append(u)
        }
        return String(out)
    }

    var literal: (anchored: Bool, text: String)? {
        var items = self.items
        var anchored = false
        if case .start? = items.first { anchored = true; items.removeFirst() }
        var out = String.UnicodeScalarView()
        for x in items {
            guard case .set(let s) = x, let c = s.single, let u = Unicode.Scalar(c) else { return nil }
            out.append(u)
        }
        return (anchored, String(out))
    }
}
