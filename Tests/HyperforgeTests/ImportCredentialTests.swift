import Foundation
import Testing

/// `git hforge init --import-from-git` and a remote URL that carries a token:
/// the token moves into the remote's scope (never printed), or, when it
/// cannot, the remote keeps its URL and the command says why.
@Suite struct ImportCredentialTests {
    let token = "ghp_0123456789abcdefSECRET"

    func fill(_ env: TestEnvironment, in repo: String) throws -> TestEnvironment.Result {
        try env.run("git", ["credential", "fill"], in: repo, input: "protocol=https\nhost=github.com\npath=alice/my-tool.git\n\n")
    }

    @Test func embeddedTokenMovesIntoTheScope() throws {
        let env = try TestEnvironment("import-cred")
        let repo = try env.makeRepository("my-tool")
        try env.gitOK("remote", "add", "origin", "https://alice:\(token)@github.com/alice/my-tool.git", in: repo)

        // Dry run: says what it would store, changes nothing (repository, secrets).
        let before = try TestEnvironment.snapshot(repo)
        let secretsBefore = try TestEnvironment.snapshot(env.home)
        let dry = try env.git("hforge", "init", "--import-from-git", "--dry-run", in: repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("credential of remote 'origin': would store in git/github/alice/repo/my-tool/token (provider 'file')"), "\(dry)")
        #expect(!(dry.stdout + dry.stderr).contains(token))
        #expect(try TestEnvironment.snapshot(repo) == before)
        #expect(try TestEnvironment.snapshot(env.home) == secretsBefore)

        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("credential of remote 'origin': store in git/github/alice/repo/my-tool/token"), "\(r)")
        #expect(!(r.stdout + r.stderr).contains(token))
        #expect(try env.gitOK("remote", "get-url", "github", in: repo) == "https://github.com/alice/my-tool.git\n")
        #expect(!(try String(contentsOfFile: repo + "/.git/config", encoding: .utf8)).contains(token))

        let list = try env.run("git", ["scope", "list"])
        #expect(list.stdout.contains("git/github/alice/repo/my-tool/token"), "\(list)")
        #expect(!list.stdout.contains(token))
        // git itself now gets the token from the helper init configured.
        let filled = try fill(env, in: repo)
        #expect(filled.code == 0 && filled.stdout.contains("password=\(token)\n"), "\(filled)")
    }

    /// A token in a remote's push URL (`remote.origin.pushurl`): moved into
    /// its scope like the URL's, never deleted with the push URL unsaid.
    @Test func aTokenInThePushURLMovesIntoItsScope() throws {
        let env = try TestEnvironment("import-cred-push")
        let repo = try env.makeRepository("my-tool")
        try env.gitOK("remote", "add", "origin", "https://github.com/alice/my-tool.git", in: repo)
        try env.gitOK("remote", "set-url", "--push", "origin", "https://bob:\(token)@github.com/alice/my-tool.git", in: repo)
        let before = try TestEnvironment.snapshot(repo)
        let dry = try env.git("hforge", "init", "--import-from-git", "--dry-run", in: repo)
        #expect(dry.code == 0 && dry.stdout.contains("credential in the push URL of remote 'origin': would store in git/github/alice/repo/my-tool/token (provider 'file')"), "\(dry)")
        #expect(!(dry.stdout + dry.stderr).contains(token))
        #expect(try TestEnvironment.snapshot(repo) == before)

        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0 && r.stdout.contains("credential in the push URL of remote 'origin': store in git/github/alice/repo/my-tool/token"), "\(r)")
        #expect(!(r.stdout + r.stderr).contains(token))
        #expect(!(try String(contentsOfFile: repo + "/.git/config", encoding: .utf8)).contains(token))
        #expect(try env.run("git", ["scope", "get", "git/github/alice/repo/my-tool/token"]).stdout == token + "\n")

        // URL and push URL with different tokens for one scope: the remote is left as it is.
        let other = try env.makeRepository("other")
        let url = "https://alice:\(token)@github.com/alice/other.git", push = "https://bob:ghp_DIFFERENTtoken99@github.com/alice/other.git"
        try env.gitOK("remote", "add", "origin", url, in: other)
        try env.gitOK("remote", "set-url", "--push", "origin", push, in: other)
        try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/other.git", in: other)
        let kept = try env.git("hforge", "init", "--import-from-git", in: other)
        #expect(kept.code == 0 && kept.stderr.contains("not imported: remote 'origin'") && kept.stderr.contains("its URL and its push URL") && kept.stderr.contains("carry different credentials for git/github/alice/repo/other/token"), "\(kept)")
        #expect(!(kept.stdout + kept.stderr).contains(token) && !(kept.stdout + kept.stderr).contains("DIFFERENTtoken"))
        #expect(try env.gitOK("remote", "get-url", "origin", in: other) == url + "\n")
        #expect(try env.gitOK("config", "remote.origin.pushurl", in: other) == push + "\n")
    }

    @Test func aTokenAsTheUserNameMovesToo() throws {
        let env = try TestEnvironment("import-cred-user")
        let repo = try env.makeRepository("my-tool")
        try env.gitOK("remote", "add", "origin", "https://\(token)@github.com/alice/my-tool.git", in: repo)
        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0 && !(r.stdout + r.stderr).contains(token), "\(r)")
        #expect(try env.run("git", ["scope", "get", "git/github/alice/repo/my-tool/token"]).stdout == token + "\n")
    }

    @Test func whenItCannotMoveTheRemoteKeepsItsURL() throws {
        let env = try TestEnvironment("import-cred-kept")
        // The scope routes to a read-only provider: the token cannot be stored.
        try env.write("""
        [auth.providers.ci]
        type = "env"

        [auth.routing]
        "git/github/*" = "ci"

        """, to: "home/.config/hyperforge/auth.toml")
        let repo = try env.makeRepository("my-tool")
        let url = "https://alice:\(token)@github.com/alice/my-tool.git"
        try env.gitOK("remote", "add", "origin", url, in: repo)
        try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/my-tool.git", in: repo)

        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr.contains("not imported: remote 'origin'") && r.stderr.contains("read-only (env)")
                && r.stderr.contains("URL unchanged"), "\(r)")
        #expect(!(r.stdout + r.stderr).contains(token))
        #expect(try env.gitOK("remote", "get-url", "origin", in: repo) == url + "\n")
        let toml = try String(contentsOfFile: repo + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(toml.contains("forges = [\"codeberg\"]"), "\(toml)")

        // Only that remote: nothing can be imported, the error says why, nothing changes.
        let alone = try env.makeRepository("alone")
        try env.gitOK("remote", "add", "origin", url, in: alone)
        let before = try TestEnvironment.snapshot(alone)
        let failed = try env.git("hforge", "init", "--import-from-git", in: alone)
        // Refused (2), not a configuration error, and the hint is that remote's own fix, not custom forges.
        #expect(failed.code == 2 && failed.stderr.contains("read-only (env)"), "\(failed)")
        #expect(failed.stderr.contains("hint: remote 'origin': route git/github/alice/repo/my-tool/token to a writable provider under [auth.routing] in auth.toml, or take the credential out of the URL ('git remote set-url origin URL'), then import again"), "\(failed)")
        #expect(!failed.stderr.contains("custom_forges"), "\(failed)")
        #expect(!(failed.stdout + failed.stderr).contains(token))
        #expect(try TestEnvironment.snapshot(alone) == before)
    }

    /// A remote on a host no forge is known for: a configuration error whose
    /// hint names the user's auth.toml first.
    @Test func anUnknownForgeOnlyPointsAtAuthToml() throws {
        let env = try TestEnvironment("import-unknown")
        let repo = try env.makeRepository("tool")
        try env.gitOK("remote", "add", "origin", "https://git.example.com/alice/tool.git", in: repo)
        let r = try env.run("git", ["hforge", "init", "--import-from-git"], in: repo, extraEnvironment: ["XDG_CONFIG_HOME": env.root + "/xdg"])
        #expect(r.code == 3 && r.stderr.contains("git.example.com is not a known forge"), "\(r)")
        let hints = r.stderr.split(separator: "\n").filter { $0.hasPrefix("hint: ") }
        #expect(hints.first?.contains("declare a self-hosted forge under [custom_forges.NAME] in your \(env.root)/xdg/hyperforge/auth.toml") == true, "\(r)")
        #expect(hints.last?.contains("git hforge init --forges") == true, "\(r)")
    }

    @Test func aDifferentStoredTokenIsNotOverwritten() throws {
        let env = try TestEnvironment("import-cred-conflict")
        #expect(try env.run("git", ["scope", "set", "git/github/alice/repo/my-tool/token"], input: "older-token").code == 0)
        let repo = try env.makeRepository("my-tool")
        let url = "https://alice:\(token)@github.com/alice/my-tool.git"
        try env.gitOK("remote", "add", "origin", url, in: repo)
        try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/my-tool.git", in: repo)
        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr.contains("already holds a different secret") && r.stderr.contains("git scope set git/github/alice/repo/my-tool/token"), "\(r)")
        #expect(try env.gitOK("remote", "get-url", "origin", in: repo) == url + "\n")
        #expect(try env.run("git", ["scope", "get", "git/github/alice/repo/my-tool/token"]).stdout == "older-token\n")
    }
}
