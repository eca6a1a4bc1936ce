import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command's text goes: standard output (results, `--json`) and
/// standard error (warnings, errors, progress).
///
/// Colour is used only when the stream is a terminal and `NO_COLOR` is unset
/// (https://no-color.org); tests capture both streams in memory.
public struct Output: Sendable {
    public let stdout: Stream
    public let stderr: Stream

    public init(stdout: Stream, stderr: Stream) {
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The process's standard streams.
    public static func standard(environment: [String: String]) -> Output {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        return Output(
            stdout: Stream(fd: 1, colour: !noColor && !dumb && isatty(1) == 1, isTerminal: isatty(1) == 1),
            stderr: Stream(fd: 2, colour: !noColor && !dumb && isatty(2) == 1, isTerminal: isatty(2) == 1)
        )
    }

    /// Two in-memory streams, for tests.
    public static func capturing() -> Output {
        Output(stdout: Stream(buffer: Buffer()), stderr: Stream(buffer: Buffer()))
    }

    /// One output stream: a file descriptor or an in-memory buffer.
    public struct Stream: Sendable {
        let fd: Int32?
        let buffer: Buffer?
        public let colour: Bool
        public let isTerminal: Bool

        init(fd: Int32, colour: Bool, isTerminal: Bool) {
            self.fd = fd
            self.buffer = nil
            self.colour = colour
            self.isTerminal = isTerminal
        }

        init(buffer: Buffer) {
            self.fd = nil
            self.buffer = buffer
            self.colour = false
            self.isTerminal = false
        }

        public func write(_ text: String) {
            if let buffer { buffer.append(text); return }
            guard let fd else { return }
            _ = writeAll(fd, Array(text.utf8))
        }

        public func line(_ text: String = "") { write(text + "\n") }

        /// Everything written so far, for in-memory streams.
        public var text: String { buffer?.contents ?? "" }

        /// `text` in an SGR style when this stream shows colour.
        public func styled(_ text: String, _ style: Style) -> String {
            colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
        }
    }

    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36"
    }

    /// A thread-safe text buffer.
    public final class Buffer: @unchecked Sendable {
        private let lock = Lock()
        private var storage = ""
        public init() {}
        func append(_ s: String) { lock.lock(); storage += s; lock.unlock() }
        public var contents: String { lock.lock(); defer { lock.unlock() }; return storage }
    }
}

extension Output {
    /// Prints an error the way every hyperforge command does:
    /// `error: <what happened>` and, when there is one, `hint: <what next>`.
    public func report(_ error: any Error, program: String) {
        let e = stderr
        if let h = error as? any HyperforgeError {
            e.line("\(e.styled("error:", .red)) \(h.description)")
            if let hint = h.hint { e.line("\(e.styled("hint:", .yellow)) \(hint)") }
        } else {
            e.line("\(e.styled("error:", .red)) \(program): \(error)")
        }
    }

    public func warning(_ text: String) {
        stderr.line("\(stderr.styled("warning:", .yellow)) \(text)")
    }
}
