import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// The official JSON Schema Test Suite (Tests/Fixtures/JSON-Schema-Test-Suite,
/// a copy of json-schema-org/JSON-Schema-Test-Suite at the commit in its
/// SOURCE file): every required test of draft 2020-12 and draft 7. Remote
/// references (http://localhost:1234/...) resolve to the suite's `remotes/`
/// files registered up front; nothing is fetched.
@Suite struct JSONSchemaSuiteTests {
    static let suite: String = {
        if let override = ProcessInfo.processInfo.environment["HFORGE_JSON_SCHEMA_SUITE"] { return override }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/JSON-Schema-Test-Suite"
    }()

    static let remotes: [(String, JSONValue)] = {
        var out: [(String, JSONValue)] = []
        let root = suite + "/remotes"
        let e = FileManager.default.enumerator(atPath: root)
        while let rel = e?.nextObject() as? String {
            guard rel.hasSuffix(".json"), let data = FileManager.default.contents(atPath: root + "/" + rel),
                  let json = try? JSONParser.parse(Array(data), file: rel) else { continue }
            out.append(("http://localhost:1234/" + rel, json))
        }
        return out
    }()

    struct Outcome { var passed = 0; var failed: [String] = [] }

    static func run(_ directory: String, draft: SchemaDraft) throws -> Outcome {
        var outcome = Outcome()
        let dir = suite + "/tests/" + directory
        for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".json") {
            let data = try #require(FileManager.default.contents(atPath: dir + "/" + file))
            guard case .array(let groups) = try JSONParser.parse(Array(data), file: file) else { continue }
            for group in groups {
                guard case .string(let description)? = group["description"], let schema = group["schema"],
                      case .array(let tests)? = group["tests"] else { continue }
                let registry = SchemaRegistry()
                for (uri, json) in remotes { registry.register(json, uri: uri) }
                let compiled: CompiledSchema
                do { compiled = try registry.compile(schema, draft: draft) } catch {
                    outcome.failed.append("\(directory)/\(file): \(description): schema did not compile: \(error)")
                    continue
                }
                for test in tests {
                    guard let data = test["data"], case .bool(let expected)? = test["valid"], case .string(let what)? = test["description"] else { continue }
                    let label = "\(directory)/\(file): \(description) / \(what)"
                    do {
                        let valid = try compiled.isValid(data)
                        // Collecting every violation must agree with the yes/no answer.
                        let violations = try compiled.validate(data)
                        if valid == expected && violations.isEmpty == valid {
                            outcome.passed += 1
                        } else {
                            outcome.failed.append("\(label): expected \(expected ? "valid" : "invalid"), got \(valid ? "valid" : "invalid") / \(violations.count) violations")
                        }
                    } catch {
                        outcome.failed.append("\(label): \(error)")
                    }
                }
            }
        }
        return outcome
    }

    @Test(arguments: [("draft2020-12", SchemaDraft.draft2020_12), ("draft7", SchemaDraft.draft7)])
    func everyRequiredTestPasses(_ directory: String, _ draft: SchemaDraft) throws {
        let outcome = try Self.run(directory, draft: draft)
        print("JSON Schema Test Suite \(directory): \(outcome.passed) of \(outcome.passed + outcome.failed.count) required tests pass")
        #expect(outcome.passed > 900)
        #expect(outcome.failed.isEmpty, "\(outcome.failed.count) failures:\n\(outcome.failed.prefix(60).joined(separator: "\n"))")
    }
}

/// `pattern` is ECMA-262 (JSON Schema's regular expression dialect), matched by
/// Swift's Regex with ECMA's meanings where Swift's defaults differ.
@Suite struct ECMAPatternTests {
    @Test func asciiClassesAndScalarMatching() throws {
        #expect(try ECMAPattern("^\\d+$").matches(in: "2026"))
        #expect(!(try ECMAPattern("^\\d+$").matches(in: "\u{663}")))          // ARABIC-INDIC DIGIT THREE
        #expect(!(try ECMAPattern("^\\w$").matches(in: "é")))
        #expect(try ECMAPattern("^\\p{L}$").matches(in: "é"))
        #expect(!(try ECMAPattern("^.$").matches(in: "e\u{301}")))           // two code points
        #expect(try ECMAPattern("^..$").matches(in: "e\u{301}"))
        #expect(try ECMAPattern("^\\s$").matches(in: "\u{A0}"))                // ECMA's \s is Unicode white space
        #expect(try ECMAPattern("a").matches(in: "xax"))                       // not anchored
        #expect(throws: (any Error).self) { try ECMAPattern("(unclosed") }
    }
}

/// Matching time is linear in the string for patterns the Pike VM takes, and
/// the VM agrees with a backtracking engine (Swift's Regex with ECMA's options) on what matches.
@Suite struct LinearPatternTests {
    static func swiftRegex(_ source: String) throws -> Regex<AnyRegexOutput> {
        try Regex(source).asciiOnlyDigits().asciiOnlyWordCharacters().matchingSemantics(.unicodeScalar)
    }

    static func linear(_ source: String) throws -> LinearRegex {
        var parser = PatternParser(source)
        let tree = try #require(try parser.parse(), "\(source) is not taken by the linear engine")
        return try #require(LinearRegex(tree), "\(source) makes too large a program")
    }

    @Test func agreesWithABacktrackingEngine() throws {
        let patterns = ["^a*$", "a+b", "^(ab|cd)+$", "^[a-z0-9.]+@[a-z0-9.]+$", "^[0-9]{5}$", "x{2,3}", "^.{2}$", "^[^a-c]+$", "\\bfoo\\b", "\\Bo",
                        "^\\d{1,3}(\\.\\d{1,3}){3}$", "^(?:jobs|runs)/", "colou?r", "^$", "", "^[\\w-]+$", "^\\s*\\S+\\s*$", "a|b|", "^(a|ab)(c|bcd)(d*)$",
                        "^\\u00e9+$", "^\\x41\\t", "[\\-\\]]", "^(?<year>\\d{4})-\\d{2}$", "^[a-]+$", "\\.$", "^\\p?"].filter { !$0.contains("\\p") }
        let strings = ["", "a", "aa", "ab", "abcd", "cdab", "x@y.z", "USER@x", "12345", "1234", "xxx", "x", "ab\n", "é", "éé", "A\t", "-]", "foo bar",
                       "foobar", "boo", "192.168.0.1", "1.2.3", "jobs/1", "runs", "color", "colour", "  word  ", "a b", "abcd", "abd", "2026-12", "-a-", "x.", "\u{2028}"]
        for p in patterns {
            let ours = try Self.linear(p), theirs = try Self.swiftRegex(p)
            for s in strings {
                #expect(ours.search(s) == ((try? theirs.firstMatch(in: s)) != nil), "\(p) on \(s.debugDescription)")
            }
        }
    }

    /// Patterns a backtracking engine takes exponential time on (Swift's Regex
    /// took seconds on 16 characters of the first): one linear pass each.
    @Test func hostilePatternsFinishOnLongStrings() throws {
        let long = String(repeating: "a", count: 2_000)
        #expect(try ECMAPattern("^(a+)+$").matches(in: long))
        #expect(!(try ECMAPattern("^(a+)+$").matches(in: long + "b")))
        #expect(!(try ECMAPattern("(a|aa)*c").matches(in: long)))
        #expect(!(try ECMAPattern("^(.*){1,40}!$").matches(in: long)))
        #expect(try ECMAPattern("^(.*){1,40}!$").matches(in: long + "!"))
        #expect(!(try ECMAPattern("(x+x+)+y").matches(in: String(repeating: "x", count: 5_000))))
        // In a schema, validating a value.
        let schema = try SchemaRegistry(includeMetaschemas: false).compile(try JSONParser.parse(#"{"type":"string","pattern":"^(a+)+$"}"#))
        #expect(!(try schema.isValid(.string(long + "b"))))
    }

    /// What the linear engine does not take runs on the backtracking VM, unless it
    /// repeats a group that repeats: that is refused, saying why.
    @Test func backtrackingHazardsAreRefused() throws {
        #expect(try ECMAPattern("^(a)\\1$").matches(in: "aa"))                 // a backreference, no hazard
        #expect(try ECMAPattern("^(?=a)ab$").matches(in: "ab"))                // lookahead
        for hostile in ["^(a+)+\\1$", "(?=x)(a|aa)*c", "^(\\p{L}+)*\\1$"] {
            do {
                _ = try ECMAPattern(hostile)
                Issue.record("\(hostile) was accepted")
            } catch {
                #expect(error.reason.contains("exponential time"), "\(error.reason)")
            }
        }
        let refused = #expect(throws: SchemaError.self) {
            try SchemaRegistry(includeMetaschemas: false).compile(try JSONParser.parse(#"{"properties":{"a":{"pattern":"^(a+)+\\1$"}}}"#))
        }
        #expect(refused?.keywordLocation.hasSuffix("#/properties/a/pattern") == true && refused?.reason.contains("nested repetition") == true)
        // Groups nested beyond any real pattern are refused rather than recursed into.
        #expect(throws: ECMAPattern.Refusal.self) { try ECMAPattern(String(repeating: "(", count: 5_000) + String(repeating: ")", count: 5_000)) }
    }
}
