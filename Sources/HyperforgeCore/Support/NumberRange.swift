import TOMLKit

/// The numbers a setting or flag accepts, checked before the number is used.
///
/// Why: a Double from a flag or a file can be `inf`, `nan` or too large for
/// the integer (seconds, nanoseconds) it becomes, and Swift's conversions
/// trap on those (issue 12: `--script-timeout inf`, `approval_timeout = nan`
/// and `idle_timeout = inf` each ended in SIGILL). Every number we read from
/// a flag, an environment variable or a configuration file goes through one
/// of these ranges; the range is what the error message states.
public struct NumberRange: Sendable, Equatable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    /// What the number is, for messages ("a number of seconds", "a whole number of lines").
    public let what: String
    /// Whether fractions are allowed (seconds) or only whole numbers (lines, ports).
    public let fractions: Bool

    public init(_ lower: Double, _ upper: Double, _ what: String, fractions: Bool = true) {
        precondition(lower.isFinite && upper.isFinite && lower <= upper)
        self.lower = lower
        self.upper = upper
        self.what = what
        self.fractions = fractions
    }

    /// Finite, within the range, and whole when it must be (nan is never in range).
    public func contains(_ value: Double) -> Bool {
        value.isFinite && value >= lower && value <= upper && (fractions || value == value.rounded())
    }

    public func contains(_ value: Int) -> Bool {
        contains(Double(value))
    }

    /// The number `text` writes, when it is a plain decimal number (no `inf`,
    /// `nan`, hexadecimal or surrounding space) within the range.
    public func parse(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }),
              let value = Double(text), contains(value) else { return nil }
        return value
    }

    /// "a number of seconds from 0.001 to 86400", "a whole number of lines from 1 to 100000".
    public var description: String {
        "\(what) from \(Self.format(lower)) to \(Self.format(upper))"
    }

    /// `60` rather than `60.0`; `0.001` as written.
    public static func format(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && value.magnitude < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // The ranges, one per setting or flag (documented in the command's help).

    /// `git realm check --script-timeout`: a validation script's time limit.
    public static let scriptTimeout = NumberRange(0.001, 86_400, "a number of seconds")
    /// auth.toml `approval_timeout`: how long a request waits for `git scope approve`.
    public static let approvalTimeout = NumberRange(0, 86_400, "a number of seconds")
    /// coordinator.toml `idle_timeout` (and `HFORGE_COORDINATOR_IDLE_TIMEOUT`).
    public static let idleTimeout = NumberRange(1, 86_400, "a number of seconds")
    /// coordinator.toml `background_fetch_age`: how old a member's last fetch may be (or `false`: off).
    public static let backgroundFetchAge = NumberRange(1, 604_800, "a number of seconds")
    /// `HFORGE_COORDINATOR_READ_TIMEOUT`: the coordinator's per-request deadline.
    public static let readTimeout = NumberRange(0.001, 3_600, "a number of seconds")
    /// `git realm coordinator logs --lines`.
    public static let logLines = NumberRange(1, 100_000, "a whole number of lines", fractions: false)
    /// A TCP port (coordinator.toml `[tcp] port`, a custom forge's `ssh_port`).
    public static let port = NumberRange(1, 65_535, "a TCP port number", fractions: false)
}

extension TOMLSource {
    /// The number `value` (at `keyPath`; an integer or a float) after checking
    /// it against `range`: an error names the file, the line, the key and the range.
    public func number(_ value: any TOMLValueConvertible, at keyPath: [String], in range: NumberRange) throws(ConfigError) -> Double {
        let key = keyPath.joined(separator: ".")
        let number: Double
        let text: String
        if let i = value.int { number = Double(i); text = String(i) }
        else if let d = value.double { number = d; text = d.isNaN ? "nan" : "\(d)" }
        else { throw .wrongType(location(keyPath), key: key, expected: range.description, found: "\(value.type)") }
        guard range.contains(number) else {
            throw .invalidValue(location(keyPath), key: key, value: text, reason: "is not \(range.description)")
        }
        return number
    }
}
