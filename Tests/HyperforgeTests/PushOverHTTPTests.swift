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
        #expect(try env.gitOK("config", "--get-all", "credential.\(server.baseURL).helper", in: repo) == TestEnvironment.productsDirectory + "/git-credential-hforge\n")
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

    /// A server that refuses the token (401) makes git call `erase`: the token
    /// is marked rejected, never deleted, and not handed out until cleared.
    @Test func aRefusedTokenIsMarkedRejectedNotErased() throws {
        let env = try TestEnvironment("http-wrong")
        let server = try SmartHTTPServer(in: env, token: token)
        let bare = try server.createRepository("alice/tool.git", env: env)
        let repo = try setUp(env, server)
        let scope = "git/local/alice/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "stale-token").code == 0)
        let push = try env.git("hforge", "push", in: repo)
        #expect(push.code == 1, "\(push)")
        #expect(push.stderr.contains("push to local"))
        #expect(push.stderr.contains("forge 'local' is plain http"), "\(push)")
        #expect(server.entries.contains { $0.hasPrefix("denied wrong-token") })

        // Still stored, shown as rejected (text and JSON), with the host.
        let list = try env.run("git", ["scope", "list"])
        #expect(list.stdout.contains("1 secret") && list.stdout.contains("\(scope)  rejected by \(server.baseURL) at "), "\(list)")
        let json = try env.run("git", ["scope", "list", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let rejected = try #require(doc.first?["rejected"] as? [[String: Any]])
        #expect(rejected.first?["scope"] as? String == scope && rejected.first?["host"] as? String == server.baseURL, "\(json)")
        #expect((rejected.first?["rejected_at"] as? String)?.hasSuffix("Z") == true)

        // While marked: nothing is answered, and stderr says why and what clears it.
        let get = try env.run("git", ["scope", "get", scope])
        #expect(get.code == 2 && get.stdout.isEmpty, "\(get)")
        #expect(get.stderr.contains("marked rejected: \(server.baseURL) refused its token") && get.stderr.contains("git scope set \(scope)"), "\(get)")
        let fill = try env.run("git", ["credential", "fill"], in: repo, input: "protocol=http\nhost=127.0.0.1:\(server.port)\npath=alice/tool.git\n")
        #expect(!fill.stdout.contains("stale-token") && fill.stderr.contains("marked rejected"), "\(fill)")
        let again = try env.git("hforge", "push", in: repo)
        #expect(again.code == 1 && !server.entries.contains { $0.hasPrefix("accepted") }, "\(again)")

        // `git scope set` with the right token clears the mark; the push goes through.
        let set = try env.run("git", ["scope", "set", scope], input: token)
        #expect(set.code == 0 && set.stdout.contains("cleared the rejected mark"), "\(set)")
        #expect(!(try env.run("git", ["scope", "list"]).stdout.contains("rejected")))
        let ok = try env.git("hforge", "push", in: repo)
        #expect(ok.code == 0, "\(ok)\nserver: \(server.entries)")
        #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bare) == (try env.gitOK("rev-parse", "HEAD", in: repo)))
    }
}
