import Foundation
import HyperforgeCore
import Testing

/// `git hforge remote <forge> list/pull/create`, `init --create`,
/// `sync --create` and `status --remote` through the real git, against the
/// stand-in forge of each kind (declared as a custom forge in the test's own
/// auth.toml), with git itself served by SmartHTTPServer: pull really
/// clones, push really pushes. Every request the stand-in saw must be one
/// its API description describes, and dry runs send no mutating request.
@Suite(.enabled(if: ForgeStandIn.available && SmartHTTPServer.isAvailable, "needs python3"))
struct RemoteCommandsTests {
    static let token = "forge-cmd-token-Kq4"

    struct World {
        let env: TestEnvironment
        let standIn: ForgeStandIn
        let git: SmartHTTPServer
        let workspace: String
        let seed: String

        /// Requests that change something on the forge.
        var mutating: [ForgeStandIn.Request] { standIn.requests.filter(\.isMutating) }
    }

    /// A stand-in of `personality` knowing org (group) alice and its repositories;
    /// git for them on the smart HTTP server; forge "lab" in auth.toml with
    /// web_url at the git server and api_url at the stand-in; the token in every
    /// scope the commands use.
    static func world(_ name: String, _ personality: ForgeStandIn.Personality, repos: [ForgeStandIn.Repo], gitRepos: [String],
                      scopes: [String] = []) throws -> World {
        let env = try TestEnvironment(name)
        let git = try SmartHTTPServer(in: env, token: token)
        let standIn = try ForgeStandIn(personality, in: env, tokens: [.init(value: token, label: "alice-token", user: "tester", owners: ["alice", "tester"])],
                                       orgs: ["alice"], users: ["tester"], repos: repos)
        try env.write("""
        [custom_forges.lab]
        kind = "\(personality.kind.rawValue)"
        host = "127.0.0.1"
        web_url = "\(git.baseURL)"
        api_url = "\(standIn.apiURL)"

        """, to: "home/.config/hyperforge/auth.toml")
        // git over https (the smart HTTP server) everywhere below; no org or forges: pull's defaults question applies.
        try env.write("protocol = \"https\"\n", to: ".hyperforge/defaults.toml")
        let seed = try env.makeRepository("seed")
        for repoName in gitRepos {
            let bare = try git.createRepository("alice/\(repoName).git", env: env)
            try env.gitOK("push", "-q", bare, "HEAD:refs/heads/main", in: seed)
        }
        let repoScopes = gitRepos.map { "git/lab/alice/repo/\($0)/token" }
        for scope in ["git/lab/alice/token", "git/lab/tester/token"] + repoScopes + scopes {
            let set = try env.run("git", ["scope", "set", scope], input: token)
            #expect(set.code == 0, "\(set)")
        }
        let workspace = env.root + "/work"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        return World(env: env, standIn: standIn, git: git, workspace: workspace, seed: seed)
    }

    static func json(_ r: TestEnvironment.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    static let kinds: [ForgeStandIn.Personality] = [.github, .gitea, .forgejo, .gitlab]

    @Test(arguments: kinds)
    func listAndPull(_ personality: ForgeStandIn.Personality) throws {
        let w = try Self.world("remote-pull-\(personality.rawValue)", personality, repos: [
            .init(owner: "alice", name: "aperture", isPrivate: false, description: "The aperture"),
            .init(owner: "alice", name: "fungal", isPrivate: true),
            .init(owner: "alice", name: "old", archived: true),
            .init(owner: "alice", name: "borrowed", fork: true),
        ], gitRepos: ["aperture", "fungal"])
        let env = w.env

        let list = try env.git("hforge", "remote", "lab", "list", "--org", "alice", "--json", in: w.workspace)
        #expect(list.code == 0, "\(list)")
        let doc = try #require(try Self.json(list) as? [String: Any])
        let names = (doc["repositories"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["aperture", "fungal"], "\(list.stdout)")
        #expect(doc["owner_kind"] as? String == "org" && doc["forge"] as? String == "lab")
        let everything = try env.git("hforge", "remote", "list", "lab", "--org", "alice", "--include-archived", "--include-forks", in: w.workspace)
        #expect(everything.code == 0 && everything.stdout.contains("old") && everything.stdout.contains("archived")
                && everything.stdout.contains("borrowed") && everything.stdout.contains("fork"), "\(everything)")

        // The dry run lists (and shows the request), changes nothing.
        let before = try TestEnvironment.snapshot(w.workspace)
        let dry = try env.git("hforge", "remote", "lab", "pull", "--org", "alice", "--all", "--path", w.workspace, "--dry-run", "--yes", in: env.root)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("request: GET \(w.standIn.apiURL)/"), "\(dry)")
        #expect(dry.stdout.contains("would clone  aperture from \(w.git.baseURL)/alice/aperture.git"), "\(dry)")
        #expect(try TestEnvironment.snapshot(w.workspace) == before)

        let pull = try env.git("hforge", "remote", "lab", "pull", "--org", "alice", "--all", "--path", w.workspace, "--yes", in: env.root)
        #expect(pull.code == 0, "\(pull)")
        #expect(pull.stdout.contains("2 cloned, 0 updated, 2 skipped, 0 failed"), "\(pull)")
        let defaults = try String(contentsOfFile: w.workspace + "/.hyperforge/defaults.toml", encoding: .utf8)
        #expect(defaults.contains("org = \"alice\"") && defaults.contains("forges = [\"lab\"]"), "\(defaults)")
        // aperture is public (the chain says private): the config says so; fungal needs nothing.
        let aperture = w.workspace + "/aperture"
        let config = try String(contentsOfFile: aperture + "/.hyperforge/config.toml", encoding: .utf8)
        #expect(config.contains("visibility = \"public\"") && config.contains("description = \"The aperture\"") && !config.contains("org ="), "\(config)")
        let fungalConfig = try String(contentsOfFile: w.workspace + "/fungal/.hyperforge/config.toml", encoding: .utf8)
        #expect(!fungalConfig.contains("visibility") && !fungalConfig.contains("org ="), "\(fungalConfig)")
        #expect(try env.gitOK("remote", "get-url", "lab", in: aperture) == "\(w.git.baseURL)/alice/aperture.git\n")
        #expect(try env.gitOK("log", "-1", "--format=%s", in: aperture) == "first\n")

        // status --remote: the forge has it, with the config's visibility.
        let status = try env.git("hforge", "status", "--remote", "--json", in: aperture)
        #expect(status.code == 0, "\(status)")
        let report = try #require(try Self.json(status) as? [String: Any])
        let remote = try #require(((report["forges"] as? [[String: Any]])?.first)?["remote"] as? [String: Any], "\(status.stdout)")
        #expect(remote["exists"] as? Bool == true && remote["visibility_matches"] as? Bool == true, "\(remote)")

        // Again: what is there is fetched, nothing is overwritten.
        try env.write("local change\n", to: aperture + "/README")
        // (--json: one document, each repository's outcome, the summary.)
        let again = try env.git("hforge", "remote", "lab", "pull", "--org", "alice", "--all", "--path", w.workspace, "--json", in: env.root)
        #expect(again.code == 0, "\(again)")
        let pulled = try #require(try Self.json(again) as? [String: Any], "\(again.stdout)")
        #expect(pulled["summary"] as? [String: Int] == ["total": 4, "cloned": 0, "updated": 2, "skipped": 2, "failed": 0], "\(again.stdout)")
        let outcomes = (pulled["repositories"] as? [[String: Any]] ?? []).map { "\($0["name"]!) \($0["outcome"]!) \($0["reason"] as? String ?? "-")" }
        #expect(Set(outcomes) == ["aperture updated -", "fungal updated -", "old skipped archived", "borrowed skipped a fork"], "\(outcomes)")
        #expect(pulled["forge"] as? String == "lab" && pulled["owner"] as? String == "alice" && pulled["dry_run"] as? Bool == false)
        #expect(try String(contentsOfFile: aperture + "/README", encoding: .utf8) == "local change\n")

        #expect(w.mutating.isEmpty, "pull and list sent \(w.mutating)")
        #expect(!(list.stdout + pull.stdout + pull.stderr + dry.stdout).contains(Self.token))
        w.standIn.expectDescribedRequestsOnly()
    }

    @Test(arguments: kinds)
    func createIsIdempotentAndDryRunsSendNothingThatChanges(_ personality: ForgeStandIn.Personality) throws {
        let w = try Self.world("remote-create-\(personality.rawValue)", personality, repos: [], gitRepos: [],
                               scopes: ["git/lab/alice/repo/newtool/token"])
        let env = w.env
        try env.write("org = \"alice\"\nforges = [\"lab\"]\n", to: "work/.hyperforge/defaults.toml")
        let repo = try env.makeRepository("work/newtool")

        // Dry runs: the look-up is made and shown, the create only printed.
        let before = try TestEnvironment.snapshot(repo)
        let dryInit = try env.git("hforge", "init", "--create", "--dry-run", in: repo)
        #expect(dryInit.code == 0, "\(dryInit)")
        #expect(dryInit.stdout.contains("request: GET \(w.standIn.apiURL)/"), "\(dryInit)")
        #expect(dryInit.stdout.contains("would create alice/newtool on lab: POST \(w.standIn.apiURL)/"), "\(dryInit)")
        #expect(dryInit.stdout.contains("(not sent: dry run)"), "\(dryInit)")
        #expect(try TestEnvironment.snapshot(repo) == before)
        #expect(w.mutating.isEmpty, "init --create --dry-run sent \(w.mutating)")

        // No token in a repository's scope: a dry run still plans the rest, the forge's step unknown.
        let untokened = try env.makeRepository("work/notoken")
        let scope = "git/lab/alice/repo/notoken/token"
        for args in [["init", "--create", "--dry-run"], ["sync", "--create", "--dry-run"]] {
            // (sync needs the repository's own config.toml: an empty one, the defaults say the rest.)
            if args[0] == "sync" { try env.write("", to: untokened + "/.hyperforge/config.toml") }
            let unknown = try env.run("git", ["hforge"] + args, in: untokened)
            #expect(unknown.code == 0, "\(args): \(unknown)")
            #expect(unknown.stdout.contains("alice/notoken on lab: unknown (no token for \(scope): run 'git scope set \(scope)')"), "\(args): \(unknown)")
            #expect(unknown.stdout.contains("add remote lab \(w.git.baseURL)/alice/notoken.git") && unknown.stdout.contains("dry run: nothing was changed"), "\(args): \(unknown)")
        }
        // Without --dry-run it needs the token, and says how to store it.
        let refused = try env.git("hforge", "sync", "--create", in: untokened)
        #expect(refused.code == 1 && refused.stderr.contains("git scope set \(scope)"), "\(refused)")
        #expect(try env.git("remote", in: untokened).stdout.isEmpty)

        let created = try env.git("hforge", "init", "--create", in: repo)
        #expect(created.code == 0, "\(created)")
        #expect(created.stdout.contains("created alice/newtool on lab (private)"), "\(created)")
        #expect(w.mutating.count == 1 && w.mutating.first?.method == "POST", "\(w.standIn.requests)")
        #expect(try env.gitOK("remote", "get-url", "lab", in: repo) == "\(w.git.baseURL)/alice/newtool.git\n")

        // Created again: it exists, and nothing is sent that changes anything.
        for args in [["remote", "lab", "create"], ["remote", "lab", "create", "--dry-run"], ["sync", "--create"], ["sync", "--create", "--dry-run"]] {
            let r = try env.run("git", ["hforge"] + args, in: repo)
            #expect(r.code == 0 && r.stdout.contains("alice/newtool exists on lab (private); not created again"), "\(args): \(r)")
        }
        #expect(w.mutating.count == 1, "\(w.standIn.requests)")

        // A config that differs is reported, the forge left as it is.
        try env.write("visibility = \"public\"\n", to: repo + "/.hyperforge/config.toml")
        let differs = try env.git("hforge", "remote", "lab", "create", in: repo)
        #expect(differs.code == 0 && differs.stderr.contains("visibility is private on the forge, public in the config"), "\(differs)")
        let status = try env.git("hforge", "status", "--remote", "--exit-code", in: repo)
        #expect(status.code == 5 && status.stdout.contains("on the forge: exists, private (the config says otherwise: change it in the forge's settings"), "\(status)")
        #expect(w.mutating.count == 1, "\(w.standIn.requests)")

        // The forge's git has it now (the stand-in does not serve git): push really pushes.
        let bare = try w.git.createRepository("alice/newtool.git", env: env)
        let push = try env.git("hforge", "push", in: repo)
        #expect(push.code == 0, "\(push)")
        #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bare) == (try env.gitOK("rev-parse", "HEAD", in: repo)))
        for r in [dryInit, created, differs, status, push] { #expect(!(r.stdout + r.stderr).contains(Self.token)) }
        w.standIn.expectDescribedRequestsOnly()
    }

    /// SIGINT in the middle of a pull: what was cloned is in place, nothing
    /// half-made is left, and the same pull again finishes the rest.
    @Test func anInterruptedPullIsFinishedByTheNextOne() throws {
        let names = (1...16).map { String(format: "r%02d", $0) }
        let w = try Self.world("remote-interrupt", .github, repos: names.map { .init(owner: "alice", name: $0) }, gitRepos: names)
        let env = w.env
        let logFile = env.root + "/pull.log"
        let pid = try Spawn.start(["git-hforge", "remote", "lab", "pull", "--org", "alice", "--all", "--path", w.workspace, "--jobs", "2", "--no-defaults"],
                                  environment: env.environment, logFile: logFile)
        func placed() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: w.workspace)) ?? []).filter { !$0.hasPrefix(".") }
        }
        let deadline = Date().addingTimeInterval(120)
        while placed().count < 3 && Date() < deadline && !Spawn.hasExited(pid) { usleep(10_000) }
        kill(pid, SIGINT)
        let code = Spawn.wait(pid)
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        let done = placed()
        #expect(done.count >= 3 && done.count < names.count, "interrupted after \(done.count) of \(names.count): \(log)")
        #expect(code == 130, "\(log)")
        // Nothing half-made: every directory there is a complete clone with its config; no temporary clone is left.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: w.workspace)) ?? []).allSatisfy { !$0.hasPrefix(".hforge-pull-") })
        for name in done {
            #expect(FileManager.default.fileExists(atPath: w.workspace + "/\(name)/.hyperforge/config.toml"), "\(name)")
            #expect(try env.gitOK("remote", "get-url", "lab", in: w.workspace + "/" + name) == "\(w.git.baseURL)/alice/\(name).git\n")
        }

        let again = try env.git("hforge", "remote", "lab", "pull", "--org", "alice", "--all", "--path", w.workspace, "--no-defaults", in: env.root)
        #expect(again.code == 0, "\(again)")
        #expect(again.stdout.contains("\(names.count - done.count) cloned, \(done.count) updated, 0 skipped, 0 failed"), "\(again)")
        #expect(placed().sorted() == names)
    }

    /// On a terminal, pull asks whether to write the workspace's defaults,
    /// and shows its progress; "n" writes nothing.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script (util-linux)"))
    func theDefaultsQuestionOnATerminal() throws {
        let w = try Self.world("remote-tty", .github, repos: [.init(owner: "alice", name: "aperture")], gitRepos: ["aperture"])
        let env = w.env
        func onTerminal(_ answer: String, _ dir: String) throws -> TestEnvironment.Result {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let command = "git hforge remote lab pull --org alice --all --path '\(dir)'"
            return try env.run("script", ["-qec", command, "/dev/null"], input: answer + "\n")
        }
        let no = try onTerminal("n", env.root + "/ws-no")
        #expect(no.code == 0, "\(no)")
        #expect(no.stdout.contains("No workspace defaults found. Create .hyperforge/defaults.toml? [Y/n]"), "\(no)")
        #expect(!FileManager.default.fileExists(atPath: env.root + "/ws-no/.hyperforge/defaults.toml"))
        let noConfig = try String(contentsOfFile: env.root + "/ws-no/aperture/.hyperforge/config.toml", encoding: .utf8)
        #expect(noConfig.contains("forges = [\"lab\"]") && noConfig.contains("org = \"alice\""), "\(noConfig)")

        let yes = try onTerminal("y", env.root + "/ws-yes")
        #expect(yes.code == 0, "\(yes)")
        #expect(yes.stdout.contains("pulling 0/1: aperture"), "progress on the terminal: \(yes)")
        #expect(yes.stdout.contains("1 cloned, 0 updated, 0 skipped, 0 failed"), "\(yes)")
        let defaults = try String(contentsOfFile: env.root + "/ws-yes/.hyperforge/defaults.toml", encoding: .utf8)
        #expect(defaults.contains("org = \"alice\"") && defaults.contains("forges = [\"lab\"]"), "\(defaults)")
        let config = try String(contentsOfFile: env.root + "/ws-yes/aperture/.hyperforge/config.toml", encoding: .utf8)
        #expect(!config.contains("forges =") && !config.contains("org ="), "\(config)")
    }
}
