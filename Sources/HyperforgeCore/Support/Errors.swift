/// Exit statuses shared by every hyperforge executable (documented in the man pages).
public enum ExitStatus: Int32, Sendable {
    /// Success.
    case success = 0
    /// The operation failed (a push was rejected, git reported an error).
    case failure = 1
    /// The command refused to go on without confirmation: something needs
    /// `--force`, or it would overwrite something it does not own.
    case refused = 2
    /// A configuration file is malformed or inconsistent.
    case configuration = 3
    /// The environment is not usable: not a git repository, a key file that
    /// cannot be read, a program that cannot be run.
    case environment = 4
    /// `status --exit-code` found differences.
    case drift = 5
    /// Bad command-line usage (the argument parser's own code).
    case usage = 64
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
