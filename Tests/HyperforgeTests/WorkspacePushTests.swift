import Foundation
import Testing

/// `git hforge workspace push` and `fetch` against the sshd forges: five
/// repositories, each on both forges with that forge's own key.
@Suite(.enabled(if: SSHServer.isAvailable, "needs openssh-server (sshd)"))
struct WorkspacePushTests {
    @Test func pushStopsAtTheFirstFailureAndKeepGoingPushesTheRest() throws {
        let env = try TestEnvironment("ws-push")
        let server = try SSHServer(in: env)
        let ws = env.root + "/ws"
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "hforge.sshProgram", "ssh -F \(server.clientConfig)", in: env.root)
        try env.write("""
            org = "alice"
            forges = ["forgea", "forgeb"]

            [ssh]
            forgea = "\(server.forgeA.privateKey)"
            forgeb = "\(server.forgeB.privateKey)"

            """ + server.customForgesTOML, to: "ws/.hyperforge/defaults.toml")
        let names = ["p1", "p2", "p3", "p4", "p5"]
        var bares: [String: (String, String)] = [:]
        for name in names {
            let repo = try env.makeRepository("ws/" + name)
            try env.write("", to: "ws/\(name)/.hyperforge/config.toml")
            try env.gitOK("add", ".hyperforge", in: repo)
            try env.gitOK("commit", "-q", "-m", "hyperforge", in: repo)
            bares[name] = (try server.createRepository("alice/\(name).git", on: server.forgeA, env: env),
                           try server.createRepository("alice/\(name).git", on: server.forgeB, env: env))
        }
        // The third repository is rejected by forge A.
        let hook = bares["p3"]!.0 + "/hooks/pre-receive"
        try env.write("#!/bin/sh\necho 'forge A: p3 is frozen' >&2\nexit 1\n", to: hook)
        chmod(hook, 0o755)
        let sync = try env.git("hforge", "workspace", "sync", in: ws)
        #expect(sync.code == 0, "\(sync)")
        let log = server.directory + "/sshd.log"
        func logSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? Int) ?? -1 }
        func snapshots() throws -> [String: [String: Data]] {
            var all: [String: [String: Data]] = [:]
            for (name, (a, b)) in bares { all[name + "/a"] = try TestEnvironment.snapshot(a); all[name + "/b"] = try TestEnvironment.snapshot(b) }
            return all
        }
        func hasMain(_ bare: String) throws -> Bool { try env.git("rev-parse", "--verify", "-q", "refs/heads/main", in: bare).code == 0 }

        // Dry runs contact nothing and change nothing.
        let untouched = try snapshots(), quiet = logSize(), local = try TestEnvironment.snapshot(ws)
        let dry = try env.git("hforge", "workspace", "push", "--dry-run", in: ws)
        #expect(dry.code == 0 && dry.stdout.contains("main -> forgea (ssh://"), "\(dry)")
        #expect(dry.stdout.contains("dry run: nothing was pushed (5 repositories would be)"), "\(dry)")
        let dryFetch = try env.git("hforge", "workspace", "fetch", "--dry-run", in: ws)
        #expect(dryFetch.code == 0 && dryFetch.stdout.contains("dry run: 5 repositories, nothing was fetched"), "\(dryFetch)")
        #expect(try snapshots() == untouched)
        #expect(try TestEnvironment.snapshot(ws) == local, "a dry run changed a repository")
        #expect(logSize() == quiet, "a dry run connected to the forges")

        // The third fails: the first two are pushed, the fourth and fifth not contacted.
        let push = try env.git("hforge", "workspace", "push", in: ws)
        #expect(push.code == 1, "\(push)")
        #expect(push.stdout.contains("✓ p1\n") && push.stdout.contains("✓ p2\n") && push.stdout.contains("✗ p3\n"), "\(push)")
        #expect(push.stdout.contains("forge A: p3 is frozen"), "\(push)")
        #expect(push.stdout.contains("pushed: 2 of 5; failed: p3; not attempted: p4, p5"), "\(push)")
        #expect(push.stderr.contains("--keep-going"), "\(push)")
        for name in ["p1", "p2"] { #expect(try hasMain(bares[name]!.0) && hasMain(bares[name]!.1), "\(name) was pushed to both forges") }
        #expect(try !hasMain(bares["p3"]!.0) && !hasMain(bares["p3"]!.1), "p3's second forge is not contacted after its first failed")
        let after = try snapshots()
        for name in ["p3", "p4", "p5"] {
            #expect(after[name + "/a"] == untouched[name + "/a"] && after[name + "/b"] == untouched[name + "/b"], "\(name) was changed")
        }

        // --keep-going: the rest are pushed, every failure reported.
        let all = try env.git("hforge", "workspace", "push", "--keep-going", "--json", in: ws)
        #expect(all.code == 1, "\(all)")
        let doc = try #require(JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])
        let outcomes = (doc["repositories"] as? [[String: Any]] ?? []).map { "\($0["relative_path"]!)=\($0["outcome"]!)" }
        #expect(outcomes == ["p1=pushed", "p2=pushed", "p3=failed", "p4=pushed", "p5=pushed"], "\(all)")
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["failed"] as? [String] == ["p3"] && summary["not_attempted"] as? [String] == [])
        let p3 = (doc["repositories"] as? [[String: Any]])?.first { $0["relative_path"] as? String == "p3" }
        #expect(((p3?["error"] as? [String: Any])?["message"] as? String)?.contains("push to forgea") == true, "\(all)")
        for name in ["p4", "p5"] { #expect(try hasMain(bares[name]!.0) && hasMain(bares[name]!.1), "\(name) was pushed with --keep-going") }

        // Fetch every forge of every repository, then status sees them.
        let fetch = try env.git("hforge", "workspace", "fetch", "--jobs", "2", in: ws)
        #expect(fetch.code == 0, "\(fetch)")
        #expect(fetch.stdout.contains("5 repositories: 5 fetched from every forge"), "\(fetch)")
        let status = try env.git("hforge", "workspace", "status", in: ws)
        #expect(status.code == 0, "\(status)")
        #expect(status.stdout.contains("p1  main  clean  forgea up to date; forgeb up to date"), "\(status)")
        #expect(status.stdout.contains("p3  main  clean  forgea not fetched; forgeb not fetched"), "\(status)")
    }
}
