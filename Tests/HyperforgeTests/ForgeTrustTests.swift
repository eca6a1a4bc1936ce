import Foundation
import HyperforgeCore
import Testing

/// The rules behind the trust-boundary tests, one at a time: which file may
/// say which host a forge is, the scheme match, and FileTrust's modes.
@Suite struct ForgeTrustTests {
    func layer(_ text: String, _ path: String, _ trust: LayerTrust) throws -> ConfigLayer {
        var l = try ConfigLoader.layer(text: text, path: path)
        l.trust = trust
        return l
    }

    let userForge = """
    org = "corp"
    forges = ["work"]

    [custom_forges.work]
    kind = "gitlab"
    host = "git.corp.example"
    """

    @Test func committedConfigCannotRedefineTheUsersForge() throws {
        let user = try layer(userForge, "/home/u/p/.hyperforge/defaults.toml", .user)
        let repo = try layer("""
        [custom_forges.work]
        host = "127.0.0.1"
        web_url = "http://127.0.0.1:8765"
        ssh_port = 2222

        [custom_forges.extra]
        kind = "forgejo"
        host = "extra.example"
        """, "/home/u/p/app/.hyperforge/config.toml", .repository)
        let config = try ConfigLoader.resolve([user, repo], repoRoot: "/home/u/p/app")
        let work = try #require(config.forge(named: "work"))
        #expect(work.host == "git.corp.example" && work.webURL == "https://git.corp.example" && work.sshPort == 22)
        #expect(config.isUserForge(work))
        #expect(config.customForges["extra"] != nil && !config.isUserForge(config.customForges["extra"]!.value))
        #expect(config.warnings == ["/home/u/p/app/.hyperforge/config.toml:1: [custom_forges.work] ignored: 'work' is your own forge (declared at /home/u/p/.hyperforge/defaults.toml:4); a repository's committed config cannot change its host, ssh_port, web_url, so its tokens go only where your files say"])
    }

    @Test func repeatingTheUsersValuesIsSilent() throws {
        let user = try layer(userForge, "/u/.hyperforge/defaults.toml", .user)
        let repo = try layer("[custom_forges.work]\nkind = \"gitlab\"\nhost = \"git.corp.example\"\nweb_url = \"https://git.corp.example/\"\n",
                             "/u/app/.hyperforge/config.toml", .repository)
        let config = try ConfigLoader.resolve([user, repo], repoRoot: "/u/app")
        #expect(config.warnings.isEmpty)
        #expect(config.forge(named: "work")?.host == "git.corp.example")
    }

    /// A tracked outer defaults.toml declared the forge first: the user's
    /// table replaces it whole, so no committed field survives in it.
    @Test func theUsersTableReplacesAnEarlierCommittedOne() throws {
        let tracked = try layer("[custom_forges.work]\nkind = \"gitlab\"\nhost = \"git.corp.example\"\nweb_url = \"http://evil.example\"\napi_url = \"http://evil.example/api\"\n",
                                "/mono/.hyperforge/defaults.toml", .repository)
        let user = try layer(userForge, "/mono/sub/.hyperforge/defaults.toml", .user)
        let config = try ConfigLoader.resolve([tracked, user], repoRoot: "/mono/sub/app")
        let work = try #require(config.forge(named: "work"))
        #expect(work.webURL == "https://git.corp.example" && work.apiURL == "https://git.corp.example/api/v4")
        #expect(config.isUserForge(work))
    }

    @Test func theSchemeMustBeTheForges() throws {
        #expect(Forge.github.matches(try #require(RemoteURL.parse("https://github.com/alice/tool.git"))))
        #expect(!Forge.github.matches(try #require(RemoteURL.parse("http://github.com:443/alice/tool.git"))))
        let plain = Forge(name: "local", kind: .forgejo, host: "127.0.0.1", webURL: "http://127.0.0.1:8080")
        #expect(plain.isPlainHTTP && !Forge.github.isPlainHTTP)
        #expect(plain.matches(try #require(RemoteURL.parse("http://127.0.0.1:8080/a/b.git"))))
        #expect(!plain.matches(try #require(RemoteURL.parse("https://127.0.0.1:8080/a/b.git"))))
    }

    @Test func fileTrustModes() throws {
        func status(mode: mode_t, uid: uid_t = geteuid(), directory: Bool = false) -> stat {
            var st = stat()
            st.st_mode = (directory ? S_IFDIR : S_IFREG) | mode
            st.st_uid = uid
            return st
        }
        #expect(FileTrust.problem(path: "/f", status: status(mode: 0o644), kind: .file) == nil)
        #expect(FileTrust.problem(path: "/f", status: status(mode: 0o644, uid: 0), kind: .file) == nil) // root: system-wide
        #expect(FileTrust.problem(path: "/f", status: status(mode: 0o600), kind: .privateFile) == nil)
        #expect(FileTrust.problem(path: "/d", status: status(mode: 0o755, directory: true), kind: .directory) == nil)

        let groupWritable = try #require(FileTrust.problem(path: "/f", status: status(mode: 0o664), kind: .file))
        #expect(groupWritable.description.contains("mode 0664") && groupWritable.description.contains("its group may write it"))
        #expect(groupWritable.hint?.contains("chmod go-w /f") == true)
        let readable = try #require(FileTrust.problem(path: "/s", status: status(mode: 0o640), kind: .privateFile))
        #expect(readable.description.contains("group or others may read it") && readable.hint?.contains("chmod 600 /s") == true)
        let open = try #require(FileTrust.problem(path: "/d", status: status(mode: 0o777, directory: true), kind: .directory))
        #expect(open.description.hasPrefix("refusing to use directory /d (") && open.hint?.contains("chmod 700 /d") == true)
        let other = geteuid() == 4242 ? uid_t(4243) : uid_t(4242)
        let foreign = try #require(FileTrust.problem(path: "/f", status: status(mode: 0o600, uid: other), kind: .file))
        #expect(foreign.description.contains("it belongs to ") && foreign.hint?.contains("chown ") == true)
        #expect(FileTrust.problem(path: "/d", status: status(mode: 0o700), kind: .directory) != nil) // not a directory
    }
}
