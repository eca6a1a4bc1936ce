import Foundation
import HyperforgeCore
@testable import HyperforgeHforge
import Testing

/// `git hforge status` answers from a cache while none of its inputs change,
/// and never from a stale one.
@Suite struct StatusCacheTests {
    /// A context whose clock is an hour ahead, so files written by the test
    /// are outside the racy window and reports get cached.
    func later(_ env: TestEnvironment, _ dir: String) -> Context {
        var c = env.context(in: dir)
        c.now = { Date().addingTimeInterval(3600) }
        return c
    }

    func report(_ env: TestEnvironment, _ repo: String) throws -> Hforge.StatusReport {
        let c = later(env, repo)
        #expect(try Hforge.status(Hforge.StatusOptions(), context: c) == .success)
        return try #require(StatusCache.lookup(path: nil, context: c), "status did not leave a cached report")
    }

    @Test func reusedUntilAnInputChanges() throws {
        let env = try TestEnvironment("cache")
        let repo = try env.makeRepository("projects/tool")
        try env.write("forges = [\"github\", \"codeberg\"]\norg = \"alice\"\n", to: "projects/tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        let first = try report(env, repo)
        #expect(first.inSync)
        #expect(first.forges[0].ahead == nil)

        // A fetch moves a remote-tracking ref.
        try env.gitOK("commit", "-q", "--allow-empty", "-m", "two", in: repo)
        try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD~1", in: repo)
        #expect(StatusCache.lookup(path: nil, context: later(env, repo)) == nil)
        let fetched = try report(env, repo)
        #expect(fetched.forges[0].ahead == 1)

        // The same ref, packed.
        try env.gitOK("pack-refs", "--all", in: repo)
        #expect(StatusCache.lookup(path: nil, context: later(env, repo)) == nil)
        #expect(try report(env, repo).forges[0].ahead == 1)

        // A commit on the branch.
        try env.gitOK("commit", "-q", "--allow-empty", "-m", "three", in: repo)
        #expect(try report(env, repo).forges[0].ahead == 2)

        // The repository's config.
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "projects/tool/.hyperforge/config.toml")
        #expect(StatusCache.lookup(path: nil, context: later(env, repo)) == nil)
        let narrowed = try report(env, repo)
        #expect(narrowed.forges.count == 1)
        #expect(narrowed.extraRemotes.map(\.remote) == ["codeberg"])

        // A defaults file appearing in a parent directory.
        try env.write("visibility = \"public\"\n[custom_forges.x]\nkind = \"gitea\"\nhost = \"x.example\"\n", to: "projects/.hyperforge/defaults.toml")
        try env.write("forges = [\"github\", \"x\"]\norg = \"alice\"\n", to: "projects/tool/.hyperforge/config.toml")
        #expect(try report(env, repo).forges.map(\.forge) == ["github", "x"])
        try env.write("[custom_forges.x]\nkind = \"gitea\"\nhost = \"y.example\"\n", to: "projects/.hyperforge/defaults.toml")
        #expect(StatusCache.lookup(path: nil, context: later(env, repo)) == nil)
        #expect(try report(env, repo).forges[1].wantedURL == "git@y.example:alice/tool.git")

        // git's local and global config.
        try env.gitOK("remote", "set-url", "github", "git@github.com:mallory/tool.git", in: repo)
        #expect(try report(env, repo).forges[0].states == [.wrongURL])
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "remote.extra.url", "x", in: repo)
        #expect(StatusCache.lookup(path: nil, context: later(env, repo)) == nil)
        #expect(try report(env, repo).extraRemotes.map(\.remote).contains("extra"))

        // Switching branches.
        try env.gitOK("switch", "-q", "-c", "topic", in: repo)
        #expect(try report(env, repo).branch == "topic")
    }

    @Test func freshFilesAreNotCached() throws {
        let env = try TestEnvironment("cache-racy")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        let now = env.context(in: repo)
        #expect(try Hforge.status(Hforge.StatusOptions(), context: now) == .success)
        #expect(StatusCache.lookup(path: nil, context: now) == nil)
    }

    @Test func includesAndUnusualEnvironmentsAreNeverCached() throws {
        let env = try TestEnvironment("cache-include")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        try env.write("[remote \"github\"]\n\turl = git@github.com:alice/tool.git\n", to: "included.gitconfig")
        try env.gitOK("config", "include.path", env.root + "/included.gitconfig", in: repo)
        let c = later(env, repo)
        let first = try Hforge.statusReport(Hforge.StatusOptions(), context: c)
        #expect(first.inSync)
        #expect(StatusCache.lookup(path: nil, context: c) == nil)

        var withGitDir = later(env, env.root)
        withGitDir.environment["GIT_DIR"] = repo + "/.git"
        #expect(StatusCache.locate(start: env.root, context: withGitDir) == nil)
    }

    @Test func theCacheHoldsNoSecrets() throws {
        let env = try TestEnvironment("cache-secret")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        var c = later(env, repo)
        c.environment["GIT_SSH_COMMAND"] = "ssh -o 'ProxyCommand=token-s3cr3t'"
        _ = try report(env, repo)
        _ = try Hforge.status(Hforge.StatusOptions(), context: c)
        let text = try String(contentsOfFile: repo + "/.git/hforge/status-cache.json", encoding: .utf8)
        #expect(!text.contains("s3cr3t"))
    }
}
