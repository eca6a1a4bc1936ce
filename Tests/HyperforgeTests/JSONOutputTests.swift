import Foundation
import HyperforgeCore
import Testing

/// Every command that has `--json`, run once in success and once failing as
/// a whole, so that TestEnvironment.run passes each document through the one
/// style's checker (JSONStyle). What is asserted here besides is the shape
/// the man pages document.
@Suite struct JSONOutputTests {
    func document(_ r: TestEnvironment.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
    }

    func error(_ r: TestEnvironment.Result, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let doc = try #require(try document(r) as? [String: Any], "\(r)", sourceLocation: sourceLocation)
        return try #require(doc["error"] as? [String: Any], "\(r)", sourceLocation: sourceLocation)
    }

    @Test func hforge() throws {
        let env = try TestEnvironment("json-hforge")
        let repo = try env.makeRepository("projects/tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "projects/tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        let status = try env.git("hforge", "status", "--json", in: repo)
        #expect(status.code == 0, "\(status)")
        let doc = try #require(try document(status) as? [String: Any])
        #expect(doc["in_sync"] as? Bool == true && (doc["config_files"] as? [String])?.count == 1)
        // The same keys every time: what is not known is null, not missing.
        let forge = try #require((doc["forges"] as? [[String: Any]])?.first)
        for key in ["ahead", "behind", "tracking_ref", "push_url"] { #expect(forge[key] is NSNull, "\(key) in \(forge)") }
        #expect(try env.git("hforge", "config", "--json", in: repo).code == 0)

        // Drift is status --exit-code's outcome (5): the report, not an error.
        try env.gitOK("remote", "set-url", "github", "git@github.com:someone/else.git", in: repo)
        let drift = try env.git("hforge", "status", "--json", "--exit-code", in: repo)
        let drifted = try document(drift) as? [String: Any]
        #expect(drift.code == 5 && drifted?["in_sync"] as? Bool == false, "\(drift)")

        // Failures as a whole: not a repository (4), a malformed config (3) with its file and line, a usage error (64).
        let outside = try env.run("git", ["hforge", "status", "--json"], in: env.root)
        #expect(try outside.code == 4 && (error(outside))["exit_status"] as? Int == 4, "\(outside)")
        try env.write("forges = [\"github\"\norg = 3\n", to: "projects/tool/.hyperforge/config.toml")
        let malformed = try env.git("hforge", "config", "--json", in: repo)
        let e = try error(malformed)
        #expect(malformed.code == 3 && (e["file"] as? String)?.hasSuffix("/.hyperforge/config.toml") == true && e["line"] is Int, "\(malformed)")
        #expect(!(malformed.stderr.isEmpty), "the message still goes to stderr for people")
        let usage = try env.git("hforge", "status", "--json", "--no-such-flag", in: repo)
        #expect(try usage.code == 64 && (error(usage))["message"] is String, "\(usage)")
        let help = try env.git("hforge", "status", "--json", "--help", in: repo)
        #expect(help.code == 0 && !help.stdout.contains("\"error\""), "help is not a failure")
    }

    @Test func realm() throws {
        let w = try RealmCheckTests.world("json-realm")
        #expect(try w.run("fungal", "fetch").code == 0)
        for args in [["status", "--json"], ["check", "--json"], ["check", "--format", "json"], ["admin", "cache", "stats", "--json"],
                     ["coordinator", "status", "--json"], ["session", "list", "--json"]] {
            let r = try w.env.run("git", ["realm"] + args, in: w.members["fungal"]!)
            #expect(r.code == 0, "git realm \(args.joined(separator: " ")): \(r)")
        }
        let stats = try #require(try document(try w.env.run("git", ["realm", "admin", "cache", "stats", "--json"], in: w.members["aperture"]!)) as? [String: Any])
        #expect(stats.keys.contains("hit_rate"), "\(stats)")
        let check = try #require(try document(try w.env.run("git", ["realm", "check", "--json"], in: w.members["fungal"]!)) as? [String: Any])
        #expect(check["contracts_checked"] is Int && check["findings"] is [Any])
        // A --contract the realm does not have is a usage error, not a clean check (a typo in CI must not pass).
        let typo = try w.env.run("git", ["realm", "check", "--contract", "s3-permisions", "--json"], in: w.members["fungal"]!)
        #expect(try typo.code == 64 && ((error(typo))["message"] as? String ?? "").contains("it must be a contract of realm letemcook: s3-access/s3-permissions"), "\(typo)")
        let both = try w.env.run("git", ["realm", "check", "--json", "--format", "junit"], in: w.members["fungal"]!)
        #expect(both.code == 64, "\(both)")

        // Not a member: the error as a document, with the status the man page gives.
        let stranger = try w.env.makeRepository("stranger")
        let notMember = try w.env.run("git", ["realm", "status", "--json"], in: stranger)
        #expect(try notMember.code == 4 && (error(notMember))["exit_status"] as? Int == 4, "\(notMember)")
        let checkOutside = try w.env.run("git", ["realm", "check", "--format", "json"], in: stranger)
        #expect(try checkOutside.code == 4 && (error(checkOutside))["message"] is String, "\(checkOutside)")
    }

    @Test func scope() throws {
        let env = try TestEnvironment("json-scope")
        let scope = "git/github/alice/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-1").code == 0)
        #expect(try env.run("git", ["scope", "get", scope]).code == 0)
        for args in [["grants", "--json"], ["pending", "--json"], ["list", "--json"], ["providers", "--json"], ["which", scope, "--json"]] {
            let r = try env.run("git", ["scope"] + args)
            #expect(r.code == 0, "git scope \(args.joined(separator: " ")): \(r)")
        }
        let grants = try #require(try document(try env.run("git", ["scope", "grants", "--json"])) as? [[String: Any]])
        let granted = try #require(grants.first?["granted_at"] as? String)
        #expect(granted.hasSuffix("Z") && granted.count >= 20, "a time as RFC 3339 UTC, not seconds since 2001: \(granted)")

        let bad = try env.run("git", ["scope", "which", "not/a/scope", "--json"])
        #expect(try bad.code != 0 && (error(bad))["exit_status"] as? Int == Int(bad.code), "\(bad)")
    }
}
