/// What toml++ (the parser inside TOMLKit 0.6, version 3.4.0) must not be
/// given, refused with file:line before it sees the text. Both were found by
/// fuzzing (fuzz/, targets config and auth) and stop the process instead of
/// failing the parse:
///
/// - A table header whose key starts with a character no key can start with
///   (`[,a]`, `[&`, `[[[1]]]`, `[` at the end of a line): toml++ calls its key
///   parser anyway and stops on an assertion, SIGABRT (toml++ issue #294).
/// - A value that is no TOML value but starts like a number or a date
///   (`0952-05-27T-7:3`): toml++ takes it for a date-time and stops on an
///   assertion in its time parser. Bare values (numbers, booleans, dates and
///   times) are therefore checked against TOML 1.0's grammar here.
/// - A `}` where an array element belongs (`[}`): taken for a value, the same.
/// - A key of very many dotted parts (`[a.a.a…]`, 100,000 parts in a 200 KB
///   file): toml++ recurses once per part until the stack overflows, SIGSEGV
///   (toml++ pull request #242); our `KeyLocator` would also take quadratic time.
///
/// The text is scanned as TOML reads it: comments, basic and literal strings
/// (multi-line ones too), arrays and inline tables (which may span lines), so
/// that a `[` inside a string or an array value is never taken for a header.
enum TOMLPrecheck {
    /// Parts of one dotted key (`a.b.c` has three); real files use a handful.
    static let maximumKeyParts = 64

    private enum Container { case array, inlineTable }

    static func check(_ text: String, path: String) throws(ConfigError) {
        var copy = text
        let result: Result<Void, ConfigError> = copy.withUTF8 { bytes in
            Result { () throws(ConfigError) in try scan(bytes, path: path) }
        }
        try result.get()
    }

    private static func isBareKey(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, path: String) throws(ConfigError) {
        let n = b.count
        var i = 0, line = 1, lineStart = 0
        // A UTF-8 byte order mark, which toml++ skips.
        if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3; lineStart = 3 }
        var stack: [Container] = []
        /// At the top level: nothing but blanks yet on this line (a header or a key may start).
        var atStatement = true
        /// In a key: the top level's before `=`, a header's, or an inline table's before `=`.
        var inKey = false
        var parts = 1

        func refuse(_ reason: String) -> ConfigError {
            .malformed(SourceLocation(file: path, line: line, column: i - lineStart + 1), reason)
        }
        func dot() throws(ConfigError) {
            parts += 1
            if parts > maximumKeyParts { throw refuse("a key has more than \(maximumKeyParts) dotted parts") }
        }
        func startKey() { inKey = true; parts = 1 }

        while i < n {
            let c = b[i]
            switch c {
            case 0x0A: // line feed
                line += 1
                i += 1
                lineStart = i
                if stack.isEmpty { atStatement = true; inKey = false }
                continue
            case 0x20, 0x09, 0x0D:
                i += 1
                continue
            case 0x23: // '#': a comment, to the end of the line
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            case 0x22, 0x27: // a string
                if atStatement { atStatement = false; startKey() }
                let quote = c
                if i + 2 < n && b[i + 1] == quote && b[i + 2] == quote {
                    // Multi-line: ends at three quotes (a run of up to five: one or two belong to the text).
                    i += 3
                    while i < n {
                        if b[i] == 0x5C && quote == 0x22 && i + 1 < n && b[i + 1] != 0x0A { i += 2; continue } // an escape
                        if b[i] == 0x0A { line += 1; lineStart = i + 1 }
                        if b[i] == quote && i + 2 < n && b[i + 1] == quote && b[i + 2] == quote {
                            var run = 3
                            while run < 5 && i + run < n && b[i + run] == quote { run += 1 }
                            i += run
                            break
                        }
                        i += 1
                    }
                } else {
                    i += 1
                    while i < n && b[i] != quote && b[i] != 0x0A {
                        if b[i] == 0x5C && quote == 0x22 && i + 1 < n && b[i + 1] != 0x0A { i += 1 } // an escape
                        i += 1
                    }
                    if i < n && b[i] == quote { i += 1 }
                }
                continue
            default:
                break
            }
            if atStatement {
                atStatement = false
                if c == 0x5B { // '[': a table header
                    var j = i + 1
                    while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                    if j < n && b[j] == 0x5B {
                        j += 1
                        while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                    }
                    if j < n && !(isBareKey(b[j]) || b[j] == 0x22 || b[j] == 0x27 || b[j] == 0x5D) {
                        i = j
                        throw refuse("a table header must start with a key (letters, digits, '-', '_' or a quoted key)")
                    }
                    startKey()
                    i = j
                    continue
                }
                startKey()
            }
            if inKey {
                switch c {
                case 0x2E: try dot()
                case 0x3D: inKey = false // '=': the value follows
                case 0x5D where stack.isEmpty: inKey = false // a header's ']'
                case 0x7D where stack.last == .inlineTable: stack.removeLast(); inKey = false // '{}'
                default: break
                }
                i += 1
                continue
            }
            // In a value.
            switch c {
            case 0x5B: stack.append(.array)
            case 0x7B: stack.append(.inlineTable); startKey()
            case 0x7D where stack.last == .array:
                // toml++ takes it for the start of an element and stops on an assertion.
                throw refuse("an array holds a '}' where a value or ']' belongs")
            case 0x5D, 0x7D: if !stack.isEmpty { stack.removeLast() }
            case 0x2C: if stack.last == .inlineTable { startKey() }
            default:
                // A bare value runs to a value terminator; a full date and a time
                // may be separated by one space (`1979-05-27 07:32:00`).
                var end = i
                while end < n && !isTerminator(b[end]) { end += 1 }
                if end - i == 10, end + 1 < n, b[end] == 0x20, isDigit(b[end + 1]) {
                    end += 1
                    while end < n && !isTerminator(b[end]) { end += 1 }
                }
                let token = UnsafeBufferPointer(rebasing: b[i..<end])
                guard TOMLScalar.isValid(token) else {
                    let shown = String(decoding: token.prefix(40), as: UTF8.self) + (token.count > 40 ? "..." : "")
                    throw refuse("'\(shown)' is not a TOML value (text needs quotes)")
                }
                i = end
                continue
            }
            i += 1
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// What ends a bare value for toml++: white space, `]`, `}`, `,` and `#`.
    private static func isTerminator(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || (c >= 0x0A && c <= 0x0D) || c == 0x5D || c == 0x7D || c == 0x2C || c == 0x23
    }
}

/// TOML 1.0's bare values (ABNF of toml.io/en/v1.0.0): booleans, integers
/// (decimal, `0x`, `0o`, `0b`, with `_` between digits), floats (`inf`,
/// `nan`), and offset or local date-times, dates and times.
enum TOMLScalar {
    static func isValid(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Array(t)
        switch s {
        case Array("true".utf8), Array("false".utf8): return true
        case Array("inf".utf8), Array("+inf".utf8), Array("-inf".utf8), Array("nan".utf8), Array("+nan".utf8), Array("-nan".utf8): return true
        default: break
        }
        if s.count > 2 && s[0] == 0x30 {
            switch s[1] {
            case UInt8(ascii: "x"): return digits(s[2...], isHex)
            case UInt8(ascii: "o"): return digits(s[2...]) { $0 >= 0x30 && $0 <= 0x37 }
            case UInt8(ascii: "b"): return digits(s[2...]) { $0 == 0x30 || $0 == 0x31 }
            default: break
            }
        }
        return isNumber(s[...]) || isDateTime(s[...])
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }

    /// One or more digits, an `_` only between two of them.
    private static func digits(_ s: ArraySlice<UInt8>, _ isDigit: (UInt8) -> Bool) -> Bool {
        guard let first = s.first, let last = s.last, isDigit(first), isDigit(last) else { return false }
        var previousUnderscore = false
        for c in s {
            if c == 0x5F { if previousUnderscore { return false }; previousUnderscore = true; continue }
            guard isDigit(c) else { return false }
            previousUnderscore = false
        }
        return true
    }

    /// `[+-]? (0 | [1-9] ...) ( . digits )? ( [eE] [+-]? digits )?`: an integer or a float.
    private static func isNumber(_ s: ArraySlice<UInt8>) -> Bool {
        var s = s
        if let f = s.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { s = s.dropFirst() }
        let intEnd = s.firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) ?? s.endIndex
        let int = s[..<intEnd]
        guard digits(int, isDigit), int.first != 0x30 || int.count == 1 else { return false }
        var rest = s[intEnd...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            let fracEnd = rest.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) ?? rest.endIndex
            guard digits(rest[..<fracEnd], isDigit) else { return false }
            rest = rest[fracEnd...]
        }
        if let e = rest.first {
            guard e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return false }
            rest = rest.dropFirst()
            if let f = rest.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { rest = rest.dropFirst() }
            return digits(rest, isDigit)
        }
        return true
    }

    /// `n` digits at the front of `s`, removed.
    private static func take(_ s: inout ArraySlice<UInt8>, digits n: Int) -> Bool {
        guard s.count >= n, s.prefix(n).allSatisfy(isDigit) else { return false }
        s = s.dropFirst(n)
        return true
    }

    private static func take(_ s: inout ArraySlice<UInt8>, _ c: Character) -> Bool {
        guard s.first == c.asciiValue else { return false }
        s = s.dropFirst()
        return true
    }

    /// `HH:MM:SS(.fraction)?`, removed from the front of `s`.
    private static func time(_ s: inout ArraySlice<UInt8>) -> Bool {
        guard take(&s, digits: 2), take(&s, ":"), take(&s, digits: 2), take(&s, ":"), take(&s, digits: 2) else { return false }
        if take(&s, ".") {
            guard let f = s.first, isDigit(f) else { return false }
            s = s.drop(while: isDigit)
        }
        return true
    }

    /// A local time, a local date, or a date-time with an optional offset.
    private static func isDateTime(_ whole: ArraySlice<UInt8>) -> Bool {
        var s = whole
        if s.count >= 3 && s[s.startIndex + 2] == UInt8(ascii: ":") { return time(&s) && s.isEmpty }
        guard take(&s, digits: 4), take(&s, "-"), take(&s, digits: 2), take(&s, "-"), take(&s, digits: 2) else { return false }
        if s.isEmpty { return true }
        guard take(&s, "T") || take(&s, "t") || take(&s, " "), time(&s) else { return false }
        if s.isEmpty || take(&s, "Z") || take(&s, "z") { return s.isEmpty }
        guard take(&s, "+") || take(&s, "-") else { return false }
        return take(&s, digits: 2) && take(&s, ":") && take(&s, digits: 2) && s.isEmpty
    }
}
