import Foundation
@testable import HyperforgeCoordinator
@testable import HyperforgeCore
@testable import HyperforgeRealm
import HyperforgeSecrets
import Testing

/// What `scripts/fuzz.sh` found, each input minimized under
/// Tests/Fixtures/fuzz/TARGET (its README says what each one did), run
/// through the real parser: a typed error that names the file and place,
/// never a crash, a leak or a changed value.
@Suite struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/fuzz"

    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + path)))
    }

    static func text(_ path: String) throws -> String {
        try #require(String(validating: try fixture(path), as: UTF8.self), "\(path) is not UTF-8")
    }

    // MARK: TOML (toml++ inside TOMLKit stopped the process on these)

    static let tomlCases: [(file: String, line: Int, column: Int, reason: String)] = [
        ("config/header-comma.toml", 1, 2, "a table header must start with a key"),
        ("config/header-bom-control.toml", 1, 2, "a table header must start with a key"),
        ("config/header-triple-bracket.toml", 1, 3, "a table header must start with a key"),
        ("config/datetime-bad-time.toml", 1, 11, "'0952-05-27T-7:3' is not a TOML value"),
        ("config/array-closing-brace.toml", 1, 11, "an array holds a '}'"),
        ("auth/header-angle.toml", 1, 2, "a table header must start with a key"),
    ]

    @Test(arguments: tomlCases.indices)
    func tomlThatStoppedTheParserIsRefusedWithItsPlace(_ index: Int) throws {
        let c = Self.tomlCases[index]
        let text = try Self.text(c.file)
        let error = #expect(throws: ConfigError.self) {
            if c.file.hasPrefix("auth/") {
                _ = try AuthConfig.parse(text, path: "/h/.config/hyperforge/auth.toml")
            } else {
                _ = try ConfigLoader.layer(text: text, path: "/r/.hyperforge/config.toml")
            }
        }
        guard case .malformed(let location, let reason)? = error else { Issue.record("\(c.file): \(String(describing: error))"); return }
        #expect(location.line == c.line && location.column == c.column, "\(c.file): \(location)")
        #expect(reason.hasPrefix(c.reason), "\(c.file): \(reason)")
    }

    /// Each of them as a repository's committed config: the command fails
    /// with the file:line (exit 3); before, toml++'s assertion aborted it.
    @Test func aCommittedConfigThatStoppedTheParserIsAnError() throws {
        let env = try TestEnvironment("fuzz-toml")
        let repo = try env.makeRepository("r")
        for c in Self.tomlCases where c.file.hasPrefix("config/") {
            try env.write(try Self.text(c.file), to: repo + "/.hyperforge/config.toml")
            let r = try env.git("hforge", "status", in: repo)
            #expect(r.code == 3, "\(c.file): \(r)")
            #expect(r.stderr.contains(".hyperforge/config.toml:\(c.line):\(c.column): malformed TOML"), "\(c.file): \(r)")
            #expect(!r.stderr.contains("Assertion") && !r.stderr.contains("crashed"), "\(c.file): \(r)")
        }
    }

    /// 100,000 dotted parts overflowed toml++'s stack (SIGSEGV); 64 are allowed.
    @Test func keysOfTooManyDottedPartsAreRefused() throws {
        func parts(_ n: Int) -> String { Array(repeating: "a", count: n).joined(separator: ".") }
        for text in ["[\(parts(100_000))]\n", "\(parts(100_000)) = 1\n", "x = { \(parts(65)) = 1 }\n", "[t]\n\"q.q\" . \(parts(64)) = 2\n"] {
            let error = #expect(throws: ConfigError.self) { _ = try TOMLSource.parse(text, path: "/r/d.toml") }
            guard case .malformed(let location, let reason)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(reason == "a key has more than 64 dotted parts" && location.line == text.filter({ $0 == "\n" }).count, "\(location) \(reason)")
        }
        _ = try TOMLSource.parse("[\(parts(64))]\n\(parts(64)) = 1\nx = { \(parts(64)) = [\"a.b.c\"] }\n", path: "/r/d.toml")
    }

    /// What the check must let through: TOML 1.0's constructs, including the
    /// places where `[` and `}` are text or values, not headers.
    @Test func validTOMLStillReads() throws {
        let text = "\u{FEFF}# comment [,x]\n" + #"""
        title = "[,not a header]"
        "quoted key" = 'literal [}'
        dotted . key."q.q" = 1
        multi = """
        [,still text]
        [} "" \""" ""
        ok"""
        lit = '''
        [[[1]]]
        '''
        nested = [ [1, 2], ["a", "b"], [ { x = 1 }, {} ], ]
        spanning = [
          1,   # a comment with [ and }
          -2,
          [3]
        ]
        inline = { a = 1, b.c = "d", e = [true, false], f = { g = 'h' } }
        ints = [0, +17, -0, 1_000, 0xDEAD_beef, 0o755, 0b1101]
        floats = [0.0, -1.5, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991, inf, -inf, +nan]
        dates = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00.999999-07:00, 1979-05-27 07:32:00, 1979-05-27t07:32:00z, 1979-05-27, 07:32:00, 00:32:00.999999]

        [table-1]
        key = "value"  # comment

        [ dog . "tater.man" ]
        type.name = "pug"

        [[fruits]]
        name = "apple"
        [[ fruits ]]
        name = "banana"

        """#
        _ = try TOMLSource.parse(text, path: "/r/valid.toml")
    }

    // MARK: JSON

    /// `2e+2222222` was read as infinity, which prints back as `null`.
    @Test func jsonNumbersBeyondADoubleAreRefused() throws {
        for bytes in [try Self.fixture("json/number-beyond-double.json"), Array("[1, -1e400]".utf8), Array(("[" + String(repeating: "9", count: 400) + "]").utf8)] {
            let error = #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(bytes, file: "n.json") }
            #expect(error?.reason == "a number out of range", "\(String(describing: error))")
        }
        #expect(try JSONParser.parse("[1e308, -1.7976931348623157e308, 5e-324]").jsonText == "[1e+308,-1.7976931348623157e+308,5e-324]")
    }

    // MARK: JSON Schema

    /// A backreference pattern that backtracks for hours on this value, in
    /// each keyword that runs a pattern: a schema error naming the keyword,
    /// at once; short values still validate, and the schema compares with itself.
    @Test func aHostileBackreferencePatternIsAnErrorNotAHang() throws {
        let document = try JSONParser.parse(try Self.fixture("schema/backreference-pattern-hostile.json"))
        guard case .array(let items) = document, items.count == 4 else { Issue.record("not [schema, instances...]"); return }
        let compiled = try SchemaRegistry().compile(items[0])
        for (instance, keyword) in [(items[1], "/properties/s/pattern"), (items[2], "/propertyNames/pattern")] {
            let error = #expect(throws: SchemaError.self) { try compiled.validate(instance) }
            #expect(error?.keywordLocation.hasSuffix(keyword) == true && error?.reason.contains("is too expensive to evaluate") == true,
                    "\(String(describing: error))")
        }
        #expect(try compiled.isValid(items[3]))
        #expect(try SchemaCompatibility.compare(old: compiled, new: compiled, backwards: true, forwards: true).isCompatible)
    }

    /// A schema whose `$ref`s lead back into itself (the draft-07 metaschema,
    /// a property that is `"$ref": "#"`) stayed allocated after its last use.
    @Test func recursiveSchemasAreFreed() throws {
        let document = try JSONParser.parse(try Self.fixture("schema/recursive-ref-cycle.json"))
        guard case .array(let items) = document, let schema = items.first else { Issue.record("not [schema, instances...]"); return }
        for schema in [schema, .object(["properties": .object(["child": .object(["$ref": .string("#")])])])] {
            weak var root: SchemaNode?
            weak var registryLeft: SchemaRegistry?
            do {
                let registry = SchemaRegistry()
                let compiled = try registry.compile(schema)
                for instance in items.dropFirst() + [.object(["child": .object(["child": .null])])] { _ = try compiled.validate(instance) }
                root = compiled.root
                registryLeft = registry
                #expect(root != nil)
            }
            #expect(registryLeft == nil && root == nil, "the compiled schema \(schema.jsonText) outlived its registry")
        }
    }

    // MARK: Realm files

    /// `.inf` and `1.0e+999` are YAML floats with no JSON meaning; a contract's
    /// schema and value travel as JSON (the realm index, scripts' input),
    /// where they became `null`.
    @Test func contractNumbersWithoutJSONMeaningAreRefused() throws {
        let text = try Self.text("realm/contract-infinite-number.yaml")
        let error = #expect(throws: RealmFileError.self) { _ = try Contract.parse(text, file: "domains/d/contracts/c.yaml") }
        #expect(error?.description == "domains/d/contracts/c.yaml:4: '.inf' is not a JSON number (a contract's schema and value are JSON)")
        let value = text.replacingOccurrences(of: "maximum: .inf", with: "maximum: 10")
        let valueError = #expect(throws: RealmFileError.self) { _ = try Contract.parse(value, file: "c.yaml") }
        #expect(valueError?.description.hasPrefix("c.yaml:5: '1.0e+999' is not a JSON number") == true, "\(String(describing: valueError))")
        let quoted = try Contract.parse(text.replacingOccurrences(of: ".inf", with: "\".inf\"").replacingOccurrences(of: "1.0e+999", with: "1.5"), file: "c.yaml")
        #expect(quoted.schema["maximum"] == .string(".inf") && quoted.value == .number(1.5))
    }

    // MARK: The coordinator's request reader, fed from bytes

    struct Bytes: HTTPByteSource {
        let bytes: [UInt8]
        let readSize: Int
        var offset = 0
        mutating func fill(_ buffer: inout [UInt8], until deadline: UInt64) -> HTTPFill {
            guard offset < bytes.count else { return .end }
            let end = min(bytes.count, offset + readSize)
            buffer.append(contentsOf: bytes[offset..<end])
            offset = end
            return .data
        }
    }

    @Test func theRequestReaderDecidesLimitsFromBytesAlone() throws {
        // Two pipelined requests, one byte at a time: both, in order, with the body.
        var reader = HTTPRequestReader(source: Bytes(bytes: Array("GET /health HTTP/1.1\r\n\r\nPOST /sessions?realm=r%2Fx HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".utf8), readSize: 1),
                                       limits: HTTPLimits())
        guard case .request(let first) = reader.readRequest(until: .max), case .request(let firstBody) = reader.readBody(of: first, until: .max) else {
            Issue.record("the first request was not read"); return
        }
        #expect(firstBody.path == "/health" && firstBody.keepAlive)
        guard case .request(let second) = reader.readRequest(until: .max), case .request(let secondBody) = reader.readBody(of: second, until: .max) else {
            Issue.record("the second request was not read"); return
        }
        #expect(secondBody.method == "POST" && secondBody.body == Array("{}".utf8) && secondBody.query.first?.value == "r/x" && !secondBody.keepAlive)
        guard case .closed = reader.readRequest(until: .max) else { Issue.record("more than two requests"); return }

        // A 1 MiB target: refused (414) once the limit is passed, with at most one read beyond it taken in.
        let limits = HTTPLimits()
        let huge = Array(("GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\n\r\n").utf8)
        var bounded = HTTPRequestReader(source: Bytes(bytes: huge, readSize: 4096), limits: limits)
        guard case .refused(let status, _) = bounded.readRequest(until: .max) else { Issue.record("a 1 MiB request line was not refused"); return }
        #expect(status == 414)
        #expect(bounded.source.offset <= limits.requestLine + 2 * 4096, "read \(bounded.source.offset) bytes of the request line")
    }
}
