import Foundation
import HyperforgeCore
@testable import HyperforgeHforge
import Testing

/// The local half of `git hforge remote <forge> pull` (what it does with the
/// repositories a forge listed): real clones by the real git over smart HTTP
/// behind a server that demands a token, which git gets from the hforge
/// credential helper that pull configures for the clone.
@Suite(.enabled(if: SmartHTTPServer.isAvailable, "needs python3"))
struct RemotePullLocalTests {
    let token = "pull-token-Qx7"

    struct World {
        let env: TestEnvironment
        let server: SmartHTTPServer
        let workspace: String
    }

    /// A forge "local" (kind forgejo) declared in the test's own auth.toml,
    /// with git over the smart HTTP server; `names` as repositories of alice,
    /// each with one commit, and the token in each repository's scope.
    func world(_ name: String, repositories names: [String], defaults: String? = nil) throws -> World {
        let env = try TestEnvironment(name)
        let server = try SmartHTTPServer(in: env, token: token)
        try env.write("""
        [custom_forges.local]
        kind = "forgejo"
        host = "127.0.0.1"
        web_url = "\(server.baseURL)"

        """, to: "home/.config/hyperforge/auth.toml")
        // Above the workspace: git over https (no org, no forges: pull's defaults question still applies).
        try env.write("protocol = \"https\"\n", to: ".hyperforge/defaults.toml")
        let seed = try env.makeRepository("seed")
        for repoName in names {
            let bare = try server.createRepository("alice/\(repoName).git", env: env)
            try env.gitOK("push", "-q", bare, "HEAD:refs/heads/main", in: seed)
            #expect(try env.run("git", ["scope", "set", "git/local/alice/repo/\(repoName)/token"], input: token).code == 0)
        }
        let workspace = env.root + "/work"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        if let defaults { try env.write(defaults, to: "work/.hyperforge/defaults.toml") }
        return World(env: env, server: server, workspace: workspace)
    }

    /// `json`: stdout is the document only (`--json`).
    func pull(_ w: World, _ sources: [Hforge.PullSource], defaults: Hforge.RemotePullOptions.Defaults = .ask, dryRun: Bool = false,
              interactive: Bool? = nil, json: Bool = false, jobs: Int = 3) async throws -> (status: HyperforgeCore.ExitStatus?, error: (any Error)?, stdout: String, stderr: String) {
        var options = Hforge.RemotePullOptions(forge: "local")
        options.org = "alice"
        options.path = w.workspace
        options.jobs = jobs
        options.defaults = defaults
        options.dryRun = dryRun
        options.interactive = interactive
        options.json = json
        var context = w.env.context(in: w.workspace)
        let document = context.output.stdout
        if json { context.output = Output(stdout: context.output.stderr, stderr: context.output.stderr) }
        var named = try Hforge.namedForge("local", directory: w.workspace, context: context)
        do {
            // As remotePull does between resolving the forge and listing.
            if try Hforge.decideDefaults(options, named: named, owner: "alice", directory: w.workspace, context: context) {
                named = try Hforge.namedForge("local", directory: w.workspace, context: context)
            }
            let status = try await Hforge.pullSources(sources, options, named: named, owner: "alice", directory: w.workspace, context: context,
                                                      document: json ? document : nil)
            return (status, nil, json ? document.text : context.output.stdout.text, context.output.stderr.text)
        } catch {
            return (nil, error, json ? document.text : context.output.stdout.text, context.output.stderr.text)
        }
    }

    func source(_ name: String, visibility: Visibility = .private, archived: Bool = false, fork: Bool = false,
                description: String? = nil) -> Hforge.PullSource {
        Hforge.PullSource(name: name, visibility: visibility, archived: archived, fork: fork, description: description)
    }

    @Test func clonesEachWithItsConfigAndRemotesAsInitSetsThem() async throws {
        let w = try world("pull-clone", repositories: ["aperture", "fungal", "old"],
                          defaults: "org = \"alice\"\nforges = [\"local\", \"codeberg\"]\n")
        let r = try await pull(w, [source("aperture"), source("fungal", visibility: .public, description: "Spores \"and\" such"), source("old", archived: true)])
        #expect(r.status == .success && r.error == nil, "\(r)")
        #expect(r.stdout.contains("2 cloned, 0 updated, 1 skipped, 0 failed"), "\(r.stdout)")
        #expect(r.stdout.contains("skipped  old (archived)"))

        let aperture = w.workspace + "/aperture"
        #expect(try w.env.gitOK("remote", "get-url", "local", in: aperture) == "\(w.server.baseURL)/alice/aperture.git\n")
        #expect(try w.env.gitOK("remote", "get-url", "codeberg", in: aperture) == "https://codeberg.org/alice/aperture.git\n")
        #expect(try w.env.gitOK("config", "--get-all", "credential.\(w.server.baseURL).helper", in: aperture)
            == TestEnvironment.productsDirectory + "/git-credential-hforge\n")
        #expect(try w.env.gitOK("log", "--format=%s", "-1", in: aperture) == "first\n")
        #expect(FileManager.default.fileExists(atPath: aperture + "/README"))
        // Only what the chain does not say: nothing for aperture (private, the default), visibility for fungal.
        let apertureConfig = try String(contentsOfFile: aperture + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(!apertureConfig.contains("forges =") && !apertureConfig.contains("org =") && !apertureConfig.contains("visibility"), "\(apertureConfig)")
        let fungalConfig = try String(contentsOfFile: w.workspace + "/fungal/.hyperforge/config.toml", encoding: .utf8)
        #expect(fungalConfig.contains("visibility = \"public\"") && !fungalConfig.contains("forges ="), "\(fungalConfig)")
        #expect(fungalConfig.contains("description = \"Spores \\\"and\\\" such\""), "\(fungalConfig)")
        let shown = try w.env.gitOK("hforge", "config", in: w.workspace + "/fungal")
        #expect(shown.contains("description = \"Spores \\\"and\\\" such\""), "\(shown)")
        #expect(!FileManager.default.fileExists(atPath: w.workspace + "/old"))
        // git hforge sees each as init would have left it.
        let status = try w.env.git("hforge", "status", "--exit-code", in: aperture)
        #expect(status.code == 0, "\(status)")
        // The token went to git through the helper, never printed, and nothing temporary is left.
        #expect(w.server.entries.contains { $0.hasPrefix("accepted user=") && $0.contains("/alice/aperture.git/") })
        #expect(!r.stdout.contains(token) && !r.stderr.contains(token))
        #expect(try FileManager.default.contentsOfDirectory(atPath: w.workspace).sorted() == [".hyperforge", "aperture", "fungal"])
    }

    @Test func anExistingRepositoryIsFetchedAndReconciledNeverOverwritten() async throws {
        let w = try world("pull-again", repositories: ["aperture", "fungal"])
        let first = try await pull(w, [source("aperture"), source("fungal")], defaults: .never)
        #expect(first.status == .success, "\(first)")
        let aperture = w.workspace + "/aperture"
        // Without defaults, the config names the forge and the org.
        let config = try String(contentsOfFile: aperture + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(config.contains("forges = [\"local\"]") && config.contains("org = \"alice\""), "\(config)")
        #expect(!FileManager.default.fileExists(atPath: w.workspace + "/.hyperforge"))

        // Local work, a new commit on the forge, and a remote removed by hand.
        try w.env.write("mine\n", to: aperture + "/NOTES")
        try w.env.write("changed\n", to: aperture + "/README")
        let other = try w.env.makeRepository("other")
        try w.env.gitOK("push", "-q", "-f", w.server.root + "/alice/aperture.git", "HEAD:refs/heads/next", in: other)
        let r = try await pull(w, [source("aperture"), source("fungal")], defaults: .never)
        #expect(r.status == .success, "\(r)")
        #expect(r.stdout.contains("0 cloned, 2 updated, 0 skipped, 0 failed"), "\(r.stdout)")
        #expect(try String(contentsOfFile: aperture + "/NOTES", encoding: .utf8) == "mine\n")
        #expect(try String(contentsOfFile: aperture + "/README", encoding: .utf8) == "changed\n")
        #expect(try w.env.gitOK("rev-parse", "--verify", "-q", "refs/remotes/local/next", in: aperture).count == 41)
    }

    @Test func aFailureDoesNotStopTheOthersAndARerunFinishesTheRest() async throws {
        let w = try world("pull-fail", repositories: ["a", "b", "c"])
        // "b" is in the way (a directory that is no repository); "d" is not on the server;
        // a leftover of a killed run (a process that is gone) is removed.
        try w.env.write("x\n", to: "work/b/keep")
        let dead = "work/.hforge-pull-999999-c"
        try w.env.write("half\n", to: dead + "/file")
        let r = try await pull(w, ["a", "b", "c", "d"].map { source($0) }, defaults: .never)
        #expect(r.status == nil, "\(r)")
        let error = try #require(r.error as? RemoteError)
        #expect(error.exitStatus == .failure)
        #expect(error.description.contains("2 repositories failed (b, d)"), "\(error)")
        #expect(r.stdout.contains("failed   b: \(w.workspace)/b exists and is not a git repository; nothing there was changed"), "\(r.stdout)")
        #expect(r.stdout.contains("failed   d: git clone"), "\(r.stdout)")
        #expect(r.stdout.contains("2 cloned, 0 updated, 0 skipped, 2 failed"))
        #expect(try String(contentsOfFile: w.workspace + "/b/keep", encoding: .utf8) == "x\n")
        #expect(!FileManager.default.fileExists(atPath: w.env.root + "/" + dead))
        #expect(!FileManager.default.fileExists(atPath: w.workspace + "/d"))

        // Fix what failed; the rerun clones the rest and fetches what is there.
        try FileManager.default.removeItem(atPath: w.workspace + "/b")
        let seed = w.env.root + "/seed"
        _ = try w.server.createRepository("alice/d.git", env: w.env)
        try w.env.gitOK("push", "-q", w.server.root + "/alice/d.git", "HEAD:refs/heads/main", in: seed)
        #expect(try w.env.run("git", ["scope", "set", "git/local/alice/repo/d/token"], input: token).code == 0)
        let again = try await pull(w, ["a", "b", "c", "d"].map { source($0) }, defaults: .never)
        #expect(again.status == .success, "\(again)")
        #expect(again.stdout.contains("2 cloned, 2 updated, 0 skipped, 0 failed"), "\(again.stdout)")
    }

    @Test func jsonIsOneDocumentWithEachOutcomeAndItsError() async throws {
        let w = try world("pull-json", repositories: ["a", "c"])
        try w.env.write("x\n", to: "work/b/keep")
        let dry = try await pull(w, [source("a"), source("b"), source("c", archived: true)], defaults: .never, dryRun: true, json: true)
        #expect(dry.status == .failure, "\(dry)") // b is in the way, dry run or not
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any], "\(dry.stdout)")
        let plannedEntries = try #require(planned["repositories"] as? [[String: Any]])
        #expect(planned["dry_run"] as? Bool == true)
        #expect(plannedEntries.first { $0["name"] as? String == "a" }?["outcome"] as? String == "would-clone")
        #expect(plannedEntries.first { $0["name"] as? String == "a" }?["url"] as? String == "\(w.server.baseURL)/alice/a.git")
        #expect(plannedEntries.first { $0["name"] as? String == "b" }?["outcome"] as? String == "failed")
        #expect(!FileManager.default.fileExists(atPath: w.workspace + "/a"))

        let r = try await pull(w, [source("a"), source("b"), source("c", archived: true)], defaults: .never, json: true)
        // A failure is in the document, and the exit status says so; nothing is thrown past it.
        #expect(r.status == .failure && r.error == nil, "\(r)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        #expect(doc["summary"] as? [String: Int] == ["total": 3, "cloned": 1, "updated": 0, "skipped": 1, "failed": 1], "\(r.stdout)")
        #expect(doc["directory"] as? String == w.workspace && doc["owner"] as? String == "alice" && doc["forge"] as? String == "local")
        let entries = try #require(doc["repositories"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0["name"] as! String, $0) })
        #expect(byName["a"]?["outcome"] as? String == "cloned" && byName["a"]?["error"] is NSNull)
        #expect(byName["a"]?["path"] as? String == w.workspace + "/a")
        // The URL it was cloned from, not only in a dry run; the config pull wrote, which is not committed.
        #expect(byName["a"]?["url"] as? String == "\(w.server.baseURL)/alice/a.git", "\(entries)")
        #expect(byName["a"]?["config_written"] as? Bool == true && byName["c"]?["config_written"] as? Bool == false, "\(entries)")
        #expect(byName["b"]?["url"] is NSNull && byName["c"]?["url"] is NSNull, "\(entries)")
        #expect(byName["c"]?["outcome"] as? String == "skipped" && byName["c"]?["reason"] as? String == "archived")
        let error = try #require(byName["b"]?["error"] as? [String: Any], "\(entries)")
        #expect(byName["b"]?["outcome"] as? String == "failed")
        #expect(error["message"] as? String == "\(w.workspace)/b exists and is not a git repository; nothing there was changed", "\(error)")
        #expect(error["exit_status"] as? Int == 1)
        // stdout is the document alone; the failure is said on stderr too.
        #expect(r.stdout.hasPrefix("{") && r.stdout.hasSuffix("}\n"))
        #expect(r.stderr.contains("1 repository failed (b)"), "\(r.stderr)")
        // The hint points at the document, not at lines that --json does not print.
        #expect(r.stderr.contains("fix what each failed repository's error says (its \"error\" in the document's \"repositories\")"), "\(r.stderr)")
        #expect(!r.stderr.contains("the lines above"), "\(r.stderr)")
        // Without --json the lines are there, and the hint says so.
        let text = try await pull(w, [source("b")], defaults: .never)
        #expect((text.error as? RemoteError)?.hint?.hasPrefix("fix what the lines above say") == true, "\(text)")
    }

    /// Cloned, updated or planned, the repositories come in name order (text
    /// and JSON alike, whatever order they were named or finished in), each
    /// with the URL it is cloned or fetched from.
    @Test func repositoriesComeInNameOrderWithTheirURLs() async throws {
        let names = ["delta", "Bravo", "alpha", "charlie", "echo"]
        let w = try world("pull-order", repositories: names, defaults: "org = \"alice\"\nforges = [\"local\"]\n")
        let sorted = ["alpha", "Bravo", "charlie", "delta", "echo"]
        func outcomeLines(_ stdout: String, _ word: String) -> [String] {
            stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(word + " ") }
                .map { String($0.dropFirst(word.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
        }
        let cloned = try await pull(w, names.map { source($0) }, jobs: 1)
        #expect(cloned.status == .success, "\(cloned)")
        #expect(outcomeLines(cloned.stdout, "cloned") == sorted, "\(cloned.stdout)")
        for jobs in [1, 3] {
            let updated = try await pull(w, names.map { source($0) }, jobs: jobs)
            #expect(updated.status == .success, "\(updated)")
            #expect(outcomeLines(updated.stdout, "updated") == sorted, "jobs \(jobs): \(updated.stdout)")
            let json = try await pull(w, names.map { source($0) }, json: true, jobs: jobs)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
            let entries = try #require(doc["repositories"] as? [[String: Any]])
            #expect(entries.map { $0["name"] as? String } == sorted, "jobs \(jobs): \(entries)")
            #expect(entries.allSatisfy { $0["outcome"] as? String == "updated" && $0["config_written"] as? Bool == false }, "\(entries)")
            #expect(entries.map { $0["url"] as? String } == sorted.map { "\(w.server.baseURL)/alice/\($0).git" }, "\(entries)")
        }
        let dry = try await pull(w, names.map { source($0) }, dryRun: true, json: true)
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any], "\(dry)")
        let plannedEntries = try #require(planned["repositories"] as? [[String: Any]])
        #expect(plannedEntries.map { $0["name"] as? String } == sorted && plannedEntries.allSatisfy { $0["outcome"] as? String == "would-update" })
        #expect(plannedEntries.map { $0["url"] as? String } == sorted.map { "\(w.server.baseURL)/alice/\($0).git" }, "\(plannedEntries)")
    }

    /// The config.toml pull writes is the user's to review and commit: the
    /// summary says how many and what workspace status makes of them until then.
    @Test func theSummarySaysWhichConfigsAreNewAndNotCommitted() async throws {
        let w = try world("pull-uncommitted", repositories: ["a", "b"], defaults: "org = \"alice\"\nforges = [\"local\"]\n")
        let r = try await pull(w, [source("a"), source("b")])
        #expect(r.status == .success, "\(r)")
        #expect(r.stdout.contains("2 of them got a new .hyperforge/config.toml, not committed: review it and commit it in each "
                                  + "(until then 'git hforge workspace status' counts them as changed; --changed lists them)"), "\(r.stdout)")
        // What the summary says of workspace status holds.
        let status = try w.env.git("hforge", "workspace", "status", "--changed", "--json", in: w.workspace)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status)")
        let listed = (doc["repositories"] as? [[String: Any]] ?? []).compactMap { ($0["name"] ?? $0["path"]) as? String }
        #expect(listed.count == 2 && listed.contains { $0.hasSuffix("a") } && listed.contains { $0.hasSuffix("b") }, "\(status.stdout)")
        // Committed in one: the next pull writes none, and says nothing of it; the other is still not committed, but not new.
        try w.env.gitOK("add", ".hyperforge/config.toml", in: w.workspace + "/a")
        try w.env.gitOK("commit", "-q", "-m", "hyperforge config", in: w.workspace + "/a")
        let again = try await pull(w, [source("a"), source("b")])
        #expect(again.status == .success && !again.stdout.contains("got a new"), "\(again.stdout)")
    }

    /// A repository set up for `git hforge publish` commits a [publish]
    /// table in its config.toml: pull takes it as every other command does.
    @Test func aCommittedConfigWithAPublishTableIsPulled() async throws {
        let w = try world("pull-publish-table", repositories: [], defaults: "org = \"alice\"\nforges = [\"local\"]\n")
        let seed = try w.env.makeRepository("seed-publish")
        try w.env.write("[publish]\nregistry = \"local\"\n", to: "seed-publish/.hyperforge/config.toml")
        try w.env.gitOK("add", ".hyperforge/config.toml", in: seed)
        try w.env.gitOK("commit", "-q", "-m", "publish settings", in: seed)
        let bare = try w.server.createRepository("alice/p.git", env: w.env)
        try w.env.gitOK("push", "-q", bare, "HEAD:refs/heads/main", in: seed)
        #expect(try w.env.run("git", ["scope", "set", "git/local/alice/repo/p/token"], input: token).code == 0)
        let r = try await pull(w, [source("p")])
        #expect(r.status == .success, "\(r)")
        #expect(try String(contentsOfFile: w.workspace + "/p/.hyperforge/config.toml", encoding: .utf8) == "[publish]\nregistry = \"local\"\n")
    }

    @Test func aRemotePointingElsewhereFailsThatRepositoryAsInitWouldRefuse() async throws {
        let w = try world("pull-conflict", repositories: ["a"])
        let repo = try w.env.makeRepository("work/a")
        try w.env.gitOK("remote", "add", "local", "https://elsewhere.example/x/a.git", in: repo)
        let r = try await pull(w, [source("a")], defaults: .never)
        #expect(r.error is RemoteError, "\(r)")
        #expect(r.stdout.contains("failed   a: remote 'local' already exists and points to https://elsewhere.example/x/a.git"), "\(r.stdout)")
        #expect(try w.env.gitOK("remote", "get-url", "local", in: repo) == "https://elsewhere.example/x/a.git\n")
    }

    @Test func defaultsAreWrittenWithYesAndNeverWithNoDefaults() async throws {
        let w = try world("pull-defaults", repositories: ["a"])
        let r = try await pull(w, [source("a")], defaults: .write)
        #expect(r.status == .success, "\(r)")
        let defaults = try String(contentsOfFile: w.workspace + "/.hyperforge/defaults.toml", encoding: .utf8)
        #expect(defaults.contains("forges = [\"local\"]") && defaults.contains("org = \"alice\""), "\(defaults)")
        let config = try String(contentsOfFile: w.workspace + "/a/.hyperforge/config.toml", encoding: .utf8)
        #expect(!config.contains("forges =") && !config.contains("org ="), "\(config)")

        // Not on a terminal and neither flag: none is written, and the warning says how.
        let w2 = try world("pull-nodefaults", repositories: ["a"])
        let r2 = try await pull(w2, [source("a")], interactive: false)
        #expect(r2.status == .success, "\(r2)")
        #expect(r2.stderr.contains("no workspace defaults found") && r2.stderr.contains("--yes"), "\(r2.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w2.workspace + "/.hyperforge"))
    }

    @Test func aDryRunChangesNothing() async throws {
        let w = try world("pull-dry", repositories: ["a", "b"])
        _ = try w.env.makeRepository("work/b")
        let before = try TestEnvironment.snapshot(w.workspace)
        let r = try await pull(w, [source("a"), source("b")], defaults: .write, dryRun: true)
        #expect(r.status == .success, "\(r)")
        #expect(r.stdout.contains("would clone  a from \(w.server.baseURL)/alice/a.git"), "\(r.stdout)")
        #expect(r.stdout.contains("would update b"))
        #expect(r.stdout.contains("would write \(w.workspace)/.hyperforge/defaults.toml"))
        #expect(r.stdout.contains("dry run: nothing was changed"))
        #expect(try TestEnvironment.snapshot(w.workspace) == before)
        #expect(w.server.entries.isEmpty, "\(w.server.entries)")
    }
}
