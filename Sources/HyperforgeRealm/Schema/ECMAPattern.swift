/// A JSON Schema `pattern` (an ECMA-262 regular expression), compiled with
/// Swift's own `Regex` rather than NSRegularExpression: NSRegularExpression
/// is ICU's engine, and linking it pulls FoundationInternationalization and
/// ICU's data (tens of megabytes) into every binary. The options below give
/// ECMA-262's meanings where Swift's defaults differ: `\d` and `\w` are
/// ASCII, and matching is by Unicode scalar (ECMA-262 with the `u` flag
/// matches code points; Swift's default, grapheme clusters, would let `.`
/// match `e` with its combining accent as one character).
struct ECMAPattern: @unchecked Sendable {
    // @unchecked: a compiled Regex is immutable; matching does not mutate it.
    let source: String
    private let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
            .asciiOnlyDigits()
            .asciiOnlyWordCharacters()
            .matchingSemantics(.unicodeScalar)
    }

    /// Whether the pattern matches anywhere in `s` (patterns are not anchored).
    func matches(in s: String) -> Bool {
        (try? regex.firstMatch(in: s)) != nil
    }
}
