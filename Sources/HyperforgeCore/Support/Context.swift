import FoundationEssentials
import Glibc

/// Everything a command needs from the world it runs in. Commands never read
/// the process environment, the process working directory or the wall clock
/// directly: they take a `Context`, so tests can run them in-process, in
/// parallel, each with its own HOME, XDG directories and output buffers.
public struct Context: Sendable {
    /// The environment the command sees (HOME, XDG_*, GIT_CONFIG_*, NO_COLOR, ...).
    public var environment: [String: String]
    /// Absolute working directory the command resolves relative paths against.
    public var workingDirectory: String
    /// Standard output and standard error.
    public var output: Output
    /// The clock; tests pin it.
    public var now: @Sendable () -> Date

    public init(
        environment: [String: String],
        workingDirectory: String,
        output: Output,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.output = output
        self.now = now
    }

    /// The context of the running process: its environment, its working
    /// directory, its standard streams.
    public static func process() -> Context {
        let env = processEnvironment()
        var cwd = FileManager.default.currentDirectoryPath
        if let pointer = getcwd(nil, 0) {
            cwd = String(cString: pointer)
            free(pointer)
        }
        return Context(environment: env, workingDirectory: cwd, output: .standard(environment: env))
    }

    /// The process's environment, read from `environ` directly: a tenth of
    /// what ProcessInfo.environment costs (measured with callgrind on the
    /// credential helper's path, where it was a sixth of all instructions).
    static func processEnvironment() -> [String: String] {
        var count = 0
        while environ[count] != nil { count += 1 }
        var env: [String: String] = [:]
        env.reserveCapacity(count) // made at its final size: growing rehashed it four times
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let pointer = entry.pointee {
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)).bindMemory(to: UInt8.self)
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: bytes[..<eq], as: UTF8.self)
                if env[key] == nil { env[key] = String(decoding: bytes[(eq + 1)...], as: UTF8.self) } // the first wins, as getenv
            }
            entry += 1
        }
        return env
    }

    /// The per-user directories, resolved from this context's environment.
    public var paths: Paths { Paths(environment: environment) }

    /// Resolves `path` against the working directory and expands a leading `~`.
    public func resolve(_ path: String) -> String {
        let expanded = paths.expandTilde(path)
        if expanded.hasPrefix("/") { return FilePaths.normalize(expanded) }
        return FilePaths.normalize(workingDirectory + "/" + expanded)
    }
}

/// The per-user directories of the XDG base-directory specification.
public struct Paths: Sendable, Equatable {
    public let home: String
    public let configHome: String
    public let dataHome: String
    public let stateHome: String
    public let runtimeDir: String?

    public init(environment env: [String: String]) {
        self.init(home: env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? Context.passwordDatabaseHome(), lookup: { env[$0] })
    }

    /// The directories from a variable lookup (getenv, say), without the
    /// whole environment; nil when HOME is not set (the full path then
    /// asks the password database).
    public init?(lookup: (String) -> String?) {
        guard let home = lookup("HOME"), !home.isEmpty else { return nil }
        self.init(home: home, lookup: lookup)
    }

    private init(home: String, lookup: (String) -> String?) {
        self.home = home
        func xdg(_ key: String, _ fallback: String) -> String {
            if let v = lookup(key), v.hasPrefix("/") { return v }
            return home + "/" + fallback
        }
        configHome = xdg("XDG_CONFIG_HOME", ".config")
        dataHome = xdg("XDG_DATA_HOME", ".local/share")
        stateHome = xdg("XDG_STATE_HOME", ".local/state")
        runtimeDir = lookup("XDG_RUNTIME_DIR").flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    /// `~` and `~/x` expand to this HOME; anything else is returned unchanged.
    public func expandTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + String(path.dropFirst(1)) }
        return path
    }
}

/// Small, allocation-light helpers for POSIX paths.
public enum FilePaths {
    /// Removes `.` and `..` components and duplicate slashes of an absolute path.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }

    // Searched as UTF-8: a Character search costs grapheme breaking, and the
    // trust checks ask for every parent of several paths on each start.
    public static func parent(_ path: String) -> String? {
        if path == "/" { return nil }
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func join(_ a: String, _ b: String) -> String {
        if a.hasSuffix("/") { return a + b }
        return a + "/" + b
    }
}

extension FilePaths {
    /// `s` with every byte outside RFC 3986's unreserved set percent-encoded,
    /// for one URL path segment or one part of a storage key.
    public static func percentEncoded(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// The nearest directory at or above `start` that holds a `.git` entry,
    /// found with `lstat` alone (no libgit2): the entry's path and its status.
    public static func enclosingGitEntry(from start: String) -> (root: String, entry: String, status: stat)? {
        var dir: String? = start
        while let d = dir {
            let candidate = join(d, ".git")
            var st = stat()
            if lstat(candidate, &st) == 0 { return (d, candidate, st) }
            dir = parent(d)
        }
        return nil
    }
}

/// RFC 3339 timestamps in UTC (`2026-01-24T10:00:00Z`, optionally with
/// milliseconds), formatted by hand: Foundation's ISO8601DateFormatter loads
/// ICU, which costs a long-running process megabytes of memory.
public enum Timestamp {
    public static func utc(_ date: Date, milliseconds: Bool = false) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = Int64(seconds.rounded(.down))
        let (year, month, day) = civil(days: whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
        let second = whole - (whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400) * 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let y = "\(year)"
        var s = (year >= 0 && y.count < 4 ? String(repeating: "0", count: 4 - y.count) + y : y) + "-\(two(month))-\(two(day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
        if milliseconds {
            let ms = Int((seconds - seconds.rounded(.down)) * 1000)
            s += "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + "\(ms)"
        }
        return s + "Z"
    }

    /// The proleptic Gregorian date `days` after 1970-01-01, by arithmetic
    /// (H. Hinnant's civil_from_days): glibc's gmtime_r and timegm read the
    /// time zone file first, a quarter of a million instructions per process.
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (days_from_civil).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The time `utc` wrote (`2026-01-24T10:00:00Z`, milliseconds optional); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20 || (b.count == 24 && b[19] == UInt8(ascii: ".")), b.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var n: Int32 = 0
            for i in range { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; n = n * 10 + Int32(b[i] - 0x30) }
            return n
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let seconds = days(year: Int64(year), month: Int64(month), day: Int64(day)) * 86_400
            + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        var fraction = 0.0
        if b.count == 24 { guard let ms = number(20..<23) else { return nil }; fraction = Double(ms) / 1000 }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

extension Context {
    /// The home directory the password database gives this user (for when
    /// HOME is unset or empty).
    static func passwordDatabaseHome() -> String {
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }
}
