import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// Every pattern a realm member writes is matched in bounded time: the Pike
/// VM for most, the backtracking VM with a step budget for backreferences
/// and lookaround. The hostile trial's pattern, which ran over 60 s in
/// `git realm check --mode contract` on Swift's Regex, is a typed error now.
@Suite struct BoundedPatternTests {
    static let hostile = #"^(x)?\1?a*a*a*a*a*a*a*a*$"#
    static let hostileInput = String(repeating: "a", count: 200) + "b"

    static func schema(_ json: String) throws -> CompiledSchema {
        try SchemaRegistry(includeMetaschemas: false).compile(try JSONParser.parse(json))
    }

    @Test func theHostilePatternRunsOutOfItsBudget() throws {
        let pattern = try ECMAPattern(Self.hostile)
        let error = #expect(throws: PatternTooExpensive.self) { try pattern.matches(in: Self.hostileInput) }
        #expect(error?.steps == ECMAPattern.stepBudget)
        // On short strings it answers, with ECMA's meaning of a backreference to a group that did not match.
        #expect(try pattern.matches(in: "aaa"))
        #expect(try pattern.matches(in: "xxaa"))
        #expect(!(try pattern.matches(in: "xxxa")))
        #expect(!(try pattern.matches(in: "aab")))
    }

    /// In `pattern`, `patternProperties` and `propertyNames`: a schema error at
    /// the keyword that ran out, naming the pattern and the instance.
    @Test func validationSaysWhichPatternIsTooExpensive() throws {
        let p = JSONValue.string(Self.hostile).jsonText
        let cases: [(schema: String, instance: JSONValue, keyword: String, at: String)] = [
            (#"{"properties":{"read":{"items":{"pattern":\#(p)}}}}"#, .object(["read": .array([.string("aa"), .string(Self.hostileInput)])]),
             "/properties/read/items/pattern", "/read/1"),
            (#"{"patternProperties":{\#(p):{"type":"integer"}}}"#, .object([Self.hostileInput: .integer(1)]),
             "/patternProperties/" + JSONPointer.escape(Self.hostile), "/" + Self.hostileInput),
            (#"{"propertyNames":{"pattern":\#(p)}}"#, .object([Self.hostileInput: .integer(1)]), "/propertyNames/pattern", "/" + Self.hostileInput),
            (#"{"not":{"pattern":\#(p)}}"#, .string(Self.hostileInput), "/not/pattern", "(root)"),
        ]
        for c in cases {
            let schema = try Self.schema(c.schema)
            for collect in [false, true] {
                let error = #expect(throws: SchemaError.self, "\(c.schema)") {
                    if collect { _ = try schema.validate(c.instance) } else { _ = try schema.isValid(c.instance) }
                }
                #expect(error?.keywordLocation.hasSuffix(c.keyword) == true, "\(String(describing: error))")
                #expect(error?.reason.hasPrefix("pattern \(p) is too expensive to evaluate") == true, "\(String(describing: error))")
                #expect(error?.reason.contains("at instance \(c.at) ") == true, "\(String(describing: error))")
            }
        }
    }

    /// The budget is shared by one validation: many strings that each cost a
    /// lot run out of it together, rather than each taking its own million steps.
    @Test func oneValidationSharesOneBudget() throws {
        let source = "^(x)?\\1?a*a*a*a*a*$"
        let one = String(repeating: "a", count: 12) + "b"
        // What one string costs, alone: well within the budget.
        var budget = ECMAPattern.stepBudget
        #expect(!(try ECMAPattern(source).matches(in: one, budget: &budget)))
        let used = ECMAPattern.stepBudget - budget
        #expect(used > 2 * Evaluation.patternBudgetPerValue, "\(used)")
        let schema = try Self.schema(#"{"items":{"pattern":\#(JSONValue.string(source).jsonText)}}"#)
        #expect(!(try schema.isValid(.array([.string(one)]))))
        // Enough of them to need more than the budget of their value, together.
        let count = ECMAPattern.stepBudget / (used - Evaluation.patternBudgetPerValue) + 2
        let error = #expect(throws: SchemaError.self) { try schema.validate(.array(Array(repeating: .string(one), count: count))) }
        #expect(error?.reason.contains("is too expensive to evaluate") == true, "\(String(describing: error))")
    }

    /// Against the pattern in a comparison: an answer (never a hang), and never a wrong "compatible".
    @Test func aComparisonWithTheHostilePatternEnds() throws {
        let registry = SchemaRegistry(includeMetaschemas: false)
        let old = try registry.compile(try JSONParser.parse(#"{"type":"string","pattern":\#(JSONValue.string(Self.hostile).jsonText)}"#))
        let new = try registry.compile(try JSONParser.parse(#"{"type":"string","pattern":"^a+$"}"#))
        for (a, b) in [(old, new), (new, old)] {
            let report = try SchemaCompatibility.compare(old: a, new: b, backwards: true, forwards: true)
            #expect(!report.isCompatible)
        }
        // Strings long enough that every one the witness search tries costs the whole budget.
        let longOld = try registry.compile(try JSONParser.parse(#"{"type":"string","minLength":200,"pattern":\#(JSONValue.string(Self.hostile).jsonText)}"#))
        let longNew = try registry.compile(try JSONParser.parse(#"{"type":"string","minLength":200,"pattern":"^a+$"}"#))
        for (a, b) in [(longOld, longNew), (longNew, longOld)] {
            let report = try SchemaCompatibility.compare(old: a, new: b, backwards: true, forwards: true)
            #expect(!report.isCompatible)
        }
    }

    /// The backtracking VM agrees with a backtracking engine (Swift's Regex, on short strings) on
    /// backreferences, named groups, lookahead and lookbehind.
    @Test func backreferencesAndLookaroundMeanWhatECMASays() throws {
        let patterns = [#"^(a)\1$"#, #"^(['"]).*\1$"#, #"^(?<q>['"])\w*\k<q>$"#, #"^(?!foo)\w+$"#, #"^(?=.*\d)(?=.*[a-z])\w{4,}$"#, #"^(\w+)-\1$"#, #"^(?:(a)|b)\1$"#, #"\b(\w)\w*\1\b"#]
        let strings = ["", "a", "aa", "ab", "'x'", "\"x'", "\"ab\"", "foo", "foobar", "bar", "$12", "x12", "12", "abc1", "ab1", "1234",
                       "abc-abc", "abc-abd", "aba", "abb", "ba", "bb", "anna", "level ok", "a-a", "\"\"", "''"]
        for p in patterns {
            var parser = PatternParser(p)
            #expect(try parser.parse().flatMap(LinearRegex.init) == nil, "\(p) should not be on the Pike VM")
            let ours = try ECMAPattern(p)
            let reference = try Regex(p).asciiOnlyDigits().asciiOnlyWordCharacters().matchingSemantics(.unicodeScalar)
            for s in strings {
                #expect(try ours.matches(in: s) == ((try? reference.firstMatch(in: s)) != nil), "\(p) on \(s.debugDescription)")
            }
        }
        // Lookbehind (Swift's Regex has none to compare with).
        #expect(try ECMAPattern(#"(?<=\$)\d+"#).matches(in: "cost $12"))
        #expect(!(try ECMAPattern(#"(?<=\$)\d+"#).matches(in: "cost 12")))
        #expect(try ECMAPattern(#"(?<!\$)\b\d+"#).matches(in: "$1 and 2"))
        #expect(!(try ECMAPattern(#"(?<!\$)\b\d+"#).matches(in: "$1 and $2")))
        #expect(try ECMAPattern(#"^(?<=(a))\1"#).matches(in: "") == false)
        #expect(try ECMAPattern(#"(?<=(a))b\1"#).matches(in: "aba"))
        #expect(!(try ECMAPattern(#"(?<=(a))b\1"#).matches(in: "abb")))
        // A backreference to a group that has not matched (or comes later) matches the empty string.
        #expect(try ECMAPattern(#"^\1(a)$"#).matches(in: "a"))
        #expect(try ECMAPattern(#"^\k<w>(?<w>a)$"#).matches(in: "a"))
        #expect(try ECMAPattern(#"^(?:(a)|b)\1c$"#).matches(in: "bc"))
        // A repeated group's captures are forgotten at each iteration.
        #expect(try ECMAPattern(#"^([ab])*\1$"#).matches(in: ""))       // no iteration: \1 is empty (Swift's Regex says no)
        #expect(try ECMAPattern(#"^([ab])*\1$"#).matches(in: "abb"))
        #expect(!(try ECMAPattern(#"^([ab])*\1$"#).matches(in: "ab")))
        #expect(try ECMAPattern(#"^(?:x(a)?){2}\1$"#).matches(in: "xax"))    // the second iteration forgot the a
        #expect(!(try ECMAPattern(#"^(?:x(a)?){2}\1$"#).matches(in: "xaxa")))
        #expect(try ECMAPattern(#"^(?:x(a)?){2}\1$"#).matches(in: "xaxaa"))
        // Not patterns: a reference to a group that does not exist, a name used twice.
        for bad in [#"(a)\2"#, #"\k<nope>"#, #"(?<n>a)(?<n>b)"#, #"(?=a)*"#] {
            #expect(throws: ECMAPattern.Refusal.self, "\(bad)") { try ECMAPattern(bad) }
        }
    }

    /// `\p{…}` is a set of scalars on the Pike VM now: linear, and exponential
    /// shapes with it are no longer refused.
    @Test func unicodePropertiesRunOnThePikeVM() throws {
        for p in [#"^\p{L}+$"#, #"^(\p{Letter}+)+$"#, #"^[\p{Lu}\d]+$"#, #"\P{gc=Nd}"#, #"^\p{White_Space}$"#, #"^\p{ASCII}+$"#] {
            var parser = PatternParser(p)
            #expect(try parser.parse().flatMap(LinearRegex.init) != nil, "\(p)")
        }
        let long = String(repeating: "é", count: 5_000)
        #expect(try ECMAPattern(#"^(\p{Letter}+)+$"#).matches(in: long))
        #expect(!(try ECMAPattern(#"^(\p{Letter}+)+$"#).matches(in: long + "1")))
        #expect(try ECMAPattern(#"^[\p{Lu}\d]+$"#).matches(in: "É12"))
        #expect(!(try ECMAPattern(#"^[\p{Lu}\d]+$"#).matches(in: "é12")))
        #expect(try ECMAPattern(#"\P{gc=Nd}"#).matches(in: "1a"))
        #expect(!(try ECMAPattern(#"\P{Nd}"#).matches(in: "12")))
        #expect(try ECMAPattern(#"^\p{White_Space}$"#).matches(in: "\u{2003}"))
        #expect(!(try ECMAPattern(#"^\p{ASCII}+$"#).matches(in: "aé")))
        #expect(throws: ECMAPattern.Refusal.self) { try ECMAPattern(#"\p{Script=Greek}"#) }
        #expect(throws: ECMAPattern.Refusal.self) { try ECMAPattern(#"\p{NoSuchProperty}"#) }
    }

    /// End to end: the hostile trial's contract is an error naming the file, line and pointer, at once.
    @Test func contractModeReportsATooExpensivePatternWithItsPlace() throws {
        let w = try RealmCheckTests.world("check-hostile-pattern")
        let contract = RealmCheckTests.contractV1
            .replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }",
                                  with: "    read:\n      type: array\n      items: { type: string, pattern: '\(Self.hostile)' }")
            .replacingOccurrences(of: "\"jobs/*/masks/*\", \"training-runs/*\"", with: "\"\(Self.hostileInput)\"")
        try RealmCheckTests.writeWorking(w, contract)
        let r = try w.run("aperture", "check", "--mode", "contract")
        #expect(r.code == 1, "\(r)")
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("too expensive to evaluate") }, "\(r)")
        #expect(line.contains(".hyperforge/contracts/s3-access/s3-permissions.yaml /schema/properties/read/items/pattern: "), "\(line)")
        #expect(line.contains("at instance /read/0"), "\(line)")
    }
}
