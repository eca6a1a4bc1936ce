import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// The realm's YAML reader (YAMLReader over libyaml's event parser): YAML
/// 1.2's core schema, YAML 1.1 look-alikes refused, no anchors or aliases,
/// and limits, every refusal naming the file and line.
@Suite struct YAMLReaderTests {
    func failure(_ parse: () throws -> Void) -> RealmFileError? {
        do { try parse(); return nil } catch let e as RealmFileError { return e } catch { Issue.record("wrong error: \(error)"); return nil }
    }

    func value(_ yaml: String) throws -> YAMLValue? {
        guard case .scalar(let s)? = try YAMLReader.document(yaml, file: "v.yaml")["v"] else { return nil }
        return s.value
    }

    /// Nine levels of nine aliases each: 9^9 (387 million) strings once
    /// expanded, which took a composing reader 14–19 GB. It is refused at its
    /// first anchor, the first event that carries one, before any alias is read:
    /// the error's line and column say so.
    @Test func aliasBombIsRefusedAtItsFirstAnchor() throws {
        var bomb = "name: c\nversion: \"1.0.0\"\nowner: a\nschema: {}\nvalue:\n"
        bomb += "  a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            bomb += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let path = "domains/d/contracts/c.yaml"
        let e = try #require(failure { _ = try Contract.parse(bomb, file: path) })
        #expect(e.description == "\(path):6:6: an anchor (&a): realm files may not use anchors and aliases")
        #expect(e.hint == "write the value out in full")

        // The same file in a realm: refused by the snapshot, with the file and line.
        var files = RealmSnapshotTests.files.mapValues { Array($0.utf8) }
        files["domains/s3-access/contracts/s3-permissions.yaml"] = Array(bomb.utf8)
        let s = try #require(failure { _ = try RealmSnapshot.load(commit: "c", files: files) })
        #expect(s.description.hasPrefix("domains/s3-access/contracts/s3-permissions.yaml:6:6: an anchor (&a)"))

        // An alias is refused as an event too, whether or not its anchor exists.
        #expect(failure { _ = try YAMLReader.document("a: x\nb: *a\n", file: "f.yaml") }?.description
            == "f.yaml:2:4: an alias (*a): realm files may not use anchors and aliases")
        #expect(failure { _ = try YAMLReader.document("a: &m {x: 1}\n", file: "f.yaml") }?.description.hasPrefix("f.yaml:1:4: an anchor (&m)") == true)
        #expect(failure { _ = try YAMLReader.document("- &s\n  - 1\n", file: "f.yaml") }?.description.hasPrefix("f.yaml:1:3: an anchor (&s)") == true)
    }

    /// Plain scalars that YAML 1.1 (Yams, PyYAML and other 1.1 readers) types
    /// differently from YAML 1.2: refused where they stand, with what each
    /// version reads and a hint to quote them; quoted, they are text.
    @Test(arguments: [
        ("yes", "YAML 1.1 boolean"), ("No", "YAML 1.1 boolean"), ("ON", "YAML 1.1 boolean"), ("off", "YAML 1.1 boolean"),
        ("y", "YAML 1.1 boolean"), ("N", "YAML 1.1 boolean"), ("yEs", "YAML 1.1 boolean"),
        ("1:30", "the base-60 number 90 in YAML 1.1 but text in YAML 1.2"),
        ("190:20:30.15", "the base-60 number 685230.15 in YAML 1.1"),
        ("017", "the octal number 15 in YAML 1.1 but the number 17 in YAML 1.2"),
        ("07", "leading zero"), ("-012", "the octal number -10 in YAML 1.1"),
        ("08", "text in YAML 1.1 but the number 8 in YAML 1.2"),
        ("0b1010", "the binary number 10 in YAML 1.1 but text in YAML 1.2"),
        ("1_000", "the number 1000 in YAML 1.1 but text in YAML 1.2"),
        ("1_0.5", "the number 10.5 in YAML 1.1"),
        ("-0x1F", "the hexadecimal number -31 in YAML 1.1 but text"),
        ("0o17", "text in YAML 1.1 but the number 15 in YAML 1.2"),
        ("1e3", "text in YAML 1.1 but the number 1000.0 in YAML 1.2"),
        ("1.5e3", "text in YAML 1.1 but the number 1500.0"),
        ("-.5", "text in YAML 1.1 but the number -0.5"),
        ("<<", "merge key"), ("=", "value key"),
    ])
    func yaml11LookalikesAreRefusedWithFileLineAndHint(_ text: String, _ says: String) throws {
        let e = try #require(failure { _ = try DomainRecord.parse("name: x\ndescription: \(text)\n", file: "d.yaml") })
        #expect(e.description.hasPrefix("d.yaml:2:14: plain '\(text)' "), "\(e)")
        #expect(e.description.contains(says), "\(e)")
        #expect(e.description.hasSuffix("realm files are read as YAML 1.2"), "\(e)")
        let hint = try #require(e.hint)
        #expect(hint.contains("quote it (\"\(text)\")"), "\(hint)")
        if says == "YAML 1.1 boolean" { #expect(hint.hasPrefix("write true or false")) }
        #expect(e.exitStatus == .configuration)

        // In a list, as a key, deep in a contract's schema: the same, at its own line.
        #expect(failure { _ = try RepoRecord.parse("name: x\nmaintainers:\n  - a\n  - \(text)\n", file: "r.yaml") }?.description.hasPrefix("r.yaml:4:5: plain") == true)
        #expect(failure { _ = try Contract.parse("name: c\nversion: \"1.0.0\"\nowner: a\nschema:\n  properties:\n    \(text): {type: string}\n", file: "c.yaml") }?
            .description.hasPrefix("c.yaml:6:5: plain") == true)

        for quoted in ["\"\(text)\"", "'\(text)'"] {
            #expect(try DomainRecord.parse("name: x\ndescription: \(quoted)\n", file: "d.yaml").description == text)
            #expect(try RepoRecord.parse("name: x\nmaintainers: [\(quoted)]\n", file: "r.yaml").maintainers == [text])
        }
        #expect(try DomainRecord.parse("name: x\ndescription: !!str \(text)\n", file: "d.yaml").description == text)
    }

    @Test func coreSchemaResolution() throws {
        let cases: [(String, YAMLValue)] = [
            ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
            ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
            ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
            ("tRue", .string), ("nULL", .string),
            ("0", .int(0)), ("-0", .int(0)), ("+5", .int(5)), ("-42", .int(-42)), ("9223372036854775807", .int(.max)),
            ("0x1F", .int(31)), ("0xff", .int(255)),
            ("92233720368547758070", .float(92233720368547758070.0)),
            ("1.5", .float(1.5)), ("-1.5", .float(-1.5)), ("1.", .float(1)), (".5", .float(0.5)),
            ("1.0e+3", .float(1000)), ("1.5E-3", .float(0.0015)), (".5e+1", .float(5)),
            (".inf", .float(.infinity)), ("+.Inf", .float(.infinity)), ("-.INF", .float(-.infinity)),
            ("1.2.3", .string), ("1.4.0", .string), ("v1", .string), ("0x", .string), ("0:30", .string),
            ("2026-01-24", .string), ("2026-01-24T10:00:00Z", .string), ("inf", .string), ("nan", .string), ("-.nan", .string),
            ("a b", .string), ("-x", .string),
        ]
        for (text, expected) in cases {
            #expect(try value("v: \(text)\n") == expected, "\(text)")
        }
        guard case .float(let nan)? = try value("v: .NaN\n") else { Issue.record(".NaN is not a float"); return }
        #expect(nan.isNaN)
        // Quoted and block scalars are text, whatever they spell.
        #expect(try value("v: \"true\"\n") == .string)
        #expect(try value("v: '1'\n") == .string)
        #expect(try value("v: |\n  ~\n") == .string)
        #expect(try value("v: >\n  12\n") == .string)
        // Core-schema tags.
        #expect(try value("v: !!str 12\n") == .string)
        #expect(try value("v: !!int \"7\"\n") == .int(7))
        #expect(try value("v: !!float 1\n") == .float(1))
        #expect(try value("v: !!null ''\n") == .null)
        #expect(try value("v: ! 12\n") == .string)

        // The JSON a contract's schema and value become.
        let c = try Contract.parse("""
            name: c
            version: "1.0.0"
            owner: a
            schema: {type: object, maximum: 1.0e+3, default: ~, enum: [1, "1", true, "true", 0x10]}
            value: {big: 92233720368547758070, x: 'yes', when: 2026-01-24}

            """, file: "c.yaml")
        #expect(c.schema["maximum"] == .number(1000))
        #expect(c.schema["default"] == .null)
        #expect(c.schema["enum"] == .array([.integer(1), .string("1"), .bool(true), .string("true"), .integer(16)]))
        // .inf and .nan are YAML floats but no JSON number: refused in a contract, with file:line.
        #expect(failure { _ = try Contract.parse("name: c\nversion: \"1.0.0\"\nowner: a\nschema: {enum: [.inf]}\n", file: "c.yaml") }?
            .description.contains("'.inf' is not a JSON number") == true)
        #expect(c.value == .object(["big": .number(92233720368547758070.0), "x": .string("yes"), "when": .string("2026-01-24")]))
        // Fields that want text take any scalar but null, as they always have.
        #expect(try DomainRecord.parse("name: x\ndescription: 12\n", file: "d.yaml").description == "12")
        #expect(failure { _ = try DomainRecord.parse("name: x\ndescription: ~\n", file: "d.yaml") }?.description == "d.yaml:2: 'description' must be text")
        #expect(failure { _ = try RealmManifest.parse("name: r\nversion: \"1\"\ngovernance:\n  breaking_changes:\n    require_approval: \"true\"\n", file: "realm.yaml") }?
            .description == "realm.yaml:5: 'require_approval' must be true or false")
    }

    @Test func tagsDocumentsAndDuplicateKeysAreRefused() {
        func refusal(_ yaml: String) -> String { failure { _ = try YAMLReader.document(yaml, file: "f.yaml") }?.description ?? "no error" }
        #expect(refusal("v: !!bool yes\n") == "f.yaml:1:4: 'yes' is tagged !!bool but is not true or false (YAML 1.2)")
        #expect(refusal("v: !!int 1.5\n") == "f.yaml:1:4: '1.5' is tagged !!int but is not an integer (YAML 1.2)")
        #expect(refusal("v: !custom x\n").hasPrefix("f.yaml:1:4: the tag !custom: realm files use no tags but the core schema's"))
        #expect(refusal("v: !!binary aGk=\n").hasPrefix("f.yaml:1:4: the tag !!binary"))
        #expect(refusal("v: !!set {a}\n").hasPrefix("f.yaml:1:4: the tag !!set"))
        #expect(refusal("a: 1\n---\nb: 2\n") == "f.yaml:2:1: a second YAML document; a realm file holds one")
        #expect(refusal("%YAML 1.1\n---\na: 1\n") == "f.yaml:1:1: %YAML 1.1: realm files are read as YAML 1.2")
        #expect(refusal("%YAML 1.2\n---\na: 1\n") == "no error")
        #expect(refusal("name: x\nmembers: []\nname: y\n") == "f.yaml:3:1: the key 'name' again (first at line 1); keys must be unique")
        #expect(refusal("schema:\n  properties:\n    a: {}\n    b: {}\n    a: {}\n") == "f.yaml:5:5: the key 'a' again (first at line 3); keys must be unique")
        #expect(refusal("{a: 1, \"a\": 2}\n") == "f.yaml:1:8: the key 'a' again (first at line 1); keys must be unique")
        #expect(refusal("") == "f.yaml:1: malformed YAML: the file is empty")
        #expect(refusal("# only a comment\n") == "f.yaml:1: malformed YAML: the file is empty")
        #expect(refusal("a: [1, 2\n").hasPrefix("f.yaml:2:1: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1)"))
        #expect(refusal("a: \u{7}\n").hasPrefix("f.yaml:1:4: malformed YAML: control characters are not allowed"))
    }

    /// The user's trial: a second `name:` at line 19 of realm.yaml was
    /// reported at line 1. The duplicate's own line (and column) is named.
    @Test func aDuplicateKeyIsReportedAtTheDuplicatesLine() {
        let text = RFCExamples.files["realm.yaml"]! + "name: again\n"
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(line == 19)
        let message = failure { _ = try RealmManifest.parse(text, file: "realm.yaml") }?.description ?? "no error"
        #expect(message == "realm.yaml:19:1: the key 'name' again (first at line 1); keys must be unique", "\(message)")
        // Nested, and in a flow mapping on a later line.
        let nested = failure { _ = try RealmManifest.parse(text.replacing("name: again\n", with: "")
            .replacing("    grace_period_days: 14\n", with: "    grace_period_days: 14\n    require_approval: false\n"), file: "realm.yaml") }?.description
        #expect(nested == "realm.yaml:11:5: the key 'require_approval' again (first at line 9); keys must be unique", "\(String(describing: nested))")
        #expect(failure { _ = try YAMLReader.document("a: 1\nb:\n  {x: 1,\n   x: 2}\n", file: "f.yaml") }?.description
                == "f.yaml:4:4: the key 'x' again (first at line 3); keys must be unique")
    }

    @Test func deepNestingIsRefused() throws {
        let limit = YAMLReader.Limits.realm.depth
        #expect(limit == 64)
        _ = try YAMLReader.document(String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "\n", file: "f.yaml")
        let deep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1) + "\n"
        #expect(failure { _ = try YAMLReader.document(deep, file: "f.yaml") }?.description
            == "f.yaml:1:65: nested more than 64 levels deep, the limit for a realm file")

        // A contract whose value nests one level too deep, in block style: the line where it happens.
        var contract = "name: c\nversion: \"1.0.0\"\nowner: a\nschema: {}\nvalue:\n"
        for level in 1..<limit { contract += String(repeating: "  ", count: level) + "k:\n" }
        contract += String(repeating: "  ", count: limit) + "- x\n"
        let e = try #require(failure { _ = try Contract.parse(contract, file: "c.yaml") })
        #expect(e.description == "c.yaml:\(5 + limit):\(2 * limit + 1): nested more than 64 levels deep, the limit for a realm file")
    }

    @Test func sizeAndNodeLimitsNameTheFileAndLine() throws {
        #expect(YAMLReader.Limits.realm.bytes == 32 << 20 && YAMLReader.Limits.realm.nodes == 1_000_000)
        let small = YAMLReader.Limits(bytes: 1 << 20, depth: 64, nodes: 10)
        // The list itself and nine items are ten values.
        _ = try YAMLReader.document((1...9).map { "- \($0)\n" }.joined(), file: "f.yaml", limits: small)
        #expect(failure { _ = try YAMLReader.document((1...10).map { "- \($0)\n" }.joined(), file: "f.yaml", limits: small) }?.description
            == "f.yaml:10:3: more than 10 values, the limit for a realm file")

        // A file above the size limit is refused before it is parsed; the line is where the limit falls.
        let line = "- " + String(repeating: "x", count: 1021) + "\n" // 1 KiB
        let header = "name: x\nmembers:\n"
        let tiny = YAMLReader.Limits(bytes: 8 << 10, depth: 64, nodes: 1_000_000)
        let over = header + String(repeating: line, count: 8)
        #expect(failure { _ = try YAMLReader.document(over, file: "d.yaml", limits: tiny) }?.description
            == "d.yaml:10: the file is \(over.utf8.count) bytes, more than the 8192 a realm file may have")
        // And at the realm's own limit, 32 MiB.
        let big = header + String(repeating: line, count: 32 << 10)
        #expect(failure { _ = try DomainRecord.parse(big, file: "d.yaml") }?.description
            == "d.yaml:32770: the file is \(big.utf8.count) bytes, more than the 33554432 a realm file may have")
    }
}
