import Foundation
import HyperforgeCore
import HyperforgeGit
import HyperforgeHforge
import CSQLite
import CGit2
import CGit2Loader
import CCurl
import Testing

@Suite struct GitLayerTests {
    @Test func readsEveryConfigLevelAndWritesLocal() throws {
        let env = try TestEnvironment("git-layer")
        let repo = try env.makeRepository("r")
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "hforge.test", "global", in: repo)
        let opened = try Repository.discover(from: repo + "/", environment: env.environment)
        #expect(opened.workingDirectory == repo)
        #expect(try opened.config.string("hforge.test") == "global")
        #expect(try opened.config.string("user.name") == "Test User")
        try opened.config.level(.local).set("hforge.test", "local")
        #expect(try opened.config.string("hforge.test") == "local")
        #expect(try env.gitOK("config", "--local", "hforge.test", in: repo) == "local\n")
        try opened.config.level(.local).add("hforge.multi", "a")
        try opened.config.level(.local).add("hforge.multi", "b")
        #expect(try opened.config.all("hforge.multi") == ["a", "b"])
        try opened.config.level(.local).remove("hforge.multi", value: "a")
        #expect(try env.gitOK("config", "--get-all", "hforge.multi", in: repo) == "b\n")
    }

    /// Names are matched without libgit2's regex (which leaks per entry it
    /// does not match): the same remotes, in git_remote_list's order, and
    /// subsections kept as written.
    @Test func remotesAndMultiValuesWithoutLibgit2sRegex() throws {
        let env = try TestEnvironment("git-names")
        let repo = try env.makeRepository("r")
        try env.gitOK("remote", "add", "zeta", "https://example.org/z.git", in: repo)
        try env.gitOK("remote", "add", "a.b", "https://example.org/ab.git", in: repo)
        try env.gitOK("config", "remote.Alpha.pushurl", "https://example.org/push.git", in: repo)
        try env.gitOK("config", "--add", "credential.https://Git.Example.org.helper", "store", in: repo)
        try env.gitOK("config", "--add", "credential.https://Git.Example.org.helper", "cache", in: repo)
        try env.gitOK("config", "--add", "credential.https://git.example.org.helper", "other", in: repo)
        let opened = try Repository.discover(from: repo, environment: env.environment)
        let remotes = try opened.remotes()
        #expect(remotes.map(\.name) == ["Alpha", "a.b", "zeta"])
        #expect(remotes[0].url == nil && remotes[0].pushURL == "https://example.org/push.git")
        #expect(remotes[1].url == "https://example.org/ab.git")
        #expect(try opened.config.all("credential.https://Git.Example.org.helper") == ["store", "cache"])
        #expect(try opened.config.all("CREDENTIAL.https://git.example.org.HELPER") == ["other"])
        #expect(try opened.config.entries(where: { $0.hasPrefix("remote.zeta.") }).map(\.name).sorted() == ["remote.zeta.fetch", "remote.zeta.url"])
    }

    @Test func honoursGitDirAndCeilings() throws {
        let env = try TestEnvironment("git-env")
        let repo = try env.makeRepository("r")
        let elsewhere = env.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        var e = env.environment
        e["GIT_DIR"] = repo + "/.git"
        let viaGitDir = try Repository.discover(from: elsewhere, environment: e)
        #expect(viaGitDir.gitDirectory == repo + "/.git")
        #expect(throws: NotARepositoryError.self) {
            var c = env.environment
            c["GIT_CEILING_DIRECTORIES"] = env.root
            _ = try Repository.discover(from: elsewhere, environment: c)
        }
    }

    @Test func remotesRefsAndErrors() throws {
        let env = try TestEnvironment("git-remotes")
        let repo = try env.makeRepository("r")
        let r = try Repository.discover(from: repo, environment: env.environment)
        try r.addRemote("one", url: "git@github.com:a/b.git")
        #expect(try r.remotes() == [Remote(name: "one", url: "git@github.com:a/b.git", pushURL: nil)])
        let dup = #expect(throws: GitError.self) { try r.addRemote("one", url: "x") }
        #expect(dup?.isExists == true)
        #expect(dup?.description.contains("adding remote one") == true)
        try r.setRemoteURL("one", url: "git@github.com:a/c.git")
        try r.renameRemote("one", to: "two")
        #expect(try env.gitOK("remote", "-v", in: repo).contains("two\tgit@github.com:a/c.git (fetch)"))
        try r.removeRemote("two")
        #expect(try r.remotes().isEmpty)
        #expect(try r.head() == .branch("main"))
        let head = try #require(try r.resolve("refs/heads/main"))
        #expect(head.count == 40)
        #expect(try r.resolve("refs/heads/nope") == nil)
        #expect(try r.aheadBehind(local: head, upstream: head) == (0, 0))
    }

    @Test func unbornAndDetachedHeads() throws {
        let env = try TestEnvironment("git-head")
        let empty = try env.makeRepository("empty", commit: false)
        #expect(try Repository.discover(from: empty, environment: env.environment).head() == .unborn("main"))
        let repo = try env.makeRepository("r")
        try env.gitOK("checkout", "-q", "--detach", in: repo)
        guard case .detached(let oid) = try Repository.discover(from: repo, environment: env.environment).head() else {
            Issue.record("expected a detached HEAD"); return
        }
        #expect(oid.count == 40)
    }

    /// The system-library targets resolve through pkg-config and link.
    @Test func systemLibrariesLink() {
        #expect(String(cString: sqlite3_libversion()).hasPrefix("3."))
        #expect(String(cString: curl_version()).hasPrefix("libcurl/"))
    }
}

@Suite struct SSHWrapperTests {
    @Test func picksTheKeyOfTheForgeBeingContacted() throws {
        let env = try TestEnvironment("ssh-wrapper")
        try env.write("a", to: "home/.ssh/a")
        try env.write("b", to: "home/.ssh/b")
        let repo = try env.makeRepository("tool")
        try env.write("""
        forges = ["github", "corp"]
        org = "alice"
        [ssh]
        github = "~/.ssh/a"
        corp = "~/.ssh/b"
        [custom_forges.corp]
        kind = "gitea"
        host = "git.corp.example"
        ssh_port = 2222
        """, to: "tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        let ctx = env.context(in: repo)
        let gh = try Hforge.sshCommand(arguments: ["-o", "SendEnv=GIT_PROTOCOL", "git@github.com", "git-receive-pack 'alice/tool.git'"], context: ctx)
        #expect(gh == ["/bin/sh", "-c", "ssh \"$@\"", "ssh", "-i", env.home + "/.ssh/a", "-o", "IdentitiesOnly=yes",
                       "-o", "SendEnv=GIT_PROTOCOL", "git@github.com", "git-receive-pack 'alice/tool.git'"])
        let corp = try Hforge.sshCommand(arguments: ["-p", "2222", "git@git.corp.example", "git-upload-pack '/alice/tool.git'"], context: ctx)
        #expect(corp.contains(env.home + "/.ssh/b"))
        // Same host, other port: not that forge.
        let other = try Hforge.sshCommand(arguments: ["-p", "22", "git@git.corp.example", "x"], context: ctx)
        #expect(!other.contains("-i"))
        // git's OpenSSH detection (`-G`) gets the same key.
        let detect = try Hforge.sshCommand(arguments: ["-G", "git@github.com"], context: ctx)
        #expect(detect.contains(env.home + "/.ssh/a"))
    }
}

@Suite struct LibGit2LoaderTests {
    /// The library the loader opens at run time is the one pkg-config links
    /// and the headers describe, and every function it needs resolves.
    @Test func loadedLibraryMatchesHeaders() throws {
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        #expect(CGit2.git_libgit2_version(&major, &minor, &rev) == 0)
        #expect(major == LIBGIT2_VER_MAJOR && minor == LIBGIT2_VER_MINOR)
        var message = [CChar](repeating: 0, count: 256)
        let api = try #require(hf_git2_load(&message, message.count))
        #expect(api.pointee.git_libgit2_init() > 0)
    }
}
