import Foundation
import Testing

/// `git hforge workspace sync --create`: each repository goes through what
/// `git hforge sync --create` does first (the forges asked, the repository
/// created where missing), inside the one plan for all.
@Suite struct WorkspaceCreateTests {
    @Test func createAsksEachForgeFirstAndAFailingRepositoryIsNotSynced() throws {
        let env = try TestEnvironment("ws-create")
        let ws = env.root + "/ws"
        // A forge of the user's own (auth.toml) whose API nobody answers, and one only a committed config declares.
        let port = 1 + Int.random(in: 20000..<60000)
        try env.write("""
            [custom_forges.dead]
            kind = "forgejo"
            host = "127.0.0.1"
            web_url = "http://127.0.0.1:\(port)"

            """, to: "home/.config/hyperforge/auth.toml")
        try env.write("org = \"alice\"\n", to: "ws/.hyperforge/defaults.toml")
        func member(_ name: String, _ config: String) throws -> String {
            let path = try env.makeRepository("ws/" + name)
            try env.write(config, to: "ws/\(name)/.hyperforge/config.toml")
            try env.gitOK("add", ".hyperforge", in: path)
            try env.gitOK("commit", "-q", "-m", "config", in: path)
            return path
        }
        let committed = try member("committed", "forges = [\"mine\"]\n\n[custom_forges.mine]\nkind = \"gitea\"\nhost = \"git.example.org\"\n")
        let unreachable = try member("unreachable", "forges = [\"dead\"]\n")
        let before = try TestEnvironment.snapshot(ws)

        let dry = try env.git("hforge", "workspace", "sync", "--create", "--dry-run", in: ws)
        // No token for "dead": the dry run still plans it, its forge step unknown (exit 0); the real run fails it.
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("committed:"), "\(dry)")
        #expect(dry.stdout.contains("mine is declared only by a repository's committed config"), "\(dry)")
        #expect(dry.stdout.contains("unknown (no token for git/dead/alice/repo/unreachable/token"), "\(dry)")
        #expect(try TestEnvironment.snapshot(ws) == before, "the dry run changed a file")

        let sync = try env.git("hforge", "workspace", "sync", "--create", "--json", in: ws)
        #expect(sync.code == 1, "\(sync)")
        let doc = try #require(JSONSerialization.jsonObject(with: Data(sync.stdout.utf8)) as? [String: Any])
        let entries = doc["repositories"] as? [[String: Any]] ?? []
        let c = try #require(entries.first { $0["relative_path"] as? String == "committed" })
        #expect(c["outcome"] as? String == "changed", "\(sync)")
        #expect((c["on_forges"] as? [String])?.contains { $0.contains("no request is sent to its API") } == true, "\(sync)")
        let u = try #require(entries.first { $0["relative_path"] as? String == "unreachable" })
        #expect(u["outcome"] as? String == "failed", "\(sync)")
        #expect(((u["error"] as? [String: Any])?["exit_status"] as? Int) == 1, "\(sync)")
        // The committed-config forge got its remote; the repository whose forge failed was not synced.
        #expect(try env.gitOK("remote", in: committed) == "mine\n")
        #expect(try env.gitOK("remote", in: unreachable) == "")
    }
}
