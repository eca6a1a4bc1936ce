import HyperforgeCore

/// Where each value of a JSON document is, in bytes: what the npm bump
/// needs to change one version string in package.json and
/// package-lock.json and leave every other byte as it was (indentation,
/// key order, a trailing newline or none, escapes as written). No JSON
/// package does that: they parse into values and serialise them again,
/// which re-indents, re-escapes and re-orders, so the one edit would be
/// hidden in a rewritten file. The document is first checked by the
/// strict JSONParser (whose errors give line and column); this scanner
/// then walks the same bytes, valid by then, and records the spans.
struct JSONSpans: Sendable {
    struct Value: Sendable, Equatable {
        /// Object keys from the root; array elements as "[]".
        var path: [String]
        /// The value's bytes, quotes included for a string.
        var range: Range<Int>
        /// A string's content, between its quotes (as written, escapes undecoded).
        var stringContent: Range<Int>?
        /// 1-based.
        var line: Int
    }

    let bytes: [UInt8]
    /// The parsed document.
    let document: JSONValue
    /// Values down to `depth` levels below the root.
    private(set) var values: [Value] = []
    private var i = 0
    private var line = 1
    private let depth: Int

    /// A UTF-8 byte order mark, which npm accepts at the start of package.json
    /// (it strips one before parsing): kept in `bytes`, so an edit keeps it too.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    init(_ bytes: [UInt8], file: String, depth: Int = 3) throws(JSONSyntaxError) {
        self.bytes = bytes
        let bom = bytes.starts(with: JSONSpans.byteOrderMark)
        self.document = try JSONParser.parse(bom ? Array(bytes.dropFirst(3)) : bytes, file: file)
        self.depth = depth
        if bom { i = 3 }
        scanValue([])
    }

    /// Every value at `path` (a key written twice gives two).
    func values(at path: [String]) -> [Value] { values.filter { $0.path == path } }

    /// The text of a string span, as written.
    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x0A: line += 1; i += 1
            case 0x20, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// A string at `i`: its content's range; `i` after the closing quote.
    private mutating func scanString() -> Range<Int> {
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != 0x22 {
            i += bytes[i] == 0x5C ? 2 : 1
        }
        let content = start..<min(i, bytes.count)
        i += 1
        return content
    }

    private func decodedKey(_ range: Range<Int>) -> String {
        let raw = bytes[range]
        guard raw.contains(0x5C) else { return String(decoding: raw, as: UTF8.self) }
        return (try? JSONParser.parse([0x22] + raw + [0x22]))?.stringValue ?? String(decoding: raw, as: UTF8.self)
    }

    private mutating func scanValue(_ path: [String]) {
        skipSpace()
        guard i < bytes.count else { return }
        let start = i, startLine = line
        var content: Range<Int>?
        switch bytes[i] {
        case 0x7B: // {
            i += 1
            while true {
                skipSpace()
                guard i < bytes.count else { break }
                if bytes[i] == 0x7D { i += 1; break }
                if bytes[i] == 0x2C { i += 1; continue }
                let key = decodedKey(scanString())
                skipSpace()
                i += 1 // ':'
                scanValue(path + [key])
            }
        case 0x5B: // [
            i += 1
            while true {
                skipSpace()
                guard i < bytes.count else { break }
                if bytes[i] == 0x5D { i += 1; break }
                if bytes[i] == 0x2C { i += 1; continue }
                scanValue(path + ["[]"])
            }
        case 0x22:
            content = scanString()
        default:
            while i < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }
        if path.count <= depth { values.append(Value(path: path, range: start..<i, stringContent: content, line: startLine)) }
    }

    /// `bytes` with `span` replaced by `text`'s UTF-8.
    static func replacing(_ span: Range<Int>, in bytes: [UInt8], with text: String) -> [UInt8] {
        Array(bytes[..<span.lowerBound]) + Array(text.utf8) + Array(bytes[span.upperBound...])
    }
}
