import Foundation
import Testing

/// The real git pushes over HTTP to a server that demands a token, and gets
/// the token from git-credential-hforge, which reads it from the scope.
@Suite(.enabled(if: SmartHTTPServer.isAvailable, "needs python3"))
struct PushOverHTTPTests {
    let token = "forge-token-Zq81"

    func setUp(_ env: TestEnvironment, _ server: SmartHTTPServer) throws -> String {
        try env.write("""
        org = "alice"
        protocol = "https"

        [custom_forges.local]
        kind = "forgejo"
        host = "127.0.0.1"
        web_url = "\(server.baseURL)"

        """, to: "projects/.hyperforge/defaults.toml")
        let repo = try env.makeRepository("projects/tool")
        let r = try env.git("hforge", "init", "--forges", "local", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(try env.gitOK("remote", "get-url", "local", in: repo) == "\(server.baseURL)/alice/tool.git\n")
        #expect(try env.gitOK("config", "--get-all", "credential.\(server.baseURL).helper", in: repo) == "hforge\n")
        return repo
    }

    @Test func gitGetsTheTokenFromTheScope() throws {
        let env = try TestEnvironment("http-push")
        let server = try SmartHTTPServer(in: env, token: token)
        let bare = try server.createRepository("alice/tool.git", env: env)
        let repo = try setUp(env, server)
        #expect(try env.run("git", ["scope", "set", "git/local/alice/repo/tool/token"], input: token).code == 0)

        let push = try env.git("hforge", "push", in: repo)
        #expect(push.code == 0, "\(push)\nserver: \(server.entries)")
        #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bare) == (try env.gitOK("rev-parse", "HEAD", in: repo)))
        #expect(server.entries.contains { $0.hasPrefix("accepted user=x-access-token POST /alice/tool.git/git-receive-pack") })
        #expect(!push.stdout.contains(token) && !push.stderr.contains(token))

        // Another repository of another org gets nothing from this scope.
        try env.gitOK("remote", "add", "other", "\(server.baseURL)/bob/tool.git", in: repo)
        _ = try server.createRepository("bob/tool.git", env: env)
        let other = try env.git("push", "other", "main", in: repo)
        #expect(other.code != 0)
        #expect(!server.entries.contains { $0.contains("/bob/tool.git") && $0.hasPrefix("accepted") })
    }

    @Test func aWrongTokenIsRejectedAndForgotten() throws {
        let env = try TestEnvironment("http-wrong")
        let server = try SmartHTTPServer(in: env, token: token)
        _ = try server.createRepository("alice/tool.git", env: env)
        let repo = try setUp(env, server)
        #expect(try env.run("git", ["scope", "set", "git/local/alice/repo/tool/token"], input: "stale-token").code == 0)
        let push = try env.git("hforge", "push", in: repo)
        #expect(push.code == 1, "\(push)")
        #expect(push.stderr.contains("push to local"))
        #expect(server.entries.contains { $0.hasPrefix("denied wrong-token") })
        // git told the helper to erase the rejected credential: the scope is gone.
        #expect(try env.run("git", ["scope", "get", "git/local/alice/repo/tool/token"]).code == 1)
    }
}
