/// Where each key's value sits in a TOML file, as byte offsets, so that a
/// version can be changed by replacing exactly the bytes of its string and
/// nothing else (comments, order, spacing, quoting all stay as they were).
///
/// Written by hand on purpose: TOMLKit (toml++) re-serialises a whole
/// document when it writes one, which loses comments and layout, and a
/// release must change nothing in Cargo.toml or Cargo.lock but the version.
/// This is a scanner, not a validator: the files were parsed by cargo (and
/// by TOMLKit for reading) already; it follows TOML 1.0's lexical rules for
/// what can hide a `[` or a `=` (strings of all four kinds, comments,
/// arrays and inline tables spanning lines) and records, for every key, its
/// table, its dotted key path (inline tables descended into) and its value.
struct TOMLSpans {
    struct Entry: Equatable {
        /// The header's key path (`["workspace", "package"]`); `[]` before any header.
        var table: [String]
        /// Which `[[table]]` element this is (0 for ordinary tables).
        var element: Int
        var isArrayTable: Bool
        /// The key's dotted path below the table, inline tables descended into.
        var key: [String]
        /// The value's bytes, quotes included.
        var value: Range<Int>
        /// For a single-line basic or literal string: the bytes between its quotes.
        var stringContent: Range<Int>?
        /// 1-based line of the key.
        var line: Int
    }

    let bytes: [UInt8]
    private(set) var entries: [Entry] = []

    struct Malformed: Error { var line: Int; var reason: String }

    init(_ bytes: [UInt8]) throws(Malformed) {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        entries = try scanner.scan()
        headers = scanner.headerSeen
    }

    /// The string value at `key` in `table` (first element of an array table
    /// unless `element` says which), with its content's span.
    func string(table: [String], key: [String], element: Int? = nil) -> (text: String, span: Range<Int>, line: Int)? {
        for e in entries where e.table == table && e.key == key && (element == nil || e.element == element) {
            guard let span = e.stringContent else { return nil }
            return (String(decoding: bytes[span], as: UTF8.self), span, e.line)
        }
        return nil
    }

    func has(table: [String], key: [String]) -> Bool {
        entries.contains { $0.table == table && $0.key == key }
    }

    func rawValue(table: [String], key: [String]) -> String? {
        entries.first { $0.table == table && $0.key == key }.map { String(decoding: bytes[$0.value], as: UTF8.self) }
    }

    /// Every table header seen (`[a.b]`), for "does this file have [workspace]".
    var tables: Set<[String]> { Set(entries.map(\.table)).union(headers) }
    private(set) var headers: Set<[String]> = []

    /// `bytes` with `span` replaced by `text`.
    static func replacing(_ span: Range<Int>, in bytes: [UInt8], with text: String) -> [UInt8] {
        Array(bytes[..<span.lowerBound]) + Array(text.utf8) + Array(bytes[span.upperBound...])
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var table: [String] = []
        var element = 0
        var isArrayTable = false
        var arrayCounts: [[String]: Int] = [:]
        var entries: [Entry] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { i >= bytes.count }
        func peek(_ offset: Int = 0) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }

        func fail(_ reason: String) -> Malformed { Malformed(line: line, reason: reason) }

        mutating func skipBlanks() { while let c = peek(), c == 0x20 || c == 0x09 { i += 1 } }

        /// Blanks, comments and newlines (inside arrays and between lines).
        mutating func skipBlanksCommentsNewlines() {
            while let c = peek() {
                if c == 0x20 || c == 0x09 || c == 0x0D { i += 1 }
                else if c == 0x0A { i += 1; line += 1 }
                else if c == UInt8(ascii: "#") { skipComment() }
                else { break }
            }
        }

        mutating func skipComment() { while let c = peek(), c != 0x0A { i += 1 } }

        mutating func scan() throws(Malformed) -> [Entry] {
            while !atEnd {
                skipBlanksCommentsNewlines()
                guard let c = peek() else { break }
                if c == UInt8(ascii: "[") {
                    let array = peek(1) == UInt8(ascii: "[")
                    i += array ? 2 : 1
                    skipBlanks()
                    let path = try key()
                    skipBlanks()
                    guard peek() == UInt8(ascii: "]"), !array || peek(1) == UInt8(ascii: "]") else { throw fail("a table header is not closed") }
                    i += array ? 2 : 1
                    table = path
                    isArrayTable = array
                    if array { element = arrayCounts[path, default: 0]; arrayCounts[path] = element + 1 } else { element = 0 }
                    headerSeen.insert(path)
                } else {
                    try keyValue(prefix: [])
                }
                skipBlanks()
                if peek() == UInt8(ascii: "#") { skipComment() }
            }
            return entries
        }

        var headerSeen: Set<[String]> = []

        mutating func keyValue(prefix: [String]) throws(Malformed) {
            let keyLine = line
            let path = try key()
            skipBlanks()
            guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' after a key") }
            i += 1
            skipBlanks()
            let start = i
            var content: Range<Int>?
            if peek() == UInt8(ascii: "{") {
                i += 1
                skipBlanks()
                // The inline table's own entries, with their full key path.
                while peek() != UInt8(ascii: "}") {
                    guard !atEnd else { throw fail("an inline table is not closed") }
                    try keyValue(prefix: prefix + path)
                    skipBlanks()
                    if peek() == UInt8(ascii: ",") { i += 1; skipBlanks() }
                }
                i += 1
            } else {
                content = try value()
            }
            entries.append(Entry(table: table, element: element, isArrayTable: isArrayTable, key: prefix + path,
                                 value: start..<i, stringContent: content, line: keyLine))
        }

        /// A dotted key: bare, "basic" or 'literal' parts.
        mutating func key() throws(Malformed) -> [String] {
            var parts: [String] = []
            while true {
                skipBlanks()
                guard let c = peek() else { throw fail("a key ends the file") }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    let r = try singleLineString()
                    parts.append(unescape(bytes[r], literal: c == UInt8(ascii: "'")))
                } else {
                    let s = i
                    while let d = peek(), isBare(d) { i += 1 }
                    guard i > s else { throw fail("a key is expected") }
                    parts.append(String(decoding: bytes[s..<i], as: UTF8.self))
                }
                skipBlanks()
                if peek() == UInt8(ascii: ".") { i += 1 } else { return parts }
            }
        }

        func isBare(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        func unescape(_ raw: ArraySlice<UInt8>, literal: Bool) -> String {
            // Keys that matter here are plain; escapes are kept as written.
            String(decoding: raw, as: UTF8.self)
        }

        /// A single-line "basic" or 'literal' string at `i`; returns the span inside its quotes.
        mutating func singleLineString() throws(Malformed) -> Range<Int> {
            let quote = bytes[i]
            i += 1
            let s = i
            while let c = peek() {
                if c == 0x0A { throw fail("a string is not closed on its line") }
                if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\") { i += 2; continue }
                if c == quote { let r = s..<i; i += 1; return r }
                i += 1
            }
            throw fail("a string is not closed")
        }

        /// A multi-line string (`"""` or `'''`) at `i`.
        mutating func multiLineString() throws(Malformed) {
            let quote = bytes[i]
            i += 3
            while let c = peek() {
                if c == 0x0A { line += 1 }
                if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\") {
                    if peek(1) == 0x0A { line += 1 }
                    i += 2; continue
                }
                if c == quote, peek(1) == quote, peek(2) == quote {
                    i += 3
                    // Up to two more quotes belong to the content (TOML 1.0).
                    while peek() == quote { i += 1 }
                    return
                }
                i += 1
            }
            throw fail("a multi-line string is not closed")
        }

        /// Any value; for a single-line string, its content's span.
        mutating func value() throws(Malformed) -> Range<Int>? {
            guard let c = peek() else { throw fail("a value is missing") }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                if peek(1) == c, peek(2) == c { try multiLineString(); return nil }
                return try singleLineString()
            }
            if c == UInt8(ascii: "[") {
                i += 1
                while true {
                    skipBlanksCommentsNewlines()
                    guard let d = peek() else { throw fail("an array is not closed") }
                    if d == UInt8(ascii: "]") { i += 1; return nil }
                    if d == UInt8(ascii: ",") { i += 1; continue }
                    if d == UInt8(ascii: "{") {
                        // An inline table inside an array: skipped, not recorded.
                        var inner = Scanner(bytes: bytes)
                        inner.i = i + 1
                        inner.line = line
                        inner.skipBlanks()
                        while inner.peek() != UInt8(ascii: "}") {
                            guard !inner.atEnd else { throw fail("an inline table is not closed") }
                            try inner.keyValue(prefix: [])
                            inner.skipBlanks()
                            if inner.peek() == UInt8(ascii: ",") { inner.i += 1; inner.skipBlanks() }
                        }
                        i = inner.i + 1
                        line = inner.line
                        continue
                    }
                    _ = try value()
                }
            }
            // A number, boolean or date: up to a delimiter.
            let s = i
            while let d = peek(), d != 0x20, d != 0x09, d != 0x0A, d != 0x0D, d != UInt8(ascii: ","),
                  d != UInt8(ascii: "]"), d != UInt8(ascii: "}"), d != UInt8(ascii: "#") { i += 1 }
            guard i > s else { throw fail("a value is missing") }
            // A local date-time may have a space for its 'T' (1979-05-27 07:32:00).
            if i - s == 10, bytes[s + 4] == UInt8(ascii: "-"), peek() == 0x20, let d = peek(1), d >= 0x30, d <= 0x39 {
                i += 1
                while let d = peek(), d != 0x20, d != 0x09, d != 0x0A, d != 0x0D, d != UInt8(ascii: ","),
                      d != UInt8(ascii: "]"), d != UInt8(ascii: "}"), d != UInt8(ascii: "#") { i += 1 }
            }
            return nil
        }
    }
}
