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
///
/// Everything written is text for a person, and much of it quotes files we
/// did not write (realm files, committed TOML, another user's files), so
/// every write escapes control characters (`TerminalText.escaped`): no
/// escape sequence from a file reaches the terminal. Our own formatting is
/// applied after that: `styled` marks text with a per-process key that only
/// `write` turns into colour, and `control` writes our own terminal controls.
/// `writeVerbatim` is for machine-readable output (a secret, git's credential
/// protocol) that must pass unchanged.
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

        init(buffer: Buffer, colour: Bool = false) {
            self.fd = nil
            self.buffer = buffer
            self.colour = colour
            self.isTerminal = false
        }

        /// Writes `text` with control characters escaped, then our own styles applied.
        public func write(_ text: String) {
            writeVerbatim(StyleMark.apply(TerminalText.escaped(text), colour: colour))
        }

        /// Writes `text` unchanged: only for machine-readable output (a secret on
        /// stdout, git's credential protocol), never for messages.
        public func writeVerbatim(_ text: String) {
            if let buffer { buffer.append(text); return }
            guard let fd else { return }
            _ = writeAll(fd, Array(text.utf8))
        }

        /// One of our own terminal controls (a progress line's carriage return, erasing it).
        public func control(_ c: TerminalControl) { writeVerbatim(c.rawValue) }

        public func line(_ text: String = "") { write(text + "\n") }

        /// Everything written so far, for in-memory streams.
        public var text: String { buffer?.contents ?? "" }

        /// `text` in an SGR style when this stream shows colour.
        /// The style is a mark that `write` turns into SGR after escaping, so it
        /// survives, while an escape sequence inside `text` does not.
        public func styled(_ text: String, _ style: Style) -> String {
            colour ? StyleMark.mark(style.rawValue) + text + StyleMark.mark("0") : text
        }
    }

    public enum TerminalControl: String, Sendable {
        case carriageReturn = "\r"
        case eraseLine = "\u{1B}[2K"
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
    /// `error: <what happened>` and, when there is one, `hint: <what next>` (one a line).
    public func report(_ error: any Error, program: String) {
        let e = stderr
        if let h = error as? any HyperforgeError {
            e.line("\(e.styled("error:", .red)) \(h.description)")
            // Each line of a hint gets its own `hint:`, as git prints them.
            for line in (h.hint ?? "").split(separator: "\n") { e.line("\(e.styled("hint:", .yellow)) \(line)") }
        } else {
            e.line("\(e.styled("error:", .red)) \(program): \(error)")
        }
    }

    public func warning(_ text: String) {
        stderr.line("\(stderr.styled("warning:", .yellow)) \(text)")
    }
}

/// Control characters made visible: C0 (except the newline), DEL and C1
/// (U+0080–U+009F, which some terminals read as CSI and friends) become
/// `\x1b`, `\x7f`, `\u{9b}`. Applied to everything `Output.Stream.write`
/// prints, so a key, name or value quoted from a file cannot move the cursor,
/// retitle the window or hide text.
public enum TerminalText {
    public static func needsEscaping(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\n") || (0x7F...0x9F).contains(c.value)
    }

    /// A value others chose (a forge's repository name or description, a
    /// directory's name) shown inside one line of ours: also its line breaks
    /// and the bidirectional controls that reorder what follows them
    /// (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) made visible, so it
    /// cannot forge a line or hide text. `escaped` still applies when printed.
    public static func inline(_ text: String) -> String {
        func isBidi(_ v: UInt32) -> Bool { v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) }
        guard text.unicodeScalars.contains(where: { $0 == "\n" || isBidi($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if c == "\n" { out.append(contentsOf: "\\x0a".unicodeScalars) }
            else if isBidi(c.value) { out.append(contentsOf: "\\u{\(String(c.value, radix: 16))}".unicodeScalars) }
            else { out.append(c) }
        }
        return String(out)
    }

    /// A byte scan over the string's contiguous UTF-8 (String.UTF8View's
    /// iterator costs about 30 instructions a byte; a buffer, a few).
    @inline(__always)
    static func anyByte(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(where: test) } ?? text.utf8.contains(where: test)
    }

    public static func escaped(_ text: String) -> String {
        // Byte scan first (every line of every report comes through here): only
        // a control byte, DEL or a C1 lead byte (0xC2) can need escaping.
        guard TerminalText.anyByte(text, { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            guard needsEscaping(c) else { out.append(c); continue }
            let hex = String(c.value, radix: 16)
            let shown = c.value < 0x80 ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{" + hex + "}"
            out.append(contentsOf: shown.unicodeScalars)
        }
        return String(out)
    }
}

/// Style marks: a private-use character, a key chosen at random per process
/// (a file cannot know it), the SGR code and a closing private-use character.
enum StyleMark {
    static let open: Unicode.Scalar = "\u{E000}", close: Unicode.Scalar = "\u{E001}"
    static let key: String = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined(separator: "-")

    static func mark(_ code: String) -> String { "\(open)\(key)\(code)\(close)" }

    /// Replaces every mark with its SGR sequence (or nothing, without colour).
    static func apply(_ text: String, colour: Bool) -> String {
        // No mark without U+E000, whose UTF-8 starts with 0xEE: a byte scan, not
        // a string search (which cost more than the rest of printing a report).
        guard TerminalText.anyByte(text, { $0 == 0xEE }) else { return text }
        let prefix = "\(open)\(key)"
        guard text.contains(prefix) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: prefix) {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.unicodeScalars.firstIndex(of: close) else { out += rest[start.lowerBound...]; rest = ""; break }
            let code = String(after[..<end])
            if colour { out += "\u{1B}[\(code)m" }
            rest = after[after.unicodeScalars.index(after: end)...]
        }
        return out + rest
    }
}
