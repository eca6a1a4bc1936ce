import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// Realm files as written: every value reads back as written, by the model's
/// reader and node by node through libyaml (YAMLReader, which also refuses
/// anything a YAML 1.1 reader would type differently).
@Suite struct RealmWritingTests {
    @Test(arguments: ["true", "False", "yes", "no", "on", "null", "~", "1.0", "1", "0x1F", "1e3", "-", "2026-01-24",
                      "a: b", "# not a comment", "- item", "@handle", "eric@example.com", "jobs/*/masks/*", "*", "&anchor",
                      "[x]", "{x}", "a, b", " padded ", "", "multi\nline", "tab\there", "quote\"d", "it's", "ünïcödé", ">=1.0.0, <2.0.0"])
    func textReadsBackAsTheSameText(_ value: String) throws {
        let yaml = RealmYAML.document(RealmYAML.map([("k", RealmYAML.text(value)), ("l", RealmYAML.list([value]))]))
        let node = try YAMLReader.document(yaml, file: "w.yaml")
        #expect(node["k"]?.string == value, "\(yaml)")
        #expect(node["k"].flatMap(Self.value) == .string, "\(value) resolves as \(String(describing: node["k"].flatMap(Self.value))) in:\n\(yaml)")
        #expect(node["l"]?[0]?.string == value)
        #expect(node["l"]?[0].flatMap(Self.value) == .string)
    }

    static func value(_ node: YAMLNode) -> YAMLValue? {
        if case .scalar(let s) = node { return s.value }
        return nil
    }

    /// Text that YAML 1.1 reads as something else (a boolean, a base-60 or
    /// octal number, ...) is written quoted, so the reader, which refuses such
    /// plain scalars, reads it back as the same text; so are line and
    /// paragraph separators and control characters.
    @Test(arguments: ["Yes", "NO", "On", "OFF", "Y", "n", "yEs", "1:30", "12:30:45", "190:20:30.15", "017", "07", "08", "-012",
                      "0b1010", "1_000", "1_0.5", "0o17", "-0x1F", "<<", "=", "-.5", "+.5", "1.5e3", "1e3", "9E9",
                      "line\u{2028}sep", "para\u{2029}graph", "nel\u{85}x", "bell\u{7}", "nul\u{0}x", "\u{FEFF}bom", "del\u{7F}", "esc\u{1B}[0m"])
    func yaml11LookalikesAreQuotedOnWrite(_ value: String) throws {
        let yaml = RealmYAML.document(RealmYAML.map([("k", RealmYAML.text(value)), ("l", RealmYAML.list([value])), (value, RealmYAML.plain("1"))]))
        let node = try YAMLReader.document(yaml, file: "w.yaml")
        #expect(node["k"]?.string == value, "\(yaml)")
        #expect(node["k"].flatMap(Self.value) == .string)
        #expect(node["l"]?[0]?.string == value)
        #expect(node[value]?.string == "1", "as a key: \(yaml)")
        let domain = DomainRecord(name: "d", description: value, createdAt: nil, members: [])
        #expect(try DomainRecord.parse(domain.yaml(), file: "d.yaml") == domain)
    }

    /// Floats are written as both YAML versions read them: a '.' in the
    /// mantissa and a signed exponent (`1.0e+16`, where `1e+16` is text to
    /// YAML 1.1), and they read back as the same numbers.
    @Test func floatsAreWrittenSoBothYAMLVersionsReadThem() throws {
        let numbers: [Double] = [1e16, -2e-7, 1.5, 100, 0.1, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ("n\($0.offset)", JSONValue.number($0.element)) }))
        let yaml = RealmYAML.document(RealmYAML.json(value))
        #expect(yaml.contains("n0: 1.0e+16\n") && yaml.contains("n1: -2.0e-07\n") && yaml.contains("n3: 100.0\n"), "\(yaml)")
        #expect(try YAMLFields.json(YAMLReader.document(yaml, file: "n.yaml"), file: "n.yaml") == value)
        guard case .float(let nan)? = (try YAMLReader.document(RealmYAML.document(RealmYAML.json(.array([.number(.nan)]))), file: "n.yaml"))[0]
            .flatMap(Self.value) else { Issue.record("nan"); return }
        #expect(nan.isNaN)
    }

    @Test func writtenFilesParseBackToTheSameModel() throws {
        let v = try SemanticVersion(parsing: "1.4.0-rc.1+build.5")
        let contract = Contract(name: "s3-permissions", version: v, owner: "aperture", backwards: true, forwards: false,
                                schema: .object(["type": .string("object"), "required": .array([.string("read")]),
                                                 "properties": .object(["read": .object(["type": .string("array"), "default": .array([])])])]),
                                value: .object(["read": .array([.string("jobs/*"), .string("true"), .string("1.0")]), "n": .integer(3), "x": .number(1.5), "z": .null]),
                                validation: .init(exporter: "scripts/a.sh", importer: nil, ciOnly: ["scripts/ci.sh"]),
                                evolution: [.init(version: v, changes: ["Added: delete, with default []"], compatible: true)])
        #expect(try Contract.parse(contract.yaml(), file: "c.yaml") == contract)

        let binding = Binding(repo: "fungal", role: .consumer, exports: [], imports: [
            .init(contract: "s3-permissions", requirement: try VersionRequirement(parsing: ">=1.0.0, <2.0.0"), binding: "cdk/stack.py",
                  status: "current", resolvedVersion: try SemanticVersion(parsing: "1.4.0"), resolvedAt: "2026-01-24T12:00:00Z"),
        ])
        #expect(try Binding.parse(binding.yaml(), file: "b.yaml") == binding)

        let repo = RepoRecord(name: "aperture", org: "cultivarium", url: "git@github.com:cultivarium/aperture.git",
                              foreignPath: "/Users/someone/aperture", maintainers: ["eric@example.com"], joinedAt: "2026-01-24T10:00:00Z")
        let written = repo.yaml()
        #expect(!written.contains("path"), "machine-local paths are never written")
        var expected = repo
        expected.foreignPath = nil
        #expect(try RepoRecord.parse(written, file: "r.yaml") == expected)

        var manifest = RealmManifest(name: "letemcook", version: "1.0", createdAt: "2026-01-24T10:00:00Z", governance: .init(), trust: .init())
        manifest.trust.permissions = Dictionary(uniqueKeysWithValues: RealmManifest.defaultPermissions)
        manifest.governance.approvers = ["eric@example.com"]
        let text = manifest.yaml()
        #expect(try RealmManifest.parse(text, file: "realm.yaml") == manifest)
        #expect(text.contains("version: \"1.0\""), "\(text)")
        #expect(text.contains("  permissions:\n    repos/{repo}.yaml: [repo_maintainers]\n"), "\(text)")
    }

    @Test func cyclesAreFoundThroughEveryDomainOnThePath() throws {
        var g = DependencyGraph()
        g.add("a", "b", "s3-access")
        g.add("b", "c", "training")
        g.add("x", "a", "other")
        #expect(g.cycle(adding: "c", "a", through: "loop") == "a → (s3-access) → b → (training) → c → (loop) → a")
        #expect(g.cycle(adding: "b", "a", through: "feedback-loop") == "a → (s3-access) → b → (feedback-loop) → a")
        #expect(g.cycle(adding: "a", "c", through: "shortcut") == nil) // a diamond, not a cycle
        #expect(g.cycle(adding: "c", "x", through: "up") == "x → (other) → a → (s3-access) → b → (training) → c → (up) → x")
    }

    @Test func timestampsAreWhatISO8601DateFormatterWrites() {
        let iso = ISO8601DateFormatter()
        for seconds in [0.0, 1_769_248_800, 1_795_000_000.999, 951_782_400, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.utc(date) == iso.string(from: date))
        }
        #expect(Timestamp.utc(Date(timeIntervalSince1970: 1_769_248_800.0625), milliseconds: true) == "2026-01-24T10:00:00.062Z")
    }

    @Test func caretRangesAreWrittenTheRFCsWay() throws {
        #expect(Realm.caretRange(try SemanticVersion(parsing: "1.4.0")) == ">=1.4.0, <2.0.0")
        #expect(Realm.caretRange(try SemanticVersion(parsing: "0.3.1")) == ">=0.3.1, <0.4.0")
        #expect(Realm.caretRange(try SemanticVersion(parsing: "0.0.7")) == ">=0.0.7, <0.0.8")
        for v in ["1.4.0", "0.3.1", "0.0.7"] {
            let version = try SemanticVersion(parsing: v)
            let explicit = try VersionRequirement(parsing: try #require(Realm.caretRange(version)))
            let caret = try VersionRequirement(parsing: "^" + v)
            for probe in ["0.0.7", "0.0.8", "0.3.1", "0.3.9", "0.4.0", "1.4.0", "1.9.9", "2.0.0"] {
                let p = try SemanticVersion(parsing: probe)
                #expect(explicit.matches(p) == caret.matches(p), "\(v) vs \(probe)")
            }
        }
        // No version follows UInt64.max: no range (issue 12: `--contract-version
        // 18446744073709551615.0.0` trapped on the overflow).
        #expect(Realm.caretRange(try SemanticVersion(parsing: "18446744073709551615.0.0")) == nil)
        #expect(Realm.caretRange(try SemanticVersion(parsing: "0.18446744073709551615.3")) == nil)
        #expect(Realm.caretRange(try SemanticVersion(parsing: "0.0.18446744073709551615")) == nil)
        #expect(Realm.caretRange(try SemanticVersion(parsing: "18446744073709551614.0.0")) == ">=18446744073709551614.0.0, <18446744073709551615.0.0")
    }
}
