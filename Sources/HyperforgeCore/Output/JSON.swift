import FoundationEssentials

/// JSON output for scripts: stable key order, one document per command.
public enum JSONOutput {
    /// `snakeCase`: keys as `stale_bindings` rather than `staleBindings`.
    public static func encode<T: Encodable>(_ value: T, snakeCase: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return escapingControls(String(decoding: data, as: UTF8.self))
    }

    /// JSONEncoder escapes C0 inside strings but passes DEL and C1 (U+007F–U+009F)
    /// through raw; a terminal reads some of those as escape sequences. In JSON
    /// text they can only be inside strings, so each becomes `\u00XX` (as does any
    /// raw C0 other than the newlines of pretty-printing).
    static func escapingControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }) else { return json }
        var out = String.UnicodeScalarView()
        for c in json.unicodeScalars {
            if (c.value < 0x20 && c != "\n") || (0x7F...0x9F).contains(c.value) {
                let hex = String(c.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }
}
