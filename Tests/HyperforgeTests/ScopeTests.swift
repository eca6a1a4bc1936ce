import Foundation
import HyperforgeCore
@testable import HyperforgeSecrets
import Testing

@Suite struct ScopeGrammarTests {
    @Test(arguments: [
        "git/github/alice/repo/my-tool/token",
        "git/codeberg/acme-corp/repo/web-app/token",
        "git/gitlab/group/sub/team/repo/lib-core/token",
        "git/github/alice/token",
        "git/gitlab/group/sub/token",
        "cargo/bob/serde-thing/token",
        "npm/@acme/widgets/token",
        "pypi/alice/my_pkg/token",
    ])
    func roundTrips(text: String) throws {
        #expect(try Scope(parsing: text).path == text)
    }

    @Test func gitLabSubgroupsAreOrgs() throws {
        #expect(try Scope(parsing: "git/gitlab/group/sub/repo/x/token") == .git(forge: "gitlab", org: "group/sub", repo: "x"))
        // No org segment may be called "repo": git/F/a/repo/b/token would read
        // both as a's repository b and as the token of group a/repo/b.
        #expect(throws: ScopeError.self) { try Scope(parsing: "git/gitlab/repo/repo/x/token") }
        #expect(throws: ScopeError.self) { try Scope(parsing: "git/gitlab/a/repo/repo/x/token") }
        #expect(try Scope(parsing: "git/gitlab/group/sub/token") == .gitOwner(forge: "gitlab", owner: "group/sub"))
        #expect(try Scope(parsing: "git/github/alice/token") == .gitOwner(forge: "github", owner: "alice"))
    }

    @Test(arguments: [
        "", "git/github/token", "git/github/repo/token", "git/gitlab/a/repo/token", "git/github/alice/repo/my-tool", "git/github/../repo/x/token",
        "git/github/alice/repo/../token", "git/GitHub/alice/repo/x/token", "git/github//repo/x/token",
        "npm/acme/widgets/token", "cargo/a/b/c/token", "svn/a/b/token", "git/github/a b/repo/x/token",
        "git/github/alice/repo/x\u{0}/token",
    ])
    func rejects(text: String) {
        #expect(throws: ScopeError.self) { try Scope(parsing: text) }
    }

    @Test func derivedFromRemoteURLs() {
        let forges = Forge.builtIn + [Forge(name: "corp", kind: .gitlab, host: "git.corp.example", sshPort: 2222)]
        #expect(Scope.forRemote("git@github.com:alice/tool.git", forges: forges) == .git(forge: "github", org: "alice", repo: "tool"))
        #expect(Scope.forRemote("https://codeberg.org/alice/tool", forges: forges) == .git(forge: "codeberg", org: "alice", repo: "tool"))
        #expect(Scope.forRemote("ssh://git@git.corp.example:2222/g/sub/tool.git", forges: forges) == .git(forge: "corp", org: "g/sub", repo: "tool"))
        #expect(Scope.forRemote("https://github.com/a/b/c.git", forges: forges) == nil) // no subgroups on GitHub
        #expect(Scope.forRemote("https://example.com/alice/tool.git", forges: forges) == nil)
        #expect(Scope.forRemote("http://github.com/alice/tool.git", forges: forges) == nil) // other protocol
    }
}

@Suite struct RoutingTests {
    let text = """
    [auth]
    default = "local"
    default_policy = "auto"
    approval_timeout = 5

    [auth.providers.local]
    type = "file"

    [auth.providers.work]
    type = "command"
    get = "echo x"

    [auth.providers.ci]
    type = "env"
    variable = "GITHUB_TOKEN"

    [auth.routing]
    "git/github/acme-corp/*" = "work"
    "git/github/acme-corp/repo/public-*" = "ci"
    "git/github/*" = "local"

    [auth.policy]
    "git/github/acme-corp/*" = "approve"
    "git/github/mallory/*" = "deny"
    """

    @Test func mostSpecificPatternWins() throws {
        let auth = try AuthConfig.parse(text, path: "/auth.toml")
        #expect(auth.route("git/github/acme-corp/repo/api/token").provider.name == "work")
        #expect(auth.route("git/github/acme-corp/repo/api/token").pattern?.glob == "git/github/acme-corp/*")
        #expect(auth.route("git/github/acme-corp/repo/public-site/token").provider.name == "ci")
        #expect(auth.route("git/github/alice/repo/x/token").provider.name == "local")
        #expect(auth.route("git/gitlab/alice/repo/x/token").pattern == nil)
        // `acme-corp/*` needs the slash: another org with that prefix is not matched.
        #expect(auth.route("git/github/acme-corp-evil/repo/x/token").provider.name == "local")
        #expect(auth.policy("git/github/acme-corp/repo/api/token").policy == .approve)
        #expect(auth.policy("git/github/mallory/repo/x/token").policy == .deny)
        #expect(auth.policy("npm/@x/y/token").policy == .auto)
        #expect(auth.approvalTimeout == 5)
    }

    @Test func badConfigNamesFileAndLine() {
        #expect(throws: ConfigError.self) { try AuthConfig.parse("[auth]\ndefault = \"nope\"\n", path: "/a") }
        let e = #expect(throws: ConfigError.self) { try AuthConfig.parse("[auth.providers.x]\ntype = \"vault9\"\n", path: "/a") }
        #expect(e?.description.hasPrefix("/a:2") == true)
        let u = #expect(throws: ConfigError.self) { try AuthConfig.parse("[auth.providers.x]\ntype = \"file\"\nsecret = \"x\"\n", path: "/a") }
        #expect(u?.description == "/a:3: unknown key 'auth.providers.x.secret'")
        #expect(throws: ConfigError.self) { try AuthConfig.parse("[auth.routing]\n\"git/*\" = \"missing\"\n", path: "/a") }
        #expect(throws: ConfigError.self) { try AuthConfig.parse("[auth.policy]\n\"git/*\" = \"maybe\"\n", path: "/a") }
    }

    @Test func customForgesFollowTheHyperforgeConfigRules() throws {
        let auth = try AuthConfig.parse("[custom_forges.corp]\nkind = \"gitlab\"\nhost = \"git.corp.example\"\nssh_port = 2222\n", path: "/a")
        #expect(auth.forges.last == Forge(name: "corp", kind: .gitlab, host: "git.corp.example", sshPort: 2222))
        let port = #expect(throws: ConfigError.self) { try AuthConfig.parse("[custom_forges.corp]\nkind = \"gitlab\"\nhost = \"h\"\nssh_port = 70000\n", path: "/a") }
        #expect(port?.description.hasPrefix("/a:4") == true)
        let typo = #expect(throws: ConfigError.self) { try AuthConfig.parse("[custom_forges.corp]\nkind = \"gitlab\"\nhots = \"h\"\n", path: "/a") }
        #expect(typo?.description == "/a:3: unknown key 'custom_forges.corp.hots'")
        #expect(throws: ConfigError.self) { try AuthConfig.parse("[custom_forges.corp]\nkind = \"gitlab\"\n", path: "/a") }
    }

    @Test func globs() {
        #expect(Glob.matches("git/*", "git/a/b"))
        #expect(Glob.matches("*token", "git/a/token"))
        #expect(Glob.matches("git/?/x", "git/a/x"))
        #expect(!Glob.matches("git/?/x", "git/ab/x"))
        #expect(!Glob.matches("git/a", "git/ab"))
    }
}
