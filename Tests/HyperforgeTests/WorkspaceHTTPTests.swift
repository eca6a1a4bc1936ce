import Foundation
import Testing

/// Workspace commands over a forge the user's config puts on plain http
/// (git's smart HTTP behind a server that demands a token).
@Suite(.enabled(if: SmartHTTPServer.isAvailable, "needs python3"))
struct WorkspaceHTTPTests {
    func count(_ text: String, _ what: String) -> Int { text.components(separatedBy: what).count - 1 }

    /// Said once per host for the run, not once per repository: not in each
    /// plan, not in each failed fetch's git output.
    @Test func plainHTTPIsSaidOncePerHostPerRun() throws {
        let env = try TestEnvironment("ws-http")
        let server = try SmartHTTPServer(in: env, token: "ws-token-Hq4")
        try env.write("""
        org = "alice"
        protocol = "https"
        forges = ["local"]

        [custom_forges.local]
        kind = "forgejo"
        host = "127.0.0.1"
        web_url = "\(server.baseURL)"

        """, to: "ws/.hyperforge/defaults.toml")
        for name in ["a", "b", "c"] {
            let repo = try env.makeRepository("ws/\(name)")
            try env.write("", to: "ws/\(name)/.hyperforge/config.toml")
            try env.gitOK("add", ".hyperforge", in: repo)
            try env.gitOK("commit", "-q", "-m", "config", in: repo)
            guard name != "c" else { continue }  // c: not on the server, and no token
            _ = try server.createRepository("alice/\(name).git", env: env)
            #expect(try env.run("git", ["scope", "set", "git/local/alice/repo/\(name)/token"], input: "ws-token-Hq4").code == 0)
        }
        let ws = env.root + "/ws"

        let dry = try env.git("hforge", "workspace", "sync", "--dry-run", in: ws)
        #expect(dry.code == 0, "\(dry)")
        #expect(count(dry.stderr, "is plain http") == 1 && dry.stderr.contains(server.baseURL), "once for the run: \(dry)")
        #expect(!dry.stdout.contains("plain http"), "not in each repository's plan: \(dry)")
        let sync = try env.git("hforge", "workspace", "sync", in: ws)
        #expect(sync.code == 0 && count(sync.stderr, "is plain http") == 1, "\(sync)")

        let fetch = try env.git("hforge", "workspace", "fetch", "--jobs", "3", in: ws)
        #expect(fetch.code == 1, "c is not on the server: \(fetch)")
        #expect(fetch.stdout.contains("c  local failed"), "\(fetch)")
        #expect(count(fetch.stderr, "is plain http") == 1, "once for the run: \(fetch)")
        #expect(!fetch.stdout.contains("git-credential-hforge: warning"), "not in each repository's git output: \(fetch)")
        #expect(!fetch.stdout.contains("ws-token-Hq4") && !fetch.stderr.contains("ws-token-Hq4"))
    }
}
