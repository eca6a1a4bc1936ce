/// Exit statuses shared by every hyperforge executable (documented in the man
/// pages). Two outcomes share the number 2 (`refused`, `warnings`), so the
/// numbers are `rawValue`, not the enum's raw values.
public enum ExitStatus: RawRepresentable, Sendable {
    /// Success.
    case success
    /// The operation failed (a push was rejected, git reported an error).
    case failure
    /// The command refused to go on without confirmation: something needs
    /// `--force`, or it would overwrite something it does not own.
    case refused
    /// `git realm check` found warnings only (errors are `failure`).
    case warnings
    /// A configuration file is malformed or inconsistent.
    case configuration
    /// The environment is not usable: not a git repository, a key file that
    /// cannot be read, a program that cannot be run.
    case environment
    /// `status --exit-code` found differences.
    case drift
    /// Bad command-line usage (the argument parser's own code).
    case usage

    /// The process's exit status.
    public var rawValue: Int32 {
        switch self {
        case .success: 0
        case .failure: 1
        case .refused, .warnings: 2
        case .configuration: 3
        case .environment: 4
        case .drift: 5
        case .usage: 64
        }
    }

    /// The status a number means (2 reads as `refused`).
    public init?(rawValue: Int32) {
        switch rawValue {
        case 0: self = .success
        case 1: self = .failure
        case 2: self = .refused
        case 3: self = .configuration
        case 4: self = .environment
        case 5: self = .drift
        case 64: self = .usage
        default: return nil
        }
    }
}

/// Every error a hyperforge command reports to its user. The message says what
/// happened and where; `hint` says what to run next.
public protocol HyperforgeError: Error, CustomStringConvertible, Sendable {
    var exitStatus: ExitStatus { get }
    /// What to do next, when there is something useful to say.
    var hint: String? { get }
}

extension HyperforgeError {
    public var hint: String? { nil }
}

/// A place in a file, for messages that name `file:line[:column]`.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" ; if let column { s += ":\(column)" } }
        return s
    }
}
