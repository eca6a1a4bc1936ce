import Foundation
import HyperforgeCore
import Testing

/// `--dry-run` changes nothing, and bad input changes nothing either.
@Suite struct SafetyTests {
    /// A repository in a state where init, sync and push all have work to do.
    func prepared(_ env: TestEnvironment) throws -> String {
        try env.write("k", to: "home/.ssh/k")
        let repo = try env.makeRepository("tool")
        try env.gitOK("remote", "add", "gitlab", "git@gitlab.com:alice/tool.git", in: repo)
        return repo
    }

    @Test func initDryRunChangesNothing() throws {
        let env = try TestEnvironment("dry-init")
        let repo = try prepared(env)
        let before = try TestEnvironment.snapshot(repo)
        let r = try env.git("hforge", "init", "--forges", "github,codeberg", "--org", "alice", "--ssh", "github=~/.ssh/k", "--dry-run", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("add remote github"))
        #expect(r.stdout.contains("dry run: nothing was changed"))
        #expect(try TestEnvironment.snapshot(repo) == before)
    }

    @Test func syncDryRunChangesNothing() throws {
        let env = try TestEnvironment("dry-sync")
        let repo = try prepared(env)
        try env.write("forges = [\"github\"]\norg = \"alice\"\n[ssh]\ngithub = \"~/.ssh/k\"\n", to: "tool/.hyperforge/config.toml")
        let before = try TestEnvironment.snapshot(repo)
        for args in [["hforge", "sync", "--dry-run"], ["hforge", "sync", "--dry-run", "--force"]] {
            let r = try env.run("git", args, in: repo)
            #expect(r.stdout.contains("add remote github"), "\(r)")
            #expect(r.stdout.contains("dry run"))
        }
        #expect(try TestEnvironment.snapshot(repo) == before)
    }

    @Test func pushDryRunChangesAndContactsNothing() throws {
        let env = try TestEnvironment("dry-push")
        let repo = try env.makeRepository("tool")
        // Remotes that would fail loudly if contacted.
        let bare = env.root + "/remote.git"
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        try env.gitOK("init", "-q", "--bare", bare, in: env.root)
        let before = try TestEnvironment.snapshot(repo)
        let bareBefore = try TestEnvironment.snapshot(bare)
        let r = try env.run("git", ["hforge", "push", "--tags", "--dry-run"], in: repo,
                            extraEnvironment: ["GIT_SSH_COMMAND": "false"])
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("main and tags -> github (git@github.com:alice/tool.git)"))
        #expect(try TestEnvironment.snapshot(repo) == before)
        #expect(try TestEnvironment.snapshot(bare) == bareBefore)
    }

    // MARK: Bad input

    func expectUnchanged(_ env: TestEnvironment, _ repo: String, _ args: [String], code: Int32, message: String,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let before = try TestEnvironment.snapshot(repo)
        let r = try env.run("git", args, in: repo)
        #expect(r.code == code, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "\(r)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty || !r.stdout.contains("Done"), sourceLocation: sourceLocation)
        #expect(try TestEnvironment.snapshot(repo) == before, sourceLocation: sourceLocation)
    }

    @Test func malformedTOML() throws {
        let env = try TestEnvironment("bad-toml")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        for cmd in ["sync", "status", "push", "config"] {
            try expectUnchanged(env, repo, ["hforge", cmd], code: 3, message: repo + "/.hyperforge/config.toml:")
        }
        try env.write("org = [\n", to: "defaults-parent/.hyperforge/defaults.toml")
        let child = try env.makeRepository("defaults-parent/child")
        try expectUnchanged(env, child, ["hforge", "init", "--forges", "github"], code: 3, message: "defaults.toml:")
    }

    @Test func unknownForge() throws {
        let env = try TestEnvironment("bad-forge")
        let repo = try env.makeRepository("tool")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github,gitlub", "--org", "alice"], code: 3,
                            message: "unknown forge 'gitlub'")
        try env.write("org = \"a\"\nforges = [\"github\", \"sourcehut\"]\n", to: "tool/.hyperforge/config.toml")
        try expectUnchanged(env, repo, ["hforge", "sync"], code: 3, message: "config.toml:2: unknown forge 'sourcehut'")
    }

    @Test func missingOrg() throws {
        let env = try TestEnvironment("bad-org")
        let repo = try env.makeRepository("tool")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github"], code: 3, message: "'org' is required")
    }

    @Test func notARepository() throws {
        let env = try TestEnvironment("bad-repo")
        let dir = env.root + "/plain"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for cmd in ["init", "sync", "status", "push"] {
            let r = try env.run("git-hforge", [cmd, "--path", dir], in: env.root, extraEnvironment: ["GIT_CEILING_DIRECTORIES": env.root])
            #expect(r.code == 4, "\(r)")
            #expect(r.stderr.contains("not a git repository"))
            #expect(r.stderr.contains(dir))
        }
        #expect(try TestEnvironment.snapshot(dir).isEmpty)
    }

    @Test func existingRemotePointingElsewhereIsNeverOverwritten() throws {
        let env = try TestEnvironment("bad-remote")
        let repo = try env.makeRepository("tool")
        try env.gitOK("remote", "add", "github", "git@github.com:mallory/tool.git", in: repo)
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "alice"], code: 2,
                            message: "remote 'github' already exists and points to git@github.com:mallory/tool.git")
        // With --force it is repointed, and the plan says so.
        let r = try env.git("hforge", "init", "--forges", "github", "--org", "alice", "--force", in: repo)
        #expect(r.code == 0)
        #expect(r.stdout.contains("set URL of remote github: git@github.com:mallory/tool.git -> git@github.com:alice/tool.git"))
    }

    @Test func unreadableKeyPath() throws {
        let env = try TestEnvironment("bad-key")
        let repo = try env.makeRepository("tool")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "alice", "--ssh", "github=~/.ssh/nope"],
                            code: 4, message: "ssh key for github cannot be read: ~/.ssh/nope")
        try FileManager.default.createDirectory(atPath: env.home + "/.ssh/dir", withIntermediateDirectories: true)
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "alice", "--ssh", "github=~/.ssh/dir"],
                            code: 4, message: "is a directory")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "alice", "--ssh", "gitlab=~/.ssh/dir"],
                            code: 64, message: "gitlab is not one of the forges")
        if getuid() != 0 {
            try env.write("k", to: "home/.ssh/locked")
            chmod(env.home + "/.ssh/locked", 0)
            try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "alice", "--ssh", "github=~/.ssh/locked"],
                                code: 4, message: "permission denied")
        }
    }

    @Test func badNamesOnTheCommandLine() throws {
        let env = try TestEnvironment("bad-names")
        let repo = try env.makeRepository("tool")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "../etc"], code: 64, message: "--org ../etc")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "a", "--repo-name", "x;rm"], code: 64, message: "--repo-name")
        try expectUnchanged(env, repo, ["hforge", "init", "--forges", "github", "--org", "a", "--visibility", "secret"], code: 64, message: "--visibility")
    }
}

/// Tokens that users put in remote URLs never reach hyperforge's output.
@Suite struct RedactionTests {
    @Test func urlCredentialsAreRedacted() {
        #expect(RemoteURL.redacted("https://x-access-token:ghp_SECRET@github.com/a/b.git") == "https://x-access-token:***@github.com/a/b.git")
        #expect(RemoteURL.redacted("https://ghp_SECRET@github.com/a/b.git") == "https://***@github.com/a/b.git")
        #expect(RemoteURL.redacted("git@github.com:a/b.git") == "git@github.com:a/b.git")
        #expect(RemoteURL.redacted("https://github.com/a/b@c.git") == "https://github.com/a/b@c.git")
    }

    @Test func statusSyncAndInitNeverPrintThem() throws {
        let env = try TestEnvironment("redact")
        let repo = try env.makeRepository("tool")
        try env.gitOK("remote", "add", "github", "https://alice:ghp_SECRET@github.com/alice/tool.git", in: repo)
        try env.gitOK("remote", "add", "other", "https://ghp_OTHER@example.com/x/y.git", in: repo)
        let refused = try env.git("hforge", "init", "--forges", "github", "--org", "alice", in: repo)
        #expect(refused.code == 2)
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        for args in [["hforge", "status"], ["hforge", "status", "--json"], ["hforge", "sync", "--dry-run", "--force"], ["hforge", "push", "--dry-run"]] {
            let r = try env.run("git", args, in: repo)
            for secret in ["ghp_SECRET", "ghp_OTHER"] {
                #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "\(args): \(r)")
            }
        }
        for secret in ["ghp_SECRET", "ghp_OTHER"] {
            #expect(!refused.stdout.contains(secret) && !refused.stderr.contains(secret))
        }
    }
}
