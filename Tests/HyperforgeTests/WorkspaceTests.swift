import Foundation
import HyperforgeCore
import Testing

/// `git hforge workspace ...` over workspaces of real repositories built here.
@Suite struct WorkspaceTests {
    /// A repository at `ws/REL` with one commit; with `config`, its
    /// `.hyperforge/config.toml` (committed, so the work tree is clean).
    @discardableResult
    func member(_ env: TestEnvironment, _ rel: String, config: String? = "", commit: Bool = true) throws -> String {
        let path = try env.makeRepository("ws/" + rel, commit: commit)
        if let config {
            try env.write(config, to: "ws/\(rel)/.hyperforge/config.toml")
            if commit {
                try env.gitOK("add", ".hyperforge", in: path)
                try env.gitOK("commit", "-q", "-m", "hyperforge config", in: path)
            }
        }
        return path
    }

    func json(_ r: TestEnvironment.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r)")
    }

    func repositories(_ doc: [String: Any]) -> [[String: Any]] { doc["repositories"] as? [[String: Any]] ?? [] }

    func entry(_ doc: [String: Any], _ rel: String) -> [String: Any]? {
        repositories(doc).first { $0["relative_path"] as? String == rel }
    }

    @Test func discoveryTakesConfiguredRepositoriesAndSaysWhyOthersAreSkipped() throws {
        let env = try TestEnvironment("ws-discover")
        let ws = env.root + "/ws"
        try env.write("org = \"alice\"\nforges = [\"github\", \"codeberg\"]\n", to: "ws/.hyperforge/defaults.toml")
        try env.write("# old things\narchive/\n*.tmp/\n/team/b/deep/\n", to: "ws/.hyperforge/ignore")
        try env.write("org = \"team\"\n", to: "ws/team/.hyperforge/defaults.toml")
        try member(env, "team/a")
        try member(env, "team/b", config: nil)                    // no config: only with --all-repos
        try member(env, "team/a/vendor/inner")                     // nested in a's work tree
        try member(env, "archive/old")                              // ignored (archive/)
        try member(env, "scratch.tmp/x")                            // ignored (*.tmp/)
        try member(env, "plain", config: nil)                       // under ws's defaults: --all-repos
        try member(env, "team/b/deep/z")                            // ignored (anchored pattern)
        try env.gitOK("init", "-q", "--bare", ws + "/mirror.git", in: env.root)
        // A link out of the workspace to a configured repository, and one inside it.
        try member(env, "../outside/tool")
        try FileManager.default.createSymbolicLink(atPath: ws + "/link-out", withDestinationPath: env.root + "/outside")
        try FileManager.default.createSymbolicLink(atPath: ws + "/link-in", withDestinationPath: ws + "/team")
        // A submodule (a .git file) without its own config.
        let source = try env.makeRepository("sources/lib")
        try env.gitOK("-c", "protocol.file.allow=always", "submodule", "add", "-q", source, "lib", in: ws + "/team/a")

        let list = try env.git("hforge", "workspace", "list", "--json", in: ws)
        #expect(list.code == 0, "\(list)")
        let doc = try json(list)
        #expect(repositories(doc).map { $0["relative_path"] as? String } == ["team/a", "team/a/vendor/inner"])
        #expect(entry(doc, "team/a")?["reason"] as? String == "its own .hyperforge/config.toml")
        let skipped = Dictionary(uniqueKeysWithValues: (doc["skipped"] as? [[String: Any]] ?? []).map { ($0["relative_path"] as! String, $0["reason"] as! String) })
        #expect(skipped["archive"]?.contains(ws + "/.hyperforge/ignore:2 (archive/)") == true, "\(skipped)")
        #expect(skipped["scratch.tmp"]?.contains("ignore:3") == true, "\(skipped)")
        #expect(skipped["team/b"]?.contains("--all-repos would take it") == true, "\(skipped)")
        #expect(skipped["team/b"]?.contains(ws + "/team/.hyperforge/defaults.toml") == true, "\(skipped)")
        #expect(skipped["plain"]?.contains(ws + "/.hyperforge/defaults.toml") == true, "\(skipped)")
        #expect(skipped["mirror.git"] == "a bare repository (no work tree)")
        #expect(skipped["link-out"]?.contains("outside the workspace: links are not followed") == true, "\(skipped)")
        #expect(skipped["link-in"]?.contains("links are not followed") == true, "\(skipped)")
        #expect(skipped["team/a/lib"]?.contains("(submodule)") == true, "\(skipped)")
        #expect(skipped["team/b/deep"] == nil, "inside b's work tree, an ignored directory that is no repository is not listed")
        #expect(!list.stdout.contains("outside/tool"))

        // --all-repos: b and plain too, their config from the chain (team's org for b).
        let all = try json(try env.git("hforge", "workspace", "list", "--all-repos", "--json", in: ws))
        #expect(repositories(all).map { $0["relative_path"] as? String } == ["plain", "team/a", "team/a/lib", "team/a/vendor/inner", "team/b"])
        #expect(entry(all, "team/b")?["own_config"] as? Bool == false)
        #expect(entry(all, "team/a/lib")?["kind"] as? String == "submodule")
        let status = try env.git("hforge", "workspace", "status", "--all-repos", "--json", in: ws)
        let s = try json(status)
        let b = try #require(entry(s, "team/b"), "\(status)")
        let forges = b["forges"] as? [[String: Any]] ?? []
        #expect(forges.map { $0["wanted_url"] as? String } == ["git@github.com:team/b.git", "git@codeberg.org:team/b.git"], "\(status)")
        #expect(entry(s, "plain")?["error"] is NSNull)

        // Text: a line per member, then the skipped, then the count; --path from elsewhere.
        let text = try env.git("hforge", "workspace", "list", "--path", ws, in: env.root)
        #expect(text.code == 0 && text.stdout.contains("team/a/vendor/inner  its own .hyperforge/config.toml"), "\(text)")
        #expect(text.stdout.contains("\(ws): 2 repositories, "), "\(text)")
        // And a directory that is not one.
        let missing = try env.git("hforge", "workspace", "status", "--path", ws + "/nope", in: env.root)
        #expect(missing.code == 4 && missing.stderr.contains("workspace directory \(ws)/nope: no such file"), "\(missing)")
    }

    @Test func statusSaysEachRepositorysStateAndGoesOnPastAMalformedConfig() throws {
        let env = try TestEnvironment("ws-status")
        let ws = env.root + "/ws"
        try env.write("org = \"alice\"\nforges = [\"github\", \"codeberg\"]\n", to: "ws/.hyperforge/defaults.toml")
        func remotes(_ path: String, _ name: String) throws {
            try env.gitOK("remote", "add", "github", "git@github.com:alice/\(name).git", in: path)
            try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/\(name).git", in: path)
        }
        let clean = try member(env, "clean")
        try remotes(clean, "clean")
        try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD", in: clean)
        try env.gitOK("update-ref", "refs/remotes/codeberg/main", "HEAD", in: clean)
        let dirty = try member(env, "dirty")
        try remotes(dirty, "dirty")
        try env.write("changed\n", to: "ws/dirty/README")
        try env.write("new\n", to: "ws/dirty/notes.txt")
        try env.write("staged\n", to: "ws/dirty/staged.txt")
        try env.gitOK("add", "staged.txt", in: dirty)
        let ahead = try member(env, "ahead")
        try remotes(ahead, "ahead")
        try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD~1", in: ahead)
        let detached = try member(env, "detached")
        try remotes(detached, "detached")
        try env.gitOK("checkout", "-q", "--detach", "HEAD", in: detached)
        let unborn = try member(env, "unborn", commit: false)
        try remotes(unborn, "unborn")
        try member(env, "broken", config: "forges = [\n")
        let drift = try member(env, "drift")
        try env.gitOK("remote", "add", "github", "git@github.com:someone/else.git", in: drift)
        try env.gitOK("remote", "add", "origin", "https://example.com/x.git", in: drift)

        let r = try env.git("hforge", "workspace", "status", in: ws)
        #expect(r.code == 1, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        func line(_ rel: String) -> String { lines.first { $0.hasPrefix(rel + " ") } ?? "" }
        #expect(line("clean").contains("main") && line("clean").contains("clean") && line("clean").contains("github up to date; codeberg up to date"), "\(r)")
        #expect(line("dirty").contains("dirty (1 staged, 1 modified, 1 untracked)"), "\(r)")
        #expect(line("dirty").contains("github not fetched"), "\(r)")
        #expect(line("ahead").contains("github ahead 1; codeberg not fetched"), "\(r)")
        let commit = String(try env.gitOK("rev-parse", "HEAD", in: detached).prefix(12))
        #expect(line("detached").contains("detached at \(commit)") && line("detached").contains("github n/a (detached); codeberg n/a (detached)"),
                "a detached HEAD has no branch to compare: \(r)")
        #expect(!line("detached").contains("in sync") && !line("detached").contains("not fetched"), "\(r)")
        #expect(line("unborn").contains("branch main (no commits yet)") && line("unborn").contains("github n/a (no commits)"), "\(r)")
        #expect(line("drift").contains("github wrong-url; codeberg missing; origin extra"), "\(r)")
        #expect(line("broken").contains("failed"), "\(r)")
        #expect(r.stdout.contains(ws + "/broken/.hyperforge/config.toml:1"), "the error names the file and line: \(r)")
        #expect(r.stdout.contains("7 repositories: 4 clean, 2 dirty, 5 in sync with their config, 1 drifted, 1 ahead of a forge, 1 detached, 1 with no commits, 1 failed"), "\(r)")

        let changed = try env.git("hforge", "workspace", "status", "--changed", in: ws)
        #expect(!changed.stdout.split(separator: "\n").contains { $0.hasPrefix("clean ") }, "\(changed)")
        #expect(changed.stdout.split(separator: "\n").contains { $0.hasPrefix("dirty ") }, "\(changed)")
        #expect(changed.stdout.contains("7 repositories: "), "the summary still counts all: \(changed)")

        let j = try env.git("hforge", "workspace", "status", "--json", in: ws)
        #expect(j.code == 1)
        let doc = try json(j)
        let broken = try #require(entry(doc, "broken"))
        let error = try #require(broken["error"] as? [String: Any])
        #expect(error["exit_status"] as? Int == 3)
        #expect((error["message"] as? String)?.contains("config.toml:1") == true)
        #expect(broken["clean"] is NSNull)
        let d = try #require(entry(doc, "dirty")?["changes"] as? [String: Int])
        #expect(d == ["staged": 1, "unstaged": 1, "untracked": 1, "conflicted": 0])
        #expect(entry(doc, "detached")?["branch"] is NSNull)
        #expect(entry(doc, "detached")?["head_state"] as? String == "detached")
        #expect(entry(doc, "detached")?["detached_commit"] as? String == commit)
        #expect(entry(doc, "unborn")?["head_state"] as? String == "no-commits" && entry(doc, "unborn")?["detached_commit"] is NSNull)
        #expect(entry(doc, "clean")?["head_state"] as? String == "branch")
        func aheadBehind(_ rel: String) -> [String?] {
            (entry(doc, rel)?["forges"] as? [[String: Any]] ?? []).map { $0["ahead_behind"] as? String }
        }
        #expect(aheadBehind("detached") == ["not-applicable", "not-applicable"])
        #expect(aheadBehind("unborn") == ["not-applicable", "not-applicable"])
        #expect(aheadBehind("clean") == ["compared", "compared"])
        #expect(aheadBehind("ahead") == ["compared", "not-fetched"])
        #expect((entry(doc, "detached")?["forges"] as? [[String: Any]])?.allSatisfy { $0["ahead"] is NSNull && $0["behind"] is NSNull } == true)
        #expect(entry(doc, "clean")?["in_sync"] as? Bool == true)
        #expect(entry(doc, "drift")?["in_sync"] as? Bool == false)
        let summary = try #require(doc["summary"] as? [String: Int])
        #expect(summary["total"] == 7 && summary["failed"] == 1 && summary["dirty"] == 2 && summary["drifted"] == 1)
        #expect(summary["detached"] == 1 && summary["no_commits"] == 1 && summary["no_branch"] == 2)

        // Nothing was fetched or changed: the refs and indexes are as they were.
        for repo in [clean, dirty, ahead, detached] {
            #expect(try env.gitOK("for-each-ref", "refs/remotes", in: repo).split(separator: "\n").count <= 2)
        }
        #expect(try env.gitOK("status", "--porcelain", in: dirty) == " M README\nA  staged.txt\n?? notes.txt\n")
    }

    /// A few hundred repositories, read in parallel: every one is reported,
    /// each with its own state, on a cold and a warm run alike.
    @Test func statusOfThreeHundredRepositoriesInParallel() throws {
        let env = try TestEnvironment("ws-many")
        let ws = env.root + "/ws"
        let template = try member(env, ".template", config: "forges = [\"github\"]\norg = \"alice\"\nrepo_name = \"tool\"\n")
        try env.gitOK("remote", "add", "github", "git@github.com:alice/tool.git", in: template)
        try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD", in: template)
        let fm = FileManager.default
        let count = 300
        for i in 0..<count {
            let path = ws + "/org\(i % 3)/r\(String(format: "%03d", i))"
            try fm.createDirectory(atPath: FilePaths.parent(path)!, withIntermediateDirectories: true)
            try fm.copyItem(atPath: template, toPath: path)
            if i % 7 == 0 { try env.write("x\n", to: path + "/untracked.txt") }
        }
        try fm.removeItem(atPath: template)
        let expectedDirty = Set((0..<count).filter { $0 % 7 == 0 }.map { "org\($0 % 3)/r\(String(format: "%03d", $0))" })

        for round in 0..<2 {
            let r = try env.git("hforge", "workspace", "status", "--json", "--jobs", "4", in: ws)
            #expect(r.code == 0, "round \(round): \(r.stderr)")
            let doc = try json(r)
            let repos = repositories(doc)
            #expect(repos.count == count)
            let paths = repos.compactMap { $0["relative_path"] as? String }
            #expect(paths == paths.sorted(by: WorkspaceDiscovery.pathOrder), "path order")
            #expect(Set(repos.filter { $0["clean"] as? Bool == false }.compactMap { $0["relative_path"] as? String }) == expectedDirty)
            #expect(repos.allSatisfy { $0["in_sync"] as? Bool == true && $0["branch"] as? String == "main" })
            #expect((doc["summary"] as? [String: Int])?["dirty"] == expectedDirty.count)
        }
        let changed = try env.git("hforge", "workspace", "status", "--changed", in: ws)
        #expect(changed.stdout.split(separator: "\n").count == expectedDirty.count + 1, "\(changed)")

        // No cache hides a change: a tracked file edited to the same size, and
        // a file staged, show on the next (warm) run.
        let edited = ws + "/org1/r001", staged = ws + "/org2/r002"
        try env.write("hellO\n", to: "ws/org1/r001/README")
        try env.write("new\n", to: "ws/org2/r002/added.txt")
        try env.gitOK("add", "added.txt", in: staged)
        let after = try json(try env.git("hforge", "workspace", "status", "--json", in: ws))
        #expect(entry(after, "org1/r001")?["changes"] as? [String: Int] == ["staged": 0, "unstaged": 1, "untracked": 0, "conflicted": 0], "\(edited)")
        #expect(entry(after, "org2/r002")?["changes"] as? [String: Int] == ["staged": 1, "unstaged": 0, "untracked": 0, "conflicted": 0])
    }

    /// Fetches that prompt (here: an ssh asking for a passphrase, as ssh does
    /// with SSH_ASKPASS_REQUIRE=force) take turns: the user's own askpass
    /// program runs for one of them at a time, though four fetch at once.
    @Test func promptsOfParallelFetchesTakeTurns() throws {
        let env = try TestEnvironment("ws-prompt")
        let ws = env.root + "/ws"
        let log = env.root + "/prompts.log"
        // The user's askpass: notes when it starts and ends (a moment apart, so that two at once would overlap).
        try env.write("#!/bin/sh\necho \"begin $$\" >> '\(log)'\nsleep 0.2\necho \"end $$\" >> '\(log)'\necho \"answer for $1\"\n", to: "bin/my-askpass")
        // An ssh that asks for a passphrase through SSH_ASKPASS, then is refused (git's `-G` probe answered as OpenSSH does).
        try env.write("#!/bin/sh\n[ \"$1\" = -G ] && exit 0\nanswer=$(\"$SSH_ASKPASS\" \"Enter passphrase for key '/k/$$': \") || exit 255\necho \"got $answer\" >> '\(log)'\necho 'git@github.com: Permission denied (publickey).' >&2\nexit 255\n", to: "bin/fake-ssh")
        for script in ["my-askpass", "fake-ssh"] { chmod(env.root + "/bin/" + script, 0o755) }
        for i in 0..<4 {
            let repo = try member(env, "r\(i)", config: "forges = [\"github\"]\norg = \"alice\"\n")
            try env.gitOK("remote", "add", "github", "git@github.com:alice/r\(i).git", in: repo)
            try env.gitOK("config", "core.sshCommand", env.root + "/bin/fake-ssh", in: repo)
        }
        let saved = env.environment
        env.environment["SSH_ASKPASS"] = env.root + "/bin/my-askpass"
        env.environment["SSH_ASKPASS_REQUIRE"] = "force"
        defer { env.environment = saved }
        let r = try env.git("hforge", "workspace", "fetch", "--jobs", "4", in: ws)
        #expect(r.code == 1, "every fetch is refused: \(r)")
        #expect(r.stdout.contains("Permission denied (publickey)"), "\(r)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let prompts = lines.filter { $0.hasPrefix("begin ") || $0.hasPrefix("end ") }
        #expect(prompts.count == 8, "\(lines)")
        for k in stride(from: 0, to: prompts.count - 1, by: 2) {
            let pid = prompts[k].dropFirst("begin ".count)
            #expect(prompts[k].hasPrefix("begin ") && prompts[k + 1] == "end \(pid)", "one prompt at a time: \(prompts)")
        }
        // Each ssh got its own prompt's answer, through our askpass.
        #expect(lines.filter { $0.hasPrefix("got answer for Enter passphrase for key '/k/") }.count == 4, "\(lines)")
        // The private directory with the lock and the links is gone.
        let runtime = env.environment["XDG_RUNTIME_DIR"] ?? "/tmp"
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: runtime)) ?? []).contains { $0.hasPrefix("hforge-prompt-") })
    }

    @Test func syncPrintsOnePlanThenAppliesItAndDryRunChangesNothing() throws {
        let env = try TestEnvironment("ws-sync")
        let ws = env.root + "/ws"
        try env.write("org = \"alice\"\nforges = [\"github\", \"codeberg\"]\n", to: "ws/.hyperforge/defaults.toml")
        let a = try member(env, "a")
        let b = try member(env, "b")
        try env.gitOK("remote", "add", "github", "git@github.com:alice/b.git", in: b)
        try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/b.git", in: b)
        try env.gitOK("remote", "add", "origin", "https://example.com/b.git", in: b)
        try member(env, "c/broken", config: "org = 12\n")
        let before = try TestEnvironment.snapshot(ws)

        let dry = try env.git("hforge", "workspace", "sync", "--dry-run", in: ws)
        #expect(dry.code == 1, "a repository cannot be planned: \(dry)")
        #expect(dry.stdout.hasPrefix("Would change (dry run):\n  a:\n    + add remote github git@github.com:alice/a.git\n"), "\(dry)")
        #expect(dry.stdout.contains("remote 'origin' (https://example.com/b.git) is not in the config; it will be removed only with --force"), "\(dry)")
        #expect(dry.stdout.contains("c/broken: cannot be planned"), "\(dry)")
        #expect(dry.stdout.contains("dry run: nothing was changed in 3 repositories"), "\(dry)")
        #expect(try TestEnvironment.snapshot(ws) == before, "the dry run changed a file")
        let dryForce = try json(try env.git("hforge", "workspace", "sync", "--dry-run", "--force", "--json", in: ws))
        #expect((entry(dryForce, "b")?["actions"] as? [String])?.contains("remove remote origin (https://example.com/b.git)") == true)
        #expect(entry(dryForce, "a")?["outcome"] as? String == "would-change")
        #expect(try TestEnvironment.snapshot(ws) == before, "the dry run changed a file")

        let sync = try env.git("hforge", "workspace", "sync", in: ws)
        #expect(sync.code == 1, "\(sync)")
        #expect(try env.gitOK("remote", "get-url", "codeberg", in: a) == "git@codeberg.org:alice/a.git\n")
        #expect(try env.gitOK("remote", in: b) == "codeberg\ngithub\norigin\n", "kept without --force")
        #expect(sync.stdout.contains("Done: 2 repositories changed, 1 with remotes not in their config (kept; --force removes them), 1 failed"), "\(sync)")

        try FileManager.default.removeItem(atPath: ws + "/c")
        let refused = try env.git("hforge", "workspace", "sync", in: ws)
        #expect(refused.code == 2, "remotes kept without --force: \(refused)")
        let forced = try json(try env.git("hforge", "workspace", "sync", "--force", "--json", in: ws))
        #expect(entry(forced, "b")?["outcome"] as? String == "changed")
        #expect(try env.gitOK("remote", in: b) == "codeberg\ngithub\n")
        let again = try env.git("hforge", "workspace", "sync", in: ws)
        #expect(again.code == 0 && again.stdout.contains("2 repositories already match their config"), "\(again)")
    }

    /// Progress and colour only on a terminal (a pty from script(1)), never colour with NO_COLOR.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func progressAndColourOnlyOnATerminal() throws {
        let env = try TestEnvironment("ws-tty")
        let ws = env.root + "/ws"
        for name in ["a", "b", "c"] { try member(env, name, config: "forges = [\"github\"]\norg = \"alice\"\n") }
        var colourEnv = env.environment
        colourEnv.removeValue(forKey: "NO_COLOR")
        colourEnv["TERM"] = "xterm"
        let plain = try env.run("git", ["hforge", "workspace", "status"], in: ws)
        #expect(!plain.stdout.contains("\u{1B}") && !plain.stderr.contains("\u{1B}") && !plain.stderr.contains("\r"), "\(plain)")
        let saved = env.environment
        env.environment = colourEnv
        defer { env.environment = saved }
        let tty = try env.run("script", ["-qefc", "git hforge workspace status", "/dev/null"], in: ws)
        #expect(tty.code == 0, "\(tty)")
        #expect(tty.stdout.contains("status ") && tty.stdout.contains("/3"), "progress: \(tty.stdout.debugDescription)")
        #expect(tty.stdout.contains("\r\u{1B}[2K"), "the progress line is erased: \(tty.stdout.debugDescription)")
        #expect(tty.stdout.contains("\u{1B}[32m"), "colour on a terminal: \(tty.stdout.debugDescription)")
        var noColour = colourEnv
        noColour["NO_COLOR"] = "1"
        env.environment = noColour
        let mono = try env.run("script", ["-qefc", "git hforge workspace status", "/dev/null"], in: ws)
        #expect(mono.code == 0 && mono.stdout.contains("3 repositories"), "\(mono)")
        #expect(!mono.stdout.contains("\u{1B}[32m") && !mono.stdout.contains("\u{1B}[1m"), "no colour with NO_COLOR: \(mono.stdout.debugDescription)")
    }

    @Test func ignoreRulesFollowGitignoreSyntax() {
        let rules = IgnoreRules(base: "/w", file: "/w/.hyperforge/ignore", text: """
            # comment
            build/
            *.tmp
            /top
            docs/**/old
            a/**
            !keep.tmp
            [ab]x?
            \\#hash

            """)
        func ignored(_ p: String, dir: Bool = true) -> Bool { rules.match(p, isDirectory: dir).map { !$0.negated } ?? false }
        #expect(ignored("build") && ignored("x/y/build") && !ignored("build", dir: false))
        #expect(ignored("one.tmp") && ignored("deep/two.tmp") && !ignored("keep.tmp"))
        #expect(ignored("top") && !ignored("x/top"))
        #expect(ignored("docs/old") && ignored("docs/a/b/old") && !ignored("docs/older"))
        #expect(ignored("a/b") && ignored("a/b/c") && !ignored("a"))
        #expect(ignored("axy") && ignored("q/bx1") && !ignored("cxy") && !ignored("ax"))
        #expect(ignored("#hash"))
        #expect(rules.match("one.tmp", isDirectory: true)?.line == 3)
    }
}
