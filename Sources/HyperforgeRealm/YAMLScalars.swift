/// What a scalar of a realm file means, by YAML 1.2's core schema (the
/// JSON-compatible one): `null`/`~`/empty, `true`/`false` (also `True`,
/// `TRUE`, ...), integers (decimal, `0o` octal, `0x` hexadecimal), floats
/// (`1.5`, `1.0e+3`, `.inf`, `.nan`); anything else, and every quoted or
/// block scalar, is text.
///
/// A plain scalar that a YAML 1.1 reader (PyYAML's resolver, which Yams and
/// most 1.1 tools follow, plus the 1.1 spec's `y`/`n`) would read as
/// something else is refused instead (`yes`, `on`, `1:30`, `017`, `0b1010`,
/// `1_000`, `1e3`, `<<`), so no realm file means one thing here and another
/// to a different tool of the RFC. Dates and times (YAML 1.1 timestamps)
/// read as text in both and are not refused.
enum YAMLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Also integers beyond 64 bits (as the closest double).
    case float(Double)
    case string
}

enum YAMLScalars {
    /// Why a plain scalar is refused, and what to write instead.
    struct Ambiguity: Sendable, Equatable {
        var message: String
        var hint: String
    }

    // MARK: YAML 1.2 core schema

    static func core(_ text: String) -> YAMLValue {
        // Most text starts with a letter no null, boolean or number starts with.
        if let first = text.utf8.first, !mayBeTyped(first) { return .string }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let b = Array(text.utf8)
        if b.count > 2 && b[0] == 0x30 && b[1] == UInt8(ascii: "o") && b.dropFirst(2).allSatisfy(isOctal) {
            return integer(b.dropFirst(2), radix: 8, negative: false)
        }
        if b.count > 2 && b[0] == 0x30 && b[1] == UInt8(ascii: "x") && b.dropFirst(2).allSatisfy(isHex) {
            return integer(b.dropFirst(2), radix: 16, negative: false)
        }
        var i = 0
        let negative = b.first == UInt8(ascii: "-")
        if b.first == UInt8(ascii: "-") || b.first == UInt8(ascii: "+") { i = 1 }
        if i < b.count && b[i...].allSatisfy(isDigit) { return integer(b[i...], radix: 10, negative: negative) }
        if isCoreFloat(b), let d = Double(text) { return .float(d) }
        return .string
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    static func isCoreFloat(_ b: [UInt8]) -> Bool {
        var c = Cursor(b)
        c.sign()
        if c.take(".") {
            guard c.digits() > 0 else { return false }
        } else {
            guard c.digits() > 0 else { return false }
            if c.take(".") { _ = c.digits() }
        }
        if c.take("e") || c.take("E") {
            c.sign()
            guard c.digits() > 0 else { return false }
        }
        return c.atEnd
    }

    // MARK: YAML 1.1

    /// What a YAML 1.1 reader makes of a plain scalar: PyYAML's implicit
    /// resolvers, plus the spec's `y`/`n`, with every boolean word in any case.
    enum YAML11: Equatable {
        case null, bool(Bool), merge, value, string
        case number(Number, form: String)
    }

    static func yaml11(_ text: String) -> YAML11 {
        switch text.utf8.count <= 3 ? text.lowercased() : "" {
        case "yes", "on", "y": return .bool(true)
        case "no", "off", "n": return .bool(false)
        default: break
        }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "", "~", "null", "Null", "NULL": return .null
        case "<<": return .merge
        case "=": return .value
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.approximate(.infinity), form: "")
        case "-.inf", "-.Inf", "-.INF": return .number(.approximate(-.infinity), form: "")
        case ".nan", ".NaN", ".NAN": return .number(.approximate(.nan), form: "")
        default: break
        }
        let b = Array(text.utf8)
        var c = Cursor(b)
        let negative = c.peek == UInt8(ascii: "-")
        c.sign()
        let body = Array(b[c.index...])
        guard let first = body.first else { return .string }
        let digitsOnly = body.filter { $0 != UInt8(ascii: "_") }
        // [-+]?0b[0-1_]+
        if body.count > 2 && body[0] == 0x30 && body[1] == UInt8(ascii: "b") && body.dropFirst(2).allSatisfy({ $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }) {
            return .number(integer(digitsOnly.dropFirst(2), radix: 2, negative: negative).number, form: "binary ")
        }
        // [-+]?0x[0-9a-fA-F_]+
        if body.count > 2 && body[0] == 0x30 && body[1] == UInt8(ascii: "x") && body.dropFirst(2).allSatisfy({ isHex($0) || $0 == 0x5F }) {
            return .number(integer(digitsOnly.dropFirst(2), radix: 16, negative: negative).number, form: "hexadecimal ")
        }
        // [-+]?0[0-7_]+
        if body.count > 1 && first == 0x30 && body.dropFirst().allSatisfy({ isOctal($0) || $0 == 0x5F }) {
            return .number(integer(digitsOnly.dropFirst(), radix: 8, negative: negative).number, form: "octal ")
        }
        // [-+]?(0|[1-9][0-9_]*)
        if body == [0x30] || (first != 0x30 && isDigit(first) && body.allSatisfy({ isDigit($0) || $0 == 0x5F })) {
            return .number(integer(digitsOnly[...], radix: 10, negative: negative).number, form: "")
        }
        // [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+ and [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
        if let n = sexagesimal(body) {
            switch n {
            case .exact(let i): return .number(.exact(negative ? -i : i), form: "base-60 ")
            case .approximate(let d): return .number(.approximate(negative ? -d : d), form: "base-60 ")
            }
        }
        // [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  and  \.[0-9][0-9_]*([eE][-+][0-9]+)? (no sign)
        var f = Cursor(body)
        var isFloat = false
        if let d = f.peek, isDigit(d) {
            while let d = f.peek, isDigit(d) || d == 0x5F { f.index += 1 }
            if f.take(".") {
                while let d = f.peek, isDigit(d) || d == 0x5F { f.index += 1 }
                isFloat = true
            }
        } else if c.index == 0, f.take("."), let d = f.peek, isDigit(d) {
            while let d = f.peek, isDigit(d) || d == 0x5F { f.index += 1 }
            isFloat = true
        }
        if isFloat {
            if f.take("e") || f.take("E") {
                guard f.take("-") || f.take("+"), f.digits() > 0 else { return .string }
            }
            if f.atEnd, let d = Double(String(decoding: digitsOnly, as: UTF8.self)) {
                return .number(.approximate(negative ? -d : d), form: "")
            }
        }
        return .string
    }

    /// `[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`, whose integer form needs a
    /// leading `[1-9]`: its value (exact for the integer form, when it fits).
    static func sexagesimal(_ body: [UInt8]) -> Number? {
        var c = Cursor(body)
        guard let first = c.peek, isDigit(first) else { return nil }
        var head: [UInt8] = []
        while let d = c.peek, isDigit(d) || d == 0x5F { if d != 0x5F { head.append(d) }; c.index += 1 }
        var parts: [Int64] = []
        while c.take(":") {
            let start = c.index
            let n = c.digits()
            guard n == 1 || (n == 2 && body[start] <= UInt8(ascii: "5")) else { return nil }
            parts.append(Int64(String(decoding: body[start..<c.index], as: UTF8.self)) ?? 0)
        }
        guard !parts.isEmpty else { return nil }
        var fraction: Double?
        if c.take(".") {
            var digits: [UInt8] = [0x30, UInt8(ascii: ".")]
            while let d = c.peek, isDigit(d) || d == 0x5F { if d != 0x5F { digits.append(d) }; c.index += 1 }
            fraction = Double(String(decoding: digits, as: UTF8.self)) ?? 0
        } else if first == 0x30 {
            return nil
        }
        guard c.atEnd else { return nil }
        if fraction == nil, case .int(let h) = integer(head[...], radix: 10, negative: false) {
            var value: Int64? = h
            for p in parts {
                guard let v = value else { break }
                let (m, o1) = v.multipliedReportingOverflow(by: 60)
                let (sum, o2) = m.addingReportingOverflow(p)
                value = o1 || o2 ? nil : sum
            }
            if let value { return .exact(value) }
        }
        let base = Double(String(decoding: head, as: UTF8.self)) ?? 0
        return .approximate(parts.reduce(base) { $0 * 60 + Double($1) } + (fraction ?? 0))
    }

    // MARK: Refusal

    /// Why the plain scalar `text`, which YAML 1.2 reads as `core`, is refused
    /// in a realm file; nil when YAML 1.1 and 1.2 agree on it.
    static func ambiguity(_ text: String, core: YAMLValue) -> Ambiguity? {
        if core == .string, let first = text.utf8.first, !mayBeTyped(first) { return nil }
        let shown = "'" + text + "'"
        let quoted = "\"" + text + "\""
        let y11 = yaml11(text)
        switch y11 {
        case .bool(let b) where core != .bool(b):
            return Ambiguity(message: "plain \(shown) is a YAML 1.1 boolean (yes, no, on, off, y, n in any case) but text in YAML 1.2; realm files are read as YAML 1.2",
                             hint: "write true or false, or quote it (\(quoted)) if it is text")
        case .merge, .value:
            return Ambiguity(message: "plain \(shown) is a YAML 1.1 \(y11 == .merge ? "merge key" : "value key") but text in YAML 1.2; realm files are read as YAML 1.2",
                             hint: "quote it (\(quoted))")
        default: break
        }
        let coreNumber: Number? = switch core {
        case .int(let i): .exact(i)
        case .float(let d): .approximate(d)
        default: nil
        }
        var leadingZero = false
        if case .int = core {
            let digits = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
            leadingZero = digits.count > 1 && digits.first == 0x30 && digits.allSatisfy(isDigit)
        }
        switch (y11, coreNumber) {
        case (.number(let a, _), let b?) where a == b && !leadingZero: return nil
        case (.string, nil), (.null, nil), (.bool, nil): return nil
        default: break
        }
        if leadingZero, case .number(let a, _) = y11, let b = coreNumber, a == b {
            return Ambiguity(message: "plain \(shown) has a leading zero, which makes a number octal in YAML 1.1 and decimal in YAML 1.2; realm files are read as YAML 1.2",
                             hint: "quote it (\(quoted)) if it is text, or write the number as \(b)")
        }
        let old: String
        switch y11 {
        case .number(let n, let form): old = "the \(form)number \(n)"
        case .null: old = "null"
        case .bool(let b): old = "the boolean \(b)"
        default: old = "text"
        }
        let new: String
        switch core {
        case .null: new = "null"
        case .bool(let b): new = "the boolean \(b)"
        case .string: new = "text"
        default: new = coreNumber.map { "the number \($0)" } ?? "text"
        }
        var hint = "quote it (\(quoted)) if it is text"
        var number = coreNumber
        if number == nil, case .number(let n, _) = y11 { number = n }
        if let number { hint += ", or write the number as \(number)" }
        return Ambiguity(message: "plain \(shown) is \(old) in YAML 1.1 but \(new) in YAML 1.2; realm files are read as YAML 1.2",
                         hint: hint)
    }

    /// Whether `text` written plain reads back as the same text, here and in
    /// YAML 1.1 readers.
    static func plainIsText(_ text: String) -> Bool {
        core(text) == .string && ambiguity(text, core: .string) == nil
    }

    // MARK: Numbers

    /// A number as a reader holds it: exact when it fits 64 bits.
    enum Number: Equatable, CustomStringConvertible {
        case exact(Int64)
        case approximate(Double)

        static func == (a: Number, b: Number) -> Bool {
            switch (a, b) {
            case (.exact(let x), .exact(let y)): return x == y
            default: return (a.double.isNaN && b.double.isNaN) || a.double == b.double
            }
        }

        var double: Double {
            switch self {
            case .exact(let i): return Double(i)
            case .approximate(let d): return d
            }
        }

        /// How both YAML 1.1 and 1.2 read it back as this number.
        var description: String {
            switch self {
            case .exact(let i): return String(i)
            case .approximate(let d): return YAMLScalars.float(d)
            }
        }
    }

    /// `d` as a plain scalar that YAML 1.1 and 1.2 both read as this float:
    /// a `.` in the mantissa and a signed exponent (`1.0e+16`, not `1e+16`).
    static func float(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d > 0 ? ".inf" : "-.inf" }
        let s = String(d)
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s.contains(".") ? s : s + ".0" }
        var mantissa = String(s[..<e])
        var exponent = String(s[s.index(after: e)...])
        if !mantissa.contains(".") { mantissa += ".0" }
        if !exponent.hasPrefix("-") && !exponent.hasPrefix("+") { exponent = "+" + exponent }
        return mantissa + "e" + exponent
    }

    static func integer(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool) -> YAMLValue {
        var value: Int64 = 0
        var overflow = false
        for d in digits {
            let v = Int64(hexValue(d))
            let (m, o1) = value.multipliedReportingOverflow(by: Int64(radix))
            let (s, o2) = negative ? m.subtractingReportingOverflow(v) : m.addingReportingOverflow(v)
            if o1 || o2 { overflow = true; break }
            value = s
        }
        guard overflow else { return .int(value) }
        if radix == 10, let d = Double(String(decoding: digits, as: UTF8.self)) { return .float(negative ? -d : d) }
        var approximate = 0.0
        for d in digits { approximate = approximate * Double(radix) + Double(hexValue(d)) }
        return .float(negative ? -approximate : approximate)
    }

    /// Whether a plain scalar starting with `c` may be anything but text to
    /// YAML 1.1 or 1.2: digits, signs and `.` (numbers), `~`, `n`/`N` (null, no),
    /// `t`/`T`/`f`/`F` (booleans), `y`/`Y`/`o`/`O` (yes, on, off), `<`, `=`.
    static func mayBeTyped(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "~"),
             UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
             UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "<"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isOctal(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x37 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }
    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return Int(c - 0x41 + 10)
        }
    }

    struct Cursor {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: c) else { return false }
            index += 1
            return true
        }
        mutating func sign() { if !take("-") { _ = take("+") } }
        /// Skips `[0-9]*`; how many.
        mutating func digits() -> Int {
            let start = index
            while let c = peek, YAMLScalars.isDigit(c) { index += 1 }
            return index - start
        }
    }
}

extension YAMLScalars.Number {
    fileprivate init(_ value: YAMLValue) {
        switch value {
        case .int(let i): self = .exact(i)
        case .float(let d): self = .approximate(d)
        default: self = .approximate(0)
        }
    }
}

extension YAMLValue {
    fileprivate var number: YAMLScalars.Number { YAMLScalars.Number(self) }
}
