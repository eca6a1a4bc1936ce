import HyperforgeCore

/// Semantic versions (semver.org 2.0.0) and version requirements in Cargo's
/// syntax, which the realm RFC uses for imports (`">=1.0.0, <2.0.0"`).
///
/// Written here rather than taken from a package because contracts need
/// strict parsing with errors that quote the offending text, and Cargo's
/// requirement semantics (caret by default, `~`, wildcards, partial versions,
/// the pre-release rule), which no available Swift package implements.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: Prerelease
    /// Build metadata: kept for display, ignored for precedence and equality.
    public var build: [String]

    public init(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, prerelease: Prerelease = .none, build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, strictly: no leading
    /// zeros in numbers, no empty identifiers, no characters outside
    /// `[0-9A-Za-z-]` in identifiers, no surrounding `v` or spaces.
    public init(parsing text: String) throws(SemverError) {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = try SemanticVersion.identifiers(rest[rest.index(after: plus)...], in: text, what: "build metadata", numericRules: false)
            rest = rest[..<plus]
        }
        var pre = Prerelease.none
        if let dash = rest.firstIndex(of: "-") {
            pre = try Prerelease(parsing: rest[rest.index(after: dash)...], in: text)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .invalid(text: text, reason: "a version is MAJOR.MINOR.PATCH, e.g. 1.4.0")
        }
        let numbers = try parts.map { (p: Substring) throws(SemverError) -> UInt64 in try SemanticVersion.number(p, in: text) }
        self.init(numbers[0], numbers[1], numbers[2], prerelease: pre, build: build)
    }

    static func number(_ s: Substring, in text: String) throws(SemverError) -> UInt64 {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(text: text, reason: "'\(s)' is not a number")
        }
        guard s == "0" || s.first != "0" else { throw .invalid(text: text, reason: "'\(s)' has a leading zero") }
        guard let n = UInt64(s) else { throw .invalid(text: text, reason: "'\(s)' is too large") }
        return n
    }

    static func identifiers(_ s: Substring, in text: String, what: String, numericRules: Bool) throws(SemverError) -> [String] {
        let ids = s.split(separator: ".", omittingEmptySubsequences: false)
        for id in ids {
            guard !id.isEmpty else { throw .invalid(text: text, reason: "\(what) has an empty identifier") }
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw .invalid(text: text, reason: "\(what) '\(id)' may hold only ASCII letters, digits and '-'")
            }
            if numericRules && id.allSatisfy({ $0.isNumber }) && id.count > 1 && id.first == "0" {
                throw .invalid(text: text, reason: "\(what) '\(id)' has a leading zero")
            }
        }
        return ids.map(String.init)
    }

    public var description: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { s += "-\(prerelease)" }
        if !build.isEmpty { s += "+" + build.joined(separator: ".") }
        return s
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.prerelease == b.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major); hasher.combine(minor); hasher.combine(patch); hasher.combine(prerelease)
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        return a.prerelease < b.prerelease
    }

    /// The pre-release part. Empty sorts after every pre-release (1.0.0-rc.1 < 1.0.0).
    public struct Prerelease: Sendable, Hashable, Comparable, CustomStringConvertible {
        public enum Identifier: Sendable, Hashable {
            case numeric(UInt64)
            case alphanumeric(String)
        }
        public var identifiers: [Identifier]

        public static let none = Prerelease(identifiers: [])
        public var isEmpty: Bool { identifiers.isEmpty }

        public init(identifiers: [Identifier]) { self.identifiers = identifiers }

        init(parsing s: Substring, in text: String) throws(SemverError) {
            let ids = try SemanticVersion.identifiers(s, in: text, what: "pre-release", numericRules: true)
            identifiers = ids.map { id in
                if id.allSatisfy({ $0.isNumber }), let n = UInt64(id) { return .numeric(n) }
                return .alphanumeric(id)
            }
        }

        public var description: String {
            identifiers.map { id -> String in
                switch id { case .numeric(let n): return "\(n)"; case .alphanumeric(let s): return s }
            }.joined(separator: ".")
        }

        public static func < (a: Self, b: Self) -> Bool {
            if a.isEmpty || b.isEmpty { return !a.isEmpty && b.isEmpty }
            for (x, y) in zip(a.identifiers, b.identifiers) where x != y {
                switch (x, y) {
                case (.numeric(let m), .numeric(let n)): return m < n
                case (.numeric, .alphanumeric): return true
                case (.alphanumeric, .numeric): return false
                case (.alphanumeric(let s), .alphanumeric(let t)): return Array(s.utf8).lexicographicallyPrecedes(Array(t.utf8))
                }
            }
            return a.identifiers.count < b.identifiers.count
        }
    }
}

public enum SemverError: HyperforgeError, Equatable {
    case invalid(text: String, reason: String)

    public var exitStatus: ExitStatus { .configuration }
    public var description: String {
        switch self { case .invalid(let text, let reason): return "invalid version \"\(text)\": \(reason)" }
    }
}

/// A version requirement in Cargo's syntax: comparators separated by commas,
/// all of which must match. Each is an operator (`^` by default, `~`, `=`,
/// `>`, `>=`, `<`, `<=`) and a possibly partial version (`1`, `1.2`,
/// `1.2.3-rc.1`), or a wildcard (`*`, `1.*`, `1.2.*`). A pre-release version
/// matches only when a comparator names the same MAJOR.MINOR.PATCH with a
/// pre-release (Cargo's rule), so `>=1.0.0` never selects `2.0.0-beta`.
public struct VersionRequirement: Sendable, Hashable, CustomStringConvertible {
    public enum Operation: String, Sendable, Hashable {
        case exact = "=", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
        case tilde = "~", caret = "^", wildcard = "*"
    }

    public struct Comparator: Sendable, Hashable, CustomStringConvertible {
        public var operation: Operation
        public var major: UInt64
        public var minor: UInt64?
        public var patch: UInt64?
        public var prerelease: SemanticVersion.Prerelease

        public var description: String {
            var v = "\(major)"
            if let minor { v += ".\(minor)" } else if operation == .wildcard { v += ".*" }
            if let patch { v += ".\(patch)" } else if operation == .wildcard && minor != nil { v += ".*" }
            if !prerelease.isEmpty { v += "-\(prerelease)" }
            return operation == .wildcard ? v : operation.rawValue + v
        }
    }

    /// Empty: `*`, any version without a pre-release.
    public var comparators: [Comparator]
    public let text: String

    public var description: String { comparators.isEmpty ? "*" : comparators.map(\.description).joined(separator: ", ") }

    public init(parsing text: String) throws(SemverError) {
        self.text = text
        let trimmed = text.trimmed()
        guard !trimmed.isEmpty else { throw .invalid(text: text, reason: "the requirement is empty") }
        if trimmed == "*" || trimmed == "x" || trimmed == "X" { comparators = []; return }
        var result: [Comparator] = []
        for piece in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            result.append(try VersionRequirement.comparator(String(piece).trimmed(), in: text))
        }
        comparators = result
    }

    static func comparator(_ s: String, in text: String) throws(SemverError) -> Comparator {
        guard !s.isEmpty else { throw .invalid(text: text, reason: "a comparator between commas is empty") }
        var op: Operation = .caret
        var rest = Substring(s)
        var explicit = false
        for candidate in [">=", "<=", ">", "<", "=", "~", "^"] where rest.hasPrefix(candidate) {
            op = Operation(rawValue: candidate)!
            rest = rest.dropFirst(candidate.count)
            explicit = true
            break
        }
        rest = Substring(String(rest).trimmed())
        if let plus = rest.firstIndex(of: "+") {
            _ = try SemanticVersion.identifiers(rest[rest.index(after: plus)...], in: text, what: "build metadata", numericRules: false)
            rest = rest[..<plus] // build metadata never affects matching
        }
        var pre = SemanticVersion.Prerelease.none
        if let dash = rest.firstIndex(of: "-") {
            pre = try SemanticVersion.Prerelease(parsing: rest[rest.index(after: dash)...], in: text)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else {
            throw .invalid(text: text, reason: "'\(s)' is not a version or a version pattern")
        }
        func isWild(_ p: Substring) -> Bool { p == "*" || p == "x" || p == "X" }
        if isWild(parts[0]) {
            guard parts.count == 1 || parts.dropFirst().allSatisfy(isWild) else {
                throw .invalid(text: text, reason: "'\(s)': nothing may follow a wildcard but wildcards")
            }
            throw .invalid(text: text, reason: "'\(s)': a lone wildcard must be the whole requirement (\"*\")")
        }
        let major = try SemanticVersion.number(parts[0], in: text)
        var minor: UInt64?
        var patch: UInt64?
        var wildcard = false
        if parts.count > 1 {
            if isWild(parts[1]) {
                wildcard = true
                if parts.count > 2 && !isWild(parts[2]) {
                    throw .invalid(text: text, reason: "'\(s)': nothing may follow a wildcard but wildcards")
                }
            } else {
                minor = try SemanticVersion.number(parts[1], in: text)
                if parts.count > 2 {
                    if isWild(parts[2]) { wildcard = true } else { patch = try SemanticVersion.number(parts[2], in: text) }
                }
            }
        }
        if wildcard {
            guard !explicit || op == .exact else {
                throw .invalid(text: text, reason: "'\(s)': a wildcard cannot follow '\(op.rawValue)'")
            }
            op = .wildcard
        }
        if !pre.isEmpty && patch == nil {
            throw .invalid(text: text, reason: "'\(s)': a pre-release needs a full MAJOR.MINOR.PATCH")
        }
        return Comparator(operation: op, major: major, minor: minor, patch: patch, prerelease: pre)
    }

    public func matches(_ v: SemanticVersion) -> Bool {
        for c in comparators where !Self.matches(c, v) { return false }
        if v.prerelease.isEmpty { return true }
        return comparators.contains { c in
            c.major == v.major && c.minor == v.minor && c.patch == v.patch && !c.prerelease.isEmpty
        }
    }

    static func matches(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        switch c.operation {
        case .exact, .wildcard: return exact(c, v)
        case .greater: return greater(c, v)
        case .greaterOrEqual: return exact(c, v) || greater(c, v)
        case .less: return less(c, v)
        case .lessOrEqual: return exact(c, v) || less(c, v)
        case .tilde: return tilde(c, v)
        case .caret: return caret(c, v)
        }
    }

    static func exact(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        guard v.major == c.major else { return false }
        if let minor = c.minor, v.minor != minor { return false }
        if let patch = c.patch, v.patch != patch { return false }
        return v.prerelease == c.prerelease
    }

    static func greater(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        if v.major != c.major { return v.major > c.major }
        guard let minor = c.minor else { return false }
        if v.minor != minor { return v.minor > minor }
        guard let patch = c.patch else { return false }
        if v.patch != patch { return v.patch > patch }
        return c.prerelease < v.prerelease
    }

    static func less(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        if v.major != c.major { return v.major < c.major }
        guard let minor = c.minor else { return false }
        if v.minor != minor { return v.minor < minor }
        guard let patch = c.patch else { return false }
        if v.patch != patch { return v.patch < patch }
        return v.prerelease < c.prerelease
    }

    static func tilde(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        guard v.major == c.major else { return false }
        if let minor = c.minor, v.minor != minor { return false }
        if let patch = c.patch, v.patch != patch { return v.patch > patch }
        return !(v.prerelease < c.prerelease)
    }

    static func caret(_ c: Comparator, _ v: SemanticVersion) -> Bool {
        guard v.major == c.major else { return false }
        guard let minor = c.minor else { return true }
        guard let patch = c.patch else { return c.major > 0 ? v.minor >= minor : v.minor == minor }
        if c.major > 0 {
            if v.minor != minor { return v.minor > minor }
            if v.patch != patch { return v.patch > patch }
        } else if minor > 0 {
            if v.minor != minor { return false }
            if v.patch != patch { return v.patch > patch }
        } else if v.minor != minor || v.patch != patch {
            return false
        }
        return !(v.prerelease < c.prerelease)
    }
}
