import HyperforgeCore

/// The JSON parser (contract schemas and values, the realm index, the
/// coordinator's request bodies): what it accepts prints as JSON that parses
/// back to an equal value.
enum JSONTarget {
    static func run(_ data: [UInt8]) {
        guard let value = try? JSONParser.parse(data, file: "fuzz.json") else { return }
        let text = value.jsonText
        guard let again = try? JSONParser.parse(text, file: "printed.json") else {
            check(false, "the printed form of a parsed document does not parse: \(text)")
            return
        }
        check(again.jsonEquals(value), "printing and parsing again changed the value: \(text)")
        check(again.jsonText == text, "printing is not stable: \(text) then \(again.jsonText)")
    }
}
