import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
@testable import HyperforgeSecrets
import Testing

/// Issue 12: bounded resources wherever input comes from others, each limit
/// named in the error with the file and where in it. (The coordinator's
/// HTTP limits are CoordinatorLimitsTests; TOML files over 4 MiB are
/// OurErrorsTests; the YAML reader's own limits are YAMLReaderTests.)
@Suite struct ResourceLimitsTests {
    typealias World = RealmEndToEndTests.World

    /// Nine levels of nine aliases each: 9^9 (387 million) strings once
    /// expanded. On the main every member's fetch, status and check
    /// ran for a minute and reached 14–19 GB before being killed.
    static let aliasBomb: String = {
        var bomb = "name: s3-permissions\nversion: \"1.5.0\"\nowner: aperture\nschema: {}\nvalue:\n"
        bomb += "  a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            bomb += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        return bomb
    }()

    /// Commits `text` as the realm's s3-permissions with plain git, as a member gone wrong would.
    static func pushContract(_ w: World, _ text: String) throws -> String {
        let edit = w.env.root + "/edit-\(UUID().uuidString.prefix(6))"
        try w.env.gitOK("clone", "-q", w.realmGitDir, edit, in: w.env.root)
        try w.env.write(text, to: edit + "/domains/s3-access/contracts/s3-permissions.yaml")
        try w.env.gitOK("commit", "-q", "-am", "contract by hand", in: edit)
        try w.env.gitOK("push", "-q", "origin", "main", in: edit)
        return try w.tip()
    }

    /// The alias bomb in a realm: refused at its first anchor by fetch (exit
    /// 3, file:line:column), `fetched` stays at the last good commit, status,
    /// check and the pre-commit hook go on from there. A `fetched` that does
    /// point at it (as a version without this reader could have left it)
    /// makes status and check fail at once, naming the file and line.
    @Test func anAliasBombContractIsRefusedBeforeAnythingExpands() throws {
        let w = try RealmCheckTests.world("limits-alias-bomb")
        let fungal = w.members["fungal"]!
        try w.ok("fungal", "fetch")
        let good = try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: fungal).trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try w.run("fungal", "check")
        let bomb = try Self.pushContract(w, Self.aliasBomb)
        let place = "domains/s3-access/contracts/s3-permissions.yaml:6:6: an anchor (&a): realm files may not use anchors and aliases"

        let fetch = try w.run("fungal", "fetch")
        #expect(fetch.code == 3 && fetch.stderr.contains(place), "\(fetch)")
        #expect(try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: fungal).trimmingCharacters(in: .whitespacesAndNewlines) == good)
        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0 && status.stderr.contains(place), "\(status)")
        let check = try w.run("fungal", "check", "--fetch")
        #expect(check.code == before.code && check.stderr.contains(place), "\(check)")
        try w.ok("fungal", "hooks", "install")
        try w.env.write("change\n", to: fungal + "/README")
        try w.env.gitOK("commit", "-q", "-am", "a commit the hook checks", in: fungal)

        // fetched at the bomb itself.
        try w.env.gitOK("fetch", "-q", w.realmGitDir, "main", in: fungal)
        try w.env.gitOK("update-ref", "refs/realm/letemcook/fetched", bomb, in: fungal)
        for args in [["status"], ["status", "--json", "--no-cache"], ["check"], ["check", "--no-cache", "--format", "json"]] {
            let r = try w.env.run("git", ["realm"] + args, in: fungal)
            #expect(r.code == 3 && r.stderr.contains(place), "\(args): \(r)")
        }
        try w.env.write("again\n", to: fungal + "/README")
        let commit = try w.env.git("commit", "-q", "-am", "the hook refuses", in: fungal)
        #expect(commit.code != 0 && commit.stderr.contains(place), "\(commit)")
    }

    /// JSON Schema's own "billion laughs": no loop, but every level reaches
    /// the next twice, so one small value means 2^40 evaluations. Stopped
    /// by the evaluation budget, naming where in the schema and the value.
    @Test func aSchemaWhoseRefsMultiplyIsStoppedByTheBudget() throws {
        var defs: [String: JSONValue] = ["d40": .object(["type": .string("string")])]
        for i in 0..<40 {
            let next = JSONValue.object(["$ref": .string("#/$defs/d\(i + 1)")])
            defs["d\(i)"] = .object(["allOf": .array([next, next])])
        }
        let schema = JSONValue.object(["$defs": .object(defs), "$ref": .string("#/$defs/d0")])
        let compiled = try SchemaRegistry().compile(schema)
        let runs: [() throws -> Void] = [{ _ = try compiled.isValid(.string("x")) }, { _ = try compiled.validate(.array([.string("x")])) }]
        for run in runs {
            let e = try #require(throws: SchemaError.self) { try run() }
            #expect(e.reason.contains("needs more than 100") && e.reason.contains("(100000 plus 100 per value in it)"), "\(e)")
            #expect(e.reason.contains("subschema evaluations, the limit for a value of its size"), "\(e)")
            #expect(e.keywordLocation.hasPrefix("/$ref/allOf/0/$ref/allOf/0/$ref"), "\(e)")
        }
        #expect(Evaluation.budget(for: .string("x")) == 100_100)
        #expect(Evaluation.budget(for: .array([.integer(1), .object(["a": .null])])) == 100_000 + 4 * 100)
        // Ten levels (2^10 paths, a few thousand evaluations) is within the budget.
        var small: [String: JSONValue] = ["d10": .object(["type": .string("integer")])]
        for i in 0..<10 {
            let next = JSONValue.object(["$ref": .string("#/$defs/d\(i + 1)")])
            small["d\(i)"] = .object(["allOf": .array([next, next])])
        }
        let ok = try SchemaRegistry().compile(.object(["$defs": .object(small), "$ref": .string("#/$defs/d0")]))
        #expect(try ok.isValid(.integer(5)))
    }

    /// The same schema in a contract: `git realm check` reports it as the
    /// contract's error (file, JSON pointer) and finishes.
    @Test func aContractWhoseSchemaRefsMultiplyIsAnErrorNotAHang() throws {
        let w = try RealmCheckTests.world("limits-ref-budget")
        var schema = "schema:\n  $ref: \"#/$defs/d0\"\n  $defs:\n    d40: { type: object }\n"
        for i in 0..<40 { schema += "    d\(i): { allOf: [ { $ref: \"#/$defs/d\(i + 1)\" }, { $ref: \"#/$defs/d\(i + 1)\" } ] }\n" }
        let text = RealmCheckTests.contractV1
            .replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"2.0.0\"\nowner")
            .replacingOccurrences(of: "schema:\n  type: object\n  required: [read]\n", with: schema + "  required: [read]\n")
            + "  - version: \"2.0.0\"\n    changes: [\"x\"]\n    compatible: false\n"
        try RealmCheckTests.writeWorking(w, text)
        let r = try w.run("aperture", "check", "--mode", "contract", "--no-cache")
        #expect(r.code == 1, "\(r)")
        #expect(r.stdout.contains(".hyperforge/contracts/s3-access/s3-permissions.yaml") && r.stdout.contains("/schema/$ref/allOf/0/$ref"), "\(r)")
        #expect(r.stdout.contains("subschema evaluations, the limit for a value of its size"), "\(r)")
    }

    /// JSON: nesting and size, with the file and place.
    @Test func jsonDepthAndSizeAreLimited() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        let e = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse(deep, file: "body.json") }
        #expect(e.description == "body.json:1:\(JSONParser.maximumDepth + 1): invalid JSON: nested more than 512 levels deep, the limit for JSON")
        _ = try JSONParser.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        let big = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse("[1, 2, 3]", file: "answer", limit: 8) }
        #expect(big.description == "answer:1:1: invalid JSON: the text is 9 bytes, more than the 8 bytes JSON may have here")
        #expect(JSONParser.maximumBytes == 64 << 20)
        let huge = [UInt8](repeating: 0x20, count: JSONParser.maximumBytes + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(huge, file: "huge") }
    }

    /// git's credential protocol: line length, line count and request size,
    /// refused with which limit and where (the fast path declines the same
    /// input and the full helper says why); git's own requests are unaffected.
    @Test func credentialRequestsAreBoundedInLinesAndBytes() throws {
        let env = try TestEnvironment("limits-credential")
        let head = "protocol=https\nhost=github.com\npath=alice/tool.git\n"
        let cases: [(String, String)] = [
            (String(repeating: "x", count: 65537) + "=1\n\n", "line 1 of the request (stdin) is longer than 65536 bytes, the limit for one line"),
            (head + String(repeating: "capability[]=authtype\n", count: 1000) + "\n", "the request (stdin) has more than 1000 lines before its blank line, the limit for a request"),
            (head + String(repeating: "wwwauth[]=" + String(repeating: "y", count: 1000) + "\n", count: 1100) + "\n", "the request (stdin) is larger than 1 MiB, the limit for a request"),
        ]
        for (input, message) in cases {
            #expect(CredentialFastPath.get(input: Array(input.utf8), context: env.context(in: env.root)) == nil)
            let r = try env.run("git", ["credential-hforge", "get"], input: input)
            #expect(r.code == 0 && r.stdout.isEmpty, "\(r)")
            #expect(r.stderr.contains(message), "\(message): \(r)")
        }
        // Up to the limits: parsed.
        let many = head + String(repeating: "capability[]=authtype\n", count: 997) + "\n" + String(repeating: "after the blank line\n", count: 5000)
        #expect(try CredentialRequest.parse(Array(many.utf8)).host == "github.com")
        let long = "protocol=https\nhost=github.com\npath=" + String(repeating: "p", count: 65536 - 5) + "\n\n"
        #expect(try CredentialRequest.parse(Array(long.utf8)).path?.count == 65531)
    }

    /// `git scope set` reads at most 1 MiB from stdin: a longer secret is
    /// refused and nothing is stored (it was cut at 4 MiB and stored cut).
    @Test func aSecretLargerThanTheLimitIsRefusedNotCut() throws {
        let env = try TestEnvironment("limits-secret")
        let scope = "git/github/alice/repo/tool/token"
        for size in [(1 << 20) + 1, 5 << 20] {
            let r = try env.run("git", ["scope", "set", scope], input: String(repeating: "s", count: size))
            #expect(r.code == 64 && r.stderr.contains("the secret on stdin is larger than 1 MiB, the limit for a secret; nothing was stored"), "\(r.stderr)")
            #expect(try env.run("git", ["scope", "list"]).stdout.contains(scope) == false)
        }
        let ok = try env.run("git", ["scope", "set", scope], input: String(repeating: "s", count: 1 << 20) + "\r\n")
        #expect(ok.code == 0, "\(ok)")
        #expect(try env.run("git", ["scope", "get", scope]).stdout == String(repeating: "s", count: 1 << 20) + "\n")
    }
}
