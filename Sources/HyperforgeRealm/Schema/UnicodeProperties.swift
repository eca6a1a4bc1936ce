import HyperforgeCore

/// The Unicode properties a pattern's `\p{…}` may name, as sets of scalars
/// (so `\p{…}` runs on the Pike VM like any other set): every
/// General_Category value by its short or long name (`L`, `Letter`, `Lu`,
/// `Uppercase_Letter`, also as `gc=Lu` or `General_Category=Lu`), and the
/// binary properties `Any`, `ASCII`, `Assigned`, `Alphabetic`, `White_Space`,
/// `Uppercase`, `Lowercase`, `Math`, `Hex_Digit`, `ASCII_Hex_Digit`,
/// `Ideographic` and `Emoji` (with their short names). Scripts
/// (`Script=Greek`) are not known: the standard library has no script data.
/// Each set is computed once per process from the standard library's
/// Unicode data, on first use.
enum UnicodeProperties {
    private static let categories: [(short: String, long: [String], members: [Unicode.GeneralCategory])] = [
        ("Lu", ["Uppercase_Letter"], [.uppercaseLetter]),
        ("Ll", ["Lowercase_Letter"], [.lowercaseLetter]),
        ("Lt", ["Titlecase_Letter"], [.titlecaseLetter]),
        ("LC", ["Cased_Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]),
        ("Lm", ["Modifier_Letter"], [.modifierLetter]),
        ("Lo", ["Other_Letter"], [.otherLetter]),
        ("L", ["Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]),
        ("Mn", ["Nonspacing_Mark"], [.nonspacingMark]),
        ("Mc", ["Spacing_Mark"], [.spacingMark]),
        ("Me", ["Enclosing_Mark"], [.enclosingMark]),
        ("M", ["Mark", "Combining_Mark"], [.nonspacingMark, .spacingMark, .enclosingMark]),
        ("Nd", ["Decimal_Number", "digit"], [.decimalNumber]),
        ("Nl", ["Letter_Number"], [.letterNumber]),
        ("No", ["Other_Number"], [.otherNumber]),
        ("N", ["Number"], [.decimalNumber, .letterNumber, .otherNumber]),
        ("Pc", ["Connector_Punctuation"], [.connectorPunctuation]),
        ("Pd", ["Dash_Punctuation"], [.dashPunctuation]),
        ("Ps", ["Open_Punctuation"], [.openPunctuation]),
        ("Pe", ["Close_Punctuation"], [.closePunctuation]),
        ("Pi", ["Initial_Punctuation"], [.initialPunctuation]),
        ("Pf", ["Final_Punctuation"], [.finalPunctuation]),
        ("Po", ["Other_Punctuation"], [.otherPunctuation]),
        ("P", ["Punctuation", "punct"], [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                                         .initialPunctuation, .finalPunctuation, .otherPunctuation]),
        ("Sm", ["Math_Symbol"], [.mathSymbol]),
        ("Sc", ["Currency_Symbol"], [.currencySymbol]),
        ("Sk", ["Modifier_Symbol"], [.modifierSymbol]),
        ("So", ["Other_Symbol"], [.otherSymbol]),
        ("S", ["Symbol"], [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]),
        ("Zs", ["Space_Separator"], [.spaceSeparator]),
        ("Zl", ["Line_Separator"], [.lineSeparator]),
        ("Zp", ["Paragraph_Separator"], [.paragraphSeparator]),
        ("Z", ["Separator"], [.spaceSeparator, .lineSeparator, .paragraphSeparator]),
        ("Cc", ["Control", "cntrl"], [.control]),
        ("Cf", ["Format"], [.format]),
        ("Cs", ["Surrogate"], [.surrogate]),
        ("Co", ["Private_Use"], [.privateUse]),
        ("Cn", ["Unassigned"], [.unassigned]),
        ("C", ["Other"], [.control, .format, .surrogate, .privateUse, .unassigned]),
    ]

    private static let binary: [(names: [String], test: @Sendable (Unicode.Scalar) -> Bool)] = [
        (["Any"], { _ in true }),
        (["ASCII"], { $0.isASCII }),
        (["Assigned"], { $0.properties.generalCategory != .unassigned }),
        (["Alphabetic", "Alpha"], { $0.properties.isAlphabetic }),
        (["White_Space", "space"], { $0.properties.isWhitespace }),
        (["Uppercase", "Upper"], { $0.properties.isUppercase }),
        (["Lowercase", "Lower"], { $0.properties.isLowercase }),
        (["Math"], { $0.properties.isMath }),
        (["Hex_Digit", "Hex"], { $0.properties.isHexDigit }),
        (["ASCII_Hex_Digit", "AHex"], { $0.properties.isASCIIHexDigit }),
        (["Ideographic", "Ideo"], { $0.properties.isIdeographic }),
        (["Emoji"], { $0.properties.isEmoji }),
    ]

    private final class Cache: @unchecked Sendable {
        let lock = Lock()
        var sets: [String: ScalarSet] = [:]
        /// Every scalar's General_Category, as runs: (first scalar, category), in order.
        var categoryRuns: [(UInt32, Unicode.GeneralCategory)]?
    }
    private static let cache = Cache()

    /// The set `name` (what is between the braces of `\p{…}`) stands for; nil for a name not known here.
    static func set(_ name: String) -> ScalarSet? {
        var value = name
        if let eq = name.firstIndex(of: "=") {
            let property = name[..<eq]
            guard property == "gc" || property == "General_Category" else { return nil }
            value = String(name[name.index(after: eq)...])
            guard category(value) != nil else { return nil }
        }
        if let c = category(value) {
            return cached(c.short) {
                let members = Set(c.members)
                return ranges(categoryRuns().map { ($0.0, members.contains($0.1)) })
            }
        }
        guard let b = binary.first(where: { $0.names.contains(name) }) else { return nil }
        switch b.names[0] {
        case "Any": return ScalarSet([0...ScalarSet.maxScalar])
        case "ASCII": return ScalarSet([0...127])
        case "Assigned": return cached("Assigned") { ranges(categoryRuns().map { ($0.0, $0.1 != .unassigned) }) }
        default: return cached(b.names[0]) { scan(b.test) }
        }
    }

    private static func cached(_ key: String, _ make: () -> ScalarSet) -> ScalarSet {
        if let known = cache.lock.withLock({ cache.sets[key] }) { return known }
        let set = make()
        cache.lock.withLock { cache.sets[key] = set }
        return set
    }

    /// Every scalar's category, read once (one pass over the code space) and kept as runs.
    private static func categoryRuns() -> [(UInt32, Unicode.GeneralCategory)] {
        if let runs = cache.lock.withLock({ cache.categoryRuns }) { return runs }
        var runs: [(UInt32, Unicode.GeneralCategory)] = []
        for x in UInt32(0)...ScalarSet.maxScalar {
            let c = Unicode.Scalar(x)?.properties.generalCategory ?? .surrogate
            if runs.last?.1 != c { runs.append((x, c)) }
        }
        cache.lock.withLock { cache.categoryRuns = runs }
        return runs
    }

    /// The set of runs (first scalar, in the set or not), each reaching to the next.
    private static func ranges(_ runs: [(UInt32, Bool)]) -> ScalarSet {
        var out: [ClosedRange<UInt32>] = []
        for (k, run) in runs.enumerated() where run.1 {
            let last = k + 1 < runs.count ? runs[k + 1].0 - 1 : ScalarSet.maxScalar
            out.append(run.0...last)
        }
        return ScalarSet(out)
    }

    private static func scan(_ test: (Unicode.Scalar) -> Bool) -> ScalarSet {
        var runs: [(UInt32, Bool)] = []
        for x in UInt32(0)...ScalarSet.maxScalar {
            let member = Unicode.Scalar(x).map(test) ?? false // surrogates are no scalars
            if runs.last?.1 != member { runs.append((x, member)) }
        }
        return ranges(runs)
    }

    private static func category(_ name: String) -> (short: String, long: [String], members: [Unicode.GeneralCategory])? {
        categories.first { $0.short == name || $0.long.contains(name) }
    }
}
