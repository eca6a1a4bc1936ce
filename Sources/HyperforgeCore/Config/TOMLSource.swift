import TOMLKit

/// A TOML file read from disk: its parsed table and a way to find the line
/// a key or value was written on, so errors can name `file:line`.
public struct TOMLSource {
    public let path: String
    public let table: TOMLTable
    let locator: KeyLocator

    /// The largest TOML file we read (config.toml, defaults.toml, auth.toml,
    /// coordinator.toml): far above any real configuration, small enough
    /// that a hostile or mistaken file (a repository's committed config, a
    /// link to /dev/zero) cannot exhaust memory. Documented in the man pages.
    public static let maximumBytes = 4 << 20

    /// Reads and parses `path`. Returns nil when the file does not exist.
    public static func load(_ path: String) throws(ConfigError) -> TOMLSource? {
        let bytes: [UInt8]?
        do { bytes = try FileRead.bytes(path, limit: maximumBytes) } catch { throw .unreadable(path: path, reason: error.reason) }
        guard let bytes else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(SourceLocation(file: path), "the file is not UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Reads and parses `path` after checking, on the descriptor it reads,
    /// that the user (or root) owns it and nobody else may write it
    /// (`FileTrust`). Returns nil when the file does not exist.
    public static func loadTrusted(_ path: String) throws(ConfigError) -> TOMLSource? {
        let bytes: [UInt8]
        do {
            guard let b = try FileTrust.read(path, limit: maximumBytes) else { return nil }
            bytes = b
        } catch {
            throw .untrusted(error)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError.malformed(SourceLocation(file: path), "the file is not UTF-8")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> TOMLSource {
        try TOMLPrecheck.check(text, path: path) // what would stop toml++ itself
        do {
            let table = try TOMLTable(string: text)
            return TOMLSource(path: path, table: table, locator: KeyLocator(text: text))
        } catch let e as TOMLParseError {
            throw ConfigError.malformed(
                SourceLocation(file: path, line: e.source.begin.line, column: e.source.begin.column),
                e.description)
        } catch {
            throw ConfigError.malformed(SourceLocation(file: path), "\(error)")
        }
    }

    public func location(_ keyPath: [String]) -> SourceLocation {
        SourceLocation(file: path, line: locator.line(of: keyPath))
    }

    public func location(ofValue value: String, in keyPath: [String]) -> SourceLocation {
        SourceLocation(file: path, line: locator.line(ofValue: value, after: keyPath) ?? locator.line(of: keyPath))
    }
}

/// Finds the line a dotted key was written on in TOML text. TOMLKit does not
/// expose source positions of nodes, so this scans the text: table headers,
/// `key = value` lines and dotted keys, skipping multi-line strings.
struct KeyLocator {
    private var lines: [Substring]
    /// Full key path -> 1-based line number of its first definition.
    private var keyLines: [[String]: Int] = [:]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var table: [String] = []
        var inMultiline: String? = nil
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            var line = Substring(raw)
            if let delimiter = inMultiline {
                if line.contains(delimiter) { inMultiline = nil }
                continue
            }
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let inner = line.dropFirst(isArray ? 2 : 1)
                guard let close = inner.firstIndex(of: "]") else { continue }
                table = KeyLocator.splitKey(inner[..<close])
                if keyLines[table] == nil { keyLines[table] = number }
                continue
            }
            guard let eq = KeyLocator.assignment(in: line) else { continue }
            let key = table + KeyLocator.splitKey(line[..<eq])
            for i in (table.count + 1)...key.count where keyLines[Array(key[..<i])] == nil {
                keyLines[Array(key[..<i])] = number
            }
            let value = line[line.index(after: eq)...].drop(while: { $0 == " " })
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                if !value.dropFirst(3).contains(delimiter) { inMultiline = delimiter }
            }
        }
    }

    func line(of keyPath: [String]) -> Int? {
        var path = keyPath
        while !path.isEmpty {
            if let l = keyLines[path] { return l }
            path.removeLast()
        }
        return nil
    }

    /// The first line at or after `keyPath`'s line that contains `value` quoted.
    func line(ofValue value: String, after keyPath: [String]) -> Int? {
        guard let start = line(of: keyPath) else { return nil }
        for i in (start - 1)..<min(lines.count, start + 200) {
            if lines[i].contains("\"\(value)\"") || lines[i].contains("'\(value)'") { return i + 1 }
        }
        return nil
    }

    /// The index of the `=` of a `key = value` line, outside quotes.
    private static func assignment(in line: Substring) -> Substring.Index? {
        var quote: Character? = nil
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == "=" { return i }
            else if c == "#" { return nil }
            i = line.index(after: i)
        }
        return nil
    }

    /// `a."b.c".d` -> ["a", "b.c", "d"].
    static func splitKey(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(current.trimmed())
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current.trimmed())
        return parts
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (and a trailing CR).
    public func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    /// Without leading and trailing white space, newlines included (what
    /// Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` does,
    /// without pulling Foundation's CharacterSet, and so ICU, in).
    public func trimmedLines() -> String {
        var s = Substring(self)
        while let f = s.unicodeScalars.first, f.properties.isWhitespace { s = Substring(s.unicodeScalars.dropFirst()) }
        while let l = s.unicodeScalars.last, l.properties.isWhitespace { s = Substring(s.unicodeScalars.dropLast()) }
        return String(s)
    }

    /// `value` as four upper-case hexadecimal digits (`String(format: "%04X")`
    /// without Foundation).
    public static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }
}

extension StringProtocol {
    /// `%XX` sequences decoded as UTF-8; nil when one is malformed or the
    /// result is not UTF-8 (what Foundation's `removingPercentEncoding` does,
    /// written here so that Foundation proper stays out of the binary).
    public var percentDecoded: String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i != utf8.endIndex {
            let c = utf8[i]
            if c == 37 { // %
                let a = utf8.index(after: i)
                guard a != utf8.endIndex else { return nil }
                let b = utf8.index(after: a)
                guard b != utf8.endIndex, let h = hex(utf8[a]), let l = hex(utf8[b]) else { return nil }
                bytes.append(h << 4 | l)
                i = utf8.index(after: b)
            } else {
                bytes.append(c)
                i = utf8.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
