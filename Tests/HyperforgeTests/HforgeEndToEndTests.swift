import Foundation
import Testing

/// `git hforge ...` through the real git binary, in isolated repositories.
@Suite struct HforgeEndToEndTests {
    @Test func initSetsUpRemotesKeysAndCredentialHelper() throws {
        let env = try TestEnvironment("init")
        try env.write("k1", to: "home/.ssh/k1")
        try env.write("k2", to: "home/.ssh/k2")
        let repo = try env.makeRepository("my-tool")
        let r = try env.git("hforge", "init", "--forges", "github,codeberg", "--org", "alice", "--repo-name", "my-tool",
                            "--visibility", "private", "--ssh", "github=~/.ssh/k1", "--ssh", "codeberg=~/.ssh/k2", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("add remote github git@github.com:alice/my-tool.git"))

        #expect(try env.gitOK("remote", "get-url", "github", in: repo) == "git@github.com:alice/my-tool.git\n")
        #expect(try env.gitOK("remote", "get-url", "codeberg", in: repo) == "git@codeberg.org:alice/my-tool.git\n")
        #expect(try env.gitOK("config", "core.sshCommand", in: repo) == "git-hforge ssh\n")
        #expect(try env.gitOK("config", "hforge.github.identityFile", in: repo) == "~/.ssh/k1\n")
        #expect(try env.gitOK("config", "hforge.codeberg.identityFile", in: repo) == "~/.ssh/k2\n")
        #expect(try env.gitOK("config", "--get-all", "credential.https://github.com.helper", in: repo) == TestEnvironment.productsDirectory + "/git-credential-hforge\n")
        #expect(try env.gitOK("config", "credential.https://codeberg.org.useHttpPath", in: repo) == "true\n")
        // The fetch refspec of `git remote add`.
        #expect(try env.gitOK("config", "remote.github.fetch", in: repo) == "+refs/heads/*:refs/remotes/github/*\n")

        let toml = try String(contentsOfFile: repo + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(toml.contains("forges = [\"github\", \"codeberg\"]"))
        #expect(toml.contains("org = \"alice\""))
        #expect(toml.contains("github = \"~/.ssh/k1\""))

        let status = try env.git("hforge", "status", in: repo)
        #expect(status.code == 0)
        #expect(status.stdout.contains("github") && status.stdout.contains("in-sync"))
        #expect(!status.stdout.contains("missing"))

        // Idempotent: a second sync has nothing to do.
        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 0)
        #expect(sync.stdout.contains("nothing to change"))

        // Refuses to overwrite an existing config.
        let again = try env.git("hforge", "init", "--forges", "github", "--org", "alice", in: repo)
        #expect(again.code == 2)
        #expect(again.stderr.contains("already exists"))
    }

    @Test func configShowsWhereEveryValueComesFrom() throws {
        let env = try TestEnvironment("config")
        try env.write("forges = [\"github\"]\nvisibility = \"public\"\n", to: "projects/.hyperforge/defaults.toml")
        try env.write("org = \"alice\"\nforges = [\"github\", \"codeberg\"]\n", to: "projects/alice/.hyperforge/defaults.toml")
        let repo = try env.makeRepository("projects/alice/tool1")
        #expect(try env.git("hforge", "init", "--repo-name", "tool1", "--visibility", "private", in: repo).code == 0)
        #expect(try env.gitOK("remote", in: repo) == "codeberg\ngithub\n")

        let shown = try env.git("hforge", "config", in: repo)
        #expect(shown.code == 0)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        let forges = try #require(lines.first { $0.hasPrefix("forges = ") })
        #expect(forges.contains("[\"github\", \"codeberg\"]") && forges.contains("alice/.hyperforge/defaults.toml:2"))
        let org = try #require(lines.first { $0.hasPrefix("org = ") })
        #expect(org.contains("alice/.hyperforge/defaults.toml:1"))
        let vis = try #require(lines.first { $0.hasPrefix("visibility = ") })
        #expect(vis.contains("\"private\"") && vis.contains("tool1/.hyperforge/config.toml"))

        let json = try env.git("hforge", "config", "--json", in: repo)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let values = try #require(doc?["values"] as? [[String: Any]])
        // Values as JSON values (not TOML text), sources as file and line.
        let orgValue = try #require(values.first { $0["key"] as? String == "org" })
        #expect(orgValue["value"] as? String == "alice")
        #expect((orgValue["source"] as? [String: Any])?["line"] as? Int == 1)
        #expect(((orgValue["source"] as? [String: Any])?["file"] as? String)?.hasSuffix("/projects/alice/.hyperforge/defaults.toml") == true)
        #expect(values.first { $0["key"] as? String == "forges" }?["value"] as? [String] == ["github", "codeberg"])
    }

    @Test func customForgesFromDefaults() throws {
        let env = try TestEnvironment("custom")
        try env.write("""
        org = "team/platform"
        forges = ["corp"]

        [custom_forges.corp]
        kind = "gitlab"
        host = "git.corp.example"
        ssh_port = 2222
        """, to: "work/.hyperforge/defaults.toml")
        let repo = try env.makeRepository("work/svc")
        let r = try env.git("hforge", "init", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(try env.gitOK("remote", "get-url", "corp", in: repo) == "ssh://git@git.corp.example:2222/team/platform/svc.git\n")
        #expect(try env.gitOK("config", "--get-all", "credential.https://git.corp.example.helper", in: repo) == TestEnvironment.productsDirectory + "/git-credential-hforge\n")
    }

    @Test func importFromGitBuildsConfigFromRemotes() throws {
        let env = try TestEnvironment("import")
        try env.write("key", to: "home/.ssh/alice")
        let repo = try env.makeRepository("tool")
        try env.gitOK("remote", "add", "origin", "git@github.com:alice/tool.git", in: repo)
        try env.gitOK("remote", "add", "codeberg", "https://codeberg.org/alice/tool.git", in: repo)
        try env.gitOK("remote", "add", "upstream", "https://example.com/someone/tool.git", in: repo)
        try env.gitOK("config", "core.sshCommand", "ssh -i ~/.ssh/alice", in: repo)

        let r = try env.git("hforge", "init", "--import-from-git", in: repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr.contains("not imported: remote 'upstream'"))
        #expect(r.stderr.contains("example.com is not a known forge"))
        #expect(r.stdout.contains("rename remote origin -> github"))
        let toml = try String(contentsOfFile: repo + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(toml.contains("forges = [\"github\", \"codeberg\"]"))
        #expect(toml.contains("org = \"alice\""))
        #expect(toml.contains("repo_name = \"tool\""))
        #expect(toml.contains("github = \"~/.ssh/alice\""))
        let remotes = try env.gitOK("remote", in: repo)
        #expect(remotes.split(separator: "\n").sorted() == ["codeberg", "github", "upstream"])
        // Mixed protocols: ssh is kept, so codeberg's https URL is rewritten.
        #expect(try env.gitOK("remote", "get-url", "codeberg", in: repo) == "git@codeberg.org:alice/tool.git\n")
        #expect(try env.gitOK("config", "core.sshCommand", in: repo) == "git-hforge ssh\n")
    }

    @Test func syncReconcilesAndNeedsForceToRemove() throws {
        let env = try TestEnvironment("sync")
        try env.write("k", to: "home/.ssh/k")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\", \"codeberg\"]\norg = \"alice\"\n\n[ssh]\ngithub = \"~/.ssh/k\"\n", to: "tool/.hyperforge/config.toml")
        try env.gitOK("remote", "add", "github", "git@github.com:someone-else/tool.git", in: repo)
        try env.gitOK("remote", "add", "gitlab", "git@gitlab.com:alice/tool.git", in: repo)

        let status = try env.git("hforge", "status", "--exit-code", in: repo)
        #expect(status.code == 5)
        #expect(status.stdout.contains("wrong-url"))
        #expect(status.stdout.contains("wrong-key"))
        #expect(status.stdout.contains("missing"))
        #expect(status.stdout.contains("extra"))

        let r = try env.git("hforge", "sync", in: repo)
        #expect(r.code == 2, "\(r)")
        #expect(r.stdout.contains("add remote codeberg"))
        #expect(r.stdout.contains("set URL of remote github"))
        #expect(r.stderr.contains("remote 'gitlab'"))
        #expect(r.stderr.contains("--force"))
        #expect(try env.gitOK("remote", "get-url", "github", in: repo) == "git@github.com:alice/tool.git\n")
        #expect(try env.gitOK("remote", "get-url", "gitlab", in: repo) == "git@gitlab.com:alice/tool.git\n")
        #expect(try env.gitOK("config", "hforge.github.identityFile", in: repo) == "~/.ssh/k\n")

        let forced = try env.git("hforge", "sync", "--force", in: repo)
        #expect(forced.code == 0, "\(forced)")
        #expect(forced.stdout.contains("remove remote gitlab"))
        #expect(try env.gitOK("remote", in: repo) == "codeberg\ngithub\n")
        #expect(try env.git("hforge", "status", "--exit-code", in: repo).code == 0)
    }

    /// A committed config.toml that links outside the repository is refused unread (its parse errors would quote the file).
    @Test func aConfigLinkedOutsideTheRepositoryIsRefusedUnread() throws {
        let env = try TestEnvironment("config-link")
        let repo = try env.makeRepository("projects/tool")
        try env.write("PRIVATEKEYBYTES\n", to: "home/.ssh/id_private")
        try FileManager.default.createDirectory(atPath: repo + "/.hyperforge", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo + "/.hyperforge/config.toml", withDestinationPath: env.root + "/home/.ssh/id_private")
        let r = try env.git("hforge", "status", in: repo)
        #expect(r.code != 0 && r.stderr.contains("outside the repository"), "\(r)")
        #expect(!(r.stdout + r.stderr).contains("PRIVATE") && !(r.stdout + r.stderr).contains("saw '"), "\(r)")
    }

    /// A key file that went away is a warning of status (push would fail), cached or not.
    @Test func statusWarnsOfAKeyFileThatIsGone() throws {
        let env = try TestEnvironment("status-key")
        let repo = try env.makeRepository("projects/tool")
        try env.write("key\n", to: "keys/github")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n[ssh]\ngithub = \"\(env.root)/keys/github\"\n", to: "projects/tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        let fine = try env.git("hforge", "status", "--json", in: repo)
        #expect((try JSONSerialization.jsonObject(with: Data(fine.stdout.utf8)) as? [String: Any])?["warnings"] as? [String] == [], "\(fine)")
        try FileManager.default.removeItem(atPath: env.root + "/keys/github")
        let gone = try env.git("hforge", "status", "--json", in: repo)
        let warnings = (try JSONSerialization.jsonObject(with: Data(gone.stdout.utf8)) as? [String: Any])?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("ssh key for github cannot be read") && $0.contains("no such file") }, "\(gone)")
        let text = try env.git("hforge", "status", in: repo)
        #expect(text.stderr.contains("ssh key for github cannot be read"), "\(text)")
    }

    @Test func statusCountsAheadAndBehindTheLastFetchedBranch() throws {
        let env = try TestEnvironment("status")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\", \"codeberg\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        let first = try env.gitOK("rev-parse", "HEAD", in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        try env.gitOK("commit", "-q", "--allow-empty", "-m", "two", in: repo)
        try env.gitOK("commit", "-q", "--allow-empty", "-m", "three", in: repo)
        // What a fetch from github would have left: github is two commits behind.
        try env.gitOK("update-ref", "refs/remotes/github/main", first, in: repo)

        let text = try env.git("hforge", "status", in: repo)
        #expect(text.stdout.contains("ahead 2, behind 0"), "\(text)")
        #expect(text.stdout.contains("not fetched"))

        let json = try env.git("hforge", "status", "--json", in: repo)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let forges = try #require(doc["forges"] as? [[String: Any]])
        #expect(forges.count == 2)
        #expect(forges[0]["forge"] as? String == "github")
        #expect(forges[0]["ahead"] as? Int == 2)
        #expect(forges[0]["behind"] as? Int == 0)
        #expect(forges[0]["tracking_ref"] as? String == "refs/remotes/github/main")
        #expect(forges[1]["ahead"] is NSNull) // never fetched: null, not missing
        #expect(doc["branch"] as? String == "main")
        #expect(doc["in_sync"] as? Bool == true)
    }

    @Test func gitDashCAndPathChooseTheRepository() throws {
        let env = try TestEnvironment("dashc")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "tool/.hyperforge/config.toml")
        #expect(try env.run("git", ["-C", repo, "hforge", "sync"], in: env.root).code == 0)
        try FileManager.default.createDirectory(atPath: repo + "/sub/dir", withIntermediateDirectories: true)
        let fromSub = try env.git("hforge", "status", in: repo + "/sub/dir")
        #expect(fromSub.code == 0 && fromSub.stdout.contains("in-sync"))
        let viaPath = try env.run("git", ["hforge", "status", "--path", repo], in: env.root)
        #expect(viaPath.code == 0 && viaPath.stdout.contains("in-sync"))
    }

    @Test func everyExecutableAnswersHelpAndVersion() throws {
        let env = try TestEnvironment("help")
        for tool in ["git-hforge", "git-realm", "git-scope", "git-credential-hforge"] {
            let v = try env.run(tool, ["--version"])
            #expect(v.code == 0 && v.stdout == "0.1.0\n", "\(tool): \(v)")
            let h = try env.run(tool, ["--help"])
            #expect(h.code == 0 && h.stdout.contains("USAGE"), "\(tool): \(h)")
        }
        let help = try env.run("git-hforge", ["--help"])
        for command in ["init", "sync", "status", "push", "config"] { #expect(help.stdout.contains(command)) }

        // One executable: the tools are links to it, and `hyperforge TOOL` works too.
        let links = TestEnvironment.productsDirectory
        for tool in ["git-hforge", "git-realm", "git-scope", "git-credential-hforge"] {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: links + "/" + tool).hasSuffix("/hyperforge"))
        }
        let viaName = try env.run("hyperforge", ["realm", "--help"])
        #expect(viaName.code == 0 && viaName.stdout.contains("git-realm") && viaName.stdout.contains("check"), "\(viaName)")
        #expect(try env.run("hyperforge", ["git-scope", "--version"]).stdout == "0.1.0\n")
        let usage = try env.run("hyperforge", ["--help"])
        #expect(usage.code == 0 && usage.stdout.contains("git-credential-hforge"), "\(usage)")
        let unknown = try env.run("hyperforge", ["frobnicate"])
        #expect(unknown.code == 64 && unknown.stderr.contains("unknown tool 'frobnicate'"), "\(unknown)")
    }
}

/// The credential helper is configured by absolute path (git then runs it
/// directly instead of starting a second git), and older or broken set-ups
/// are reported by status and repaired by sync.
@Suite struct CredentialHelperPathTests {
    @Test func syncRemovesOurHelperForAHostNoForgeUsesAnyMore() throws {
        let env = try TestEnvironment("helper-stale")
        func declare(_ webURL: String) throws {
            try env.write("""
            org = "alice"
            forges = ["corp"]
            protocol = "https"

            [custom_forges.corp]
            kind = "gitea"
            host = "git.corp.example"
            web_url = "\(webURL)"
            """, to: "work/.hyperforge/defaults.toml")
        }
        try declare("https://git.corp.example")
        let repo = try env.makeRepository("work/svc")
        #expect(try env.git("hforge", "init", in: repo).code == 0)
        let helper = TestEnvironment.productsDirectory + "/git-credential-hforge"
        let old = "credential.https://git.corp.example", new = "credential.https://code.corp.example"
        #expect(try env.gitOK("config", "--get-all", old + ".helper", in: repo) == helper + "\n")
        // Someone else's helper for another old host stays, with its useHttpPath; so does ours in the global config.
        try env.gitOK("config", "--add", "credential.https://legacy.example.helper", "store", in: repo)
        try env.gitOK("config", "credential.https://legacy.example.useHttpPath", "true", in: repo)
        try env.gitOK("config", "--global", "credential.https://elsewhere.example.helper", helper, in: repo)

        try declare("https://code.corp.example")
        let before = try TestEnvironment.snapshot(repo + "/.git")
        let dry = try env.git("hforge", "sync", "--dry-run", in: repo)
        #expect(dry.code == 0 && dry.stdout.contains("- stop using credential helper \(helper) for https://git.corp.example (no forge of the config uses it)"), "\(dry)")
        #expect(try TestEnvironment.snapshot(repo + "/.git") == before)

        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 0, "\(sync)")
        #expect(try env.git("config", "--get-all", old + ".helper", in: repo).stdout.isEmpty)
        #expect(try env.git("config", old + ".useHttpPath", in: repo).stdout.isEmpty)
        #expect(try env.gitOK("config", "--get-all", new + ".helper", in: repo) == helper + "\n")
        #expect(try env.gitOK("config", new + ".useHttpPath", in: repo) == "true\n")
        #expect(try env.gitOK("config", "--get-all", "credential.https://legacy.example.helper", in: repo) == "store\n")
        #expect(try env.gitOK("config", "credential.https://legacy.example.useHttpPath", in: repo) == "true\n")
        #expect(try env.gitOK("config", "--global", "credential.https://elsewhere.example.helper", in: repo) == helper + "\n")
        // Nothing left to do.
        let again = try env.git("hforge", "sync", "--dry-run", in: repo)
        #expect(again.code == 0 && !again.stdout.contains("credential helper"), "\(again)")
    }

    @Test func initUsesTheAbsolutePathAndSyncRepairsOlderSetUps() throws {
        let env = try TestEnvironment("helper-path")
        let repo = try env.makeRepository("tool")
        let helper = TestEnvironment.productsDirectory + "/git-credential-hforge"
        #expect(try env.git("hforge", "init", "--forges", "github", "--org", "alice", "--protocol", "https", in: repo).code == 0)
        let key = "credential.https://github.com.helper"
        #expect(try env.gitOK("config", "--get-all", key, in: repo) == helper + "\n")
        // It is the link, not the binary it points to: the name selects the tool.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: helper).hasSuffix("/hyperforge"))
        #expect(!(try env.git("hforge", "status", in: repo)).stderr.contains("credential helper"))

        // An older set-up by name: status says so, sync repairs it, keeping other helpers.
        try env.gitOK("config", "--unset-all", key, in: repo)
        try env.gitOK("config", "--add", key, "cache", in: repo)
        try env.gitOK("config", "--add", key, "hforge", in: repo)
        let named = try env.git("hforge", "status", in: repo)
        #expect(named.stderr.contains("configured by name") && named.stderr.contains("git hforge sync"), "\(named)")
        let sync = try env.git("hforge", "sync", in: repo)
        #expect(sync.code == 0 && sync.stdout.contains("use credential helper \(helper) for https://github.com (was hforge)"), "\(sync)")
        #expect(try env.gitOK("config", "--get-all", key, in: repo) == "cache\n" + helper + "\n")

        // The helper moved away: status notices (the cache is invalidated by the path's disappearance too).
        let gone = env.root + "/old-prefix/bin/git-credential-hforge"
        try FileManager.default.createDirectory(atPath: env.root + "/old-prefix/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: gone, withDestinationPath: helper)
        try env.gitOK("config", "--unset-all", key, in: repo)
        try env.gitOK("config", "--add", key, gone, in: repo)
        #expect(!(try env.git("hforge", "status", in: repo)).stderr.contains("is gone"))
        try FileManager.default.removeItem(atPath: gone)
        let missing = try env.git("hforge", "status", in: repo)
        #expect(missing.stderr.contains("points at \(gone), which is gone") && missing.stderr.contains("git hforge sync"), "\(missing)")
        #expect(try env.git("hforge", "sync", in: repo).code == 0)
        #expect(try env.gitOK("config", "--get-all", key, in: repo) == helper + "\n")

        // git runs it directly and it answers.
        #expect(try env.run("git", ["scope", "set", "git/github/alice/repo/tool/token"], input: "tok").code == 0)
        let filled = try env.run("git", ["credential", "fill"], in: repo, input: "protocol=https\nhost=github.com\npath=alice/tool.git\n\n")
        #expect(filled.stdout.contains("password=tok\n"), "\(filled)")
    }
}
