import HyperforgeCore
import Testing

@Suite struct RemoteURLTests {
    @Test(arguments: [
        ("git@github.com:alice/my-tool.git", RemoteURL.Scheme.ssh, "github.com", nil as Int?, "alice", "my-tool"),
        ("ssh://git@codeberg.org/alice/my-tool.git", .ssh, "codeberg.org", nil, "alice", "my-tool"),
        ("ssh://git@git.example.com:2222/team/app", .ssh, "git.example.com", 2222, "team", "app"),
        ("git+ssh://git@gitlab.com/group/sub/lib.git", .ssh, "gitlab.com", nil, "group/sub", "lib"),
        ("https://github.com/alice/my-tool.git", .https, "github.com", nil, "alice", "my-tool"),
        ("https://user:secret@gitlab.com/a/b/c.git/", .https, "gitlab.com", nil, "a/b", "c"),
        ("http://127.0.0.1:8080/alice/tool.git", .http, "127.0.0.1", 8080, "alice", "tool"),
        ("gitlab.com:group/sub/repo", .ssh, "gitlab.com", nil, "group/sub", "repo"),
    ])
    func parses(raw: String, scheme: RemoteURL.Scheme, host: String, port: Int?, owner: String, name: String) throws {
        let url = try #require(RemoteURL.parse(raw))
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
        let parts = try #require(url.ownerAndName)
        #expect(parts.owner == owner)
        #expect(parts.name == name)
    }

    @Test func neverKeepsAPassword() throws {
        let url = try #require(RemoteURL.parse("https://user:secret@example.com/a/b.git"))
        #expect(url.user == "user")
        #expect(!"\(url)".contains("secret"))
    }

    @Test func localPathsAreFileURLs() throws {
        #expect(RemoteURL.parse("/srv/git/repo.git")?.scheme == .file)
        #expect(RemoteURL.parse("../other")?.scheme == .file)
        #expect(RemoteURL.parse("file:///srv/x.git")?.scheme == .file)
        #expect(RemoteURL.parse("") == nil)
        #expect(RemoteURL.parse("ftp://x/y") == nil)
    }

    @Test func forgesRecogniseTheirURLs() throws {
        let custom = Forge(name: "work", kind: .forgejo, host: "git.example.com", sshPort: 2222)
        #expect(custom.matches(RemoteURL.parse("ssh://git@git.example.com:2222/a/b.git")!))
        #expect(!custom.matches(RemoteURL.parse("git@git.example.com:a/b.git")!))
        #expect(custom.matches(RemoteURL.parse("https://git.example.com/a/b.git")!))
        #expect(Forge.github.matches(RemoteURL.parse("git@github.com:a/b.git")!))
        #expect(!Forge.github.matches(RemoteURL.parse("git@github.com.evil.com:a/b.git")!))
    }

    @Test func buildsSeedURLPatterns() {
        #expect(Forge.github.remoteURL(org: "alice", repo: "my-tool", protocol: .ssh) == "git@github.com:alice/my-tool.git")
        #expect(Forge.codeberg.remoteURL(org: "alice", repo: "my-tool", protocol: .ssh) == "git@codeberg.org:alice/my-tool.git")
        #expect(Forge.gitlab.remoteURL(org: "alice", repo: "my-tool", protocol: .ssh) == "git@gitlab.com:alice/my-tool.git")
        #expect(Forge.gitlab.remoteURL(org: "g/sub", repo: "x", protocol: .https) == "https://gitlab.com/g/sub/x.git")
        let custom = Forge(name: "w", kind: .gitlab, host: "h.example", sshPort: 2200, sshUser: "gl")
        #expect(custom.remoteURL(org: "o", repo: "r", protocol: .ssh) == "ssh://gl@h.example:2200/o/r.git")
        #expect(custom.apiURL == "https://h.example/api/v4")
        #expect(Forge.github.apiURL == "https://api.github.com")
        #expect(Forge(name: "ghe", kind: .github, host: "ghe.corp").apiURL == "https://ghe.corp/api/v3")
    }
}

@Suite struct NamesTests {
    @Test(arguments: ["alice", "acme-corp", "a.b_c", "A1"])
    func validOrgs(name: String) { #expect(Names.problem(with: name, as: .owner) == nil) }

    @Test(arguments: ["", "..", "a/../b", "-x", ".hidden", "a b", "a\u{0}b", "x.lock", "a;rm", "é"])
    func invalidOrgs(name: String) { #expect(Names.problem(with: name, as: .owner, nestedOwners: true) != nil) }

    @Test func nestedOwnersOnlyWhereAllowed() {
        #expect(Names.problem(with: "group/sub", as: .owner, nestedOwners: true) == nil)
        #expect(Names.problem(with: "group/sub", as: .owner, nestedOwners: false) != nil)
        #expect(Names.problem(with: "group//sub", as: .owner, nestedOwners: true) != nil)
    }

    @Test func repositoryAndForgeNames() {
        #expect(Names.problem(with: "my-tool", as: .repository) == nil)
        #expect(Names.problem(with: "x.git", as: .repository) != nil)
        #expect(Names.problem(with: "a/b", as: .repository) != nil)
        #expect(Names.problem(with: String(repeating: "a", count: 101), as: .repository) != nil)
        #expect(Names.problem(with: "github", as: .forge) == nil)
        #expect(Names.problem(with: "GitHub", as: .forge) != nil)
        #expect(Names.problem(with: "a.b", as: .forge) != nil)
    }
}
