import Foundation
import HyperforgeCore
import Testing

/// `git realm worktree` and `git realm pr` across the RFC's three member
/// repositories in two domains (aperture → fungal → ml-infra): real
/// worktrees and branches, pushes over smart HTTP, pull requests opened,
/// reviewed and merged on the stand-in forge in merge order.
@Suite struct RealmCoordinatedChangeTests {
    typealias E2E = RealmEndToEndTests

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func worktreesInEveryMemberOfTheDomainsListedAndRemoved() throws {
        let w = try E2E.world("realm-worktree")
        try E2E.twoDomains(w)
        let fungal = w.members["fungal"]!, aperture = w.members["aperture"]!, mlInfra = w.members["ml-infra"]!
        let before = try [aperture, fungal, mlInfra].map { try TestEnvironment.snapshot($0) }

        // A dry run: the same bytes twice, nothing changed in any repository.
        let dry1 = try w.ok("fungal", "worktree", "--rfc", "metrics", "--dry-run")
        let dry2 = try w.ok("fungal", "worktree", "--rfc", "metrics", "--dry-run")
        #expect(dry1 == dry2, "\(dry1)\n---\n\(dry2)")
        for name in ["aperture", "fungal", "ml-infra"] { #expect(dry1.contains("  \(name): .worktrees/feat-metrics/ on a new branch feat/metrics from main"), "\(dry1)") }
        #expect(try [aperture, fungal, mlInfra].map { try TestEnvironment.snapshot($0) } == before)

        // The coordinator's registry of member paths finds the others: fungal is in both domains.
        let made = try w.ok("fungal", "worktree", "--rfc", "metrics")
        #expect(made.contains("Creating unified worktree 'feat/metrics':"), "\(made)")
        #expect(made.contains("Branch 'feat/metrics' in 3 repositories: aperture, fungal, ml-infra"), "\(made)")
        for repo in [aperture, fungal, mlInfra] {
            #expect(try w.env.gitOK("branch", "--show-current", in: repo + "/.worktrees/feat-metrics") == "feat/metrics\n")
            #expect(try w.env.gitOK("status", "--porcelain", in: repo) == "", "the worktree is excluded from \(repo)'s status")
        }
        // From aperture only its domain's members; --domain must be one of its own.
        try w.ok("aperture", "fetch")
        let bad = try w.run("aperture", "worktree", "--rfc", "other", "--domain", "training-pipeline")
        #expect(bad.code == 64 && bad.stderr.contains("--domain training-pipeline"), "\(bad)")
        #expect(try w.ok("fungal", "worktree", "--rfc", "metrics").contains("(already there)"))

        // Listed from any participant, also from inside a worktree.
        let list = try Self.json(try w.env.gitOK("realm", "worktree", "list", "--json", in: mlInfra + "/.worktrees/feat-metrics"))
        let changes = list["worktrees"] as? [[String: Any]] ?? []
        #expect(changes.count == 1 && changes[0]["branch"] as? String == "feat/metrics", "\(list)")
        let participants = changes.first?["participants"] as? [[String: Any]] ?? []
        #expect(participants.compactMap { $0["repo"] as? String }.sorted() == ["aperture", "fungal", "ml-infra"])
        #expect(participants.allSatisfy { $0["exists"] as? Bool == true && $0["dirty"] as? Bool == false }, "\(participants)")

        // Uncommitted changes anywhere: nothing removed.
        try w.env.write("work in progress\n", to: "ml-infra/.worktrees/feat-metrics/notes.txt")
        let refused = try w.run("aperture", "worktree", "remove", "metrics")
        #expect(refused.code == 2 && refused.stderr.contains("ml-infra:") && refused.stderr.contains("1 changed file"), "\(refused)")
        for repo in [aperture, fungal, mlInfra] { #expect(FileManager.default.fileExists(atPath: repo + "/.worktrees/feat-metrics")) }
        let dryRemove = try w.ok("aperture", "worktree", "remove", "metrics", "--force", "--dry-run")
        #expect(dryRemove.contains("Would remove ml-infra: .worktrees/feat-metrics/ (with its uncommitted changes: --force)"), "\(dryRemove)")
        for repo in [aperture, fungal, mlInfra] { #expect(FileManager.default.fileExists(atPath: repo + "/.worktrees/feat-metrics")) }
        // Something else kept in aperture's .worktrees/: that directory stays (never a non-empty one removed).
        try w.env.write("mine\n", to: "aperture/.worktrees/keep.txt")
        let removed = try w.ok("aperture", "worktree", "remove", "metrics", "--force")
        #expect(removed.contains("branch feat/metrics kept"), "\(removed)")
        #expect(removed.contains("fungal: removed .worktrees/feat-metrics/ and the empty .worktrees/"), "\(removed)")
        #expect(try String(contentsOfFile: aperture + "/.worktrees/keep.txt", encoding: .utf8) == "mine\n")
        for repo in [fungal, mlInfra] { #expect(!FileManager.default.fileExists(atPath: repo + "/.worktrees"), "the emptied .worktrees/ of \(repo) is removed") }
        for repo in [aperture, fungal, mlInfra] {
            #expect(!FileManager.default.fileExists(atPath: repo + "/.worktrees/feat-metrics"))
            #expect(try w.env.git("rev-parse", "--verify", "refs/heads/feat/metrics", in: repo).code == 0)
        }
        #expect(try w.ok("fungal", "worktree", "list").contains("no coordinated changes here"))
    }

    /// A member the coordinator's registry does not know where to find (moved since it joined) is named in a warning
    /// (exit 2) and joins with --member NAME=PATH; --domain D takes only D's members; a --member that is not one of
    /// them, or whose path is another repository, is refused before anything is made.
    @Test func aMemberElsewhereJoinsWithMemberAndDomainNarrowsTheChange() throws {
        let w = try E2E.world("realm-worktree-member")
        try E2E.twoDomains(w)
        let aperture = w.members["aperture"]!, fungal = w.members["fungal"]!
        let moved = w.env.root + "/elsewhere/ml-infra"
        try FileManager.default.createDirectory(atPath: w.env.root + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: w.members["ml-infra"]!, toPath: moved)
        let before = try [aperture, fungal, moved].map { try TestEnvironment.snapshot($0) }

        let notAMember = try w.run("fungal", "worktree", "--rfc", "loss", "--domain", "training-pipeline", "--member", "aperture=\(aperture)")
        #expect(notAMember.code == 64 && notAMember.stderr.contains("--member aperture=") && notAMember.stderr.contains("fungal, ml-infra"), "\(notAMember)")
        let wrongPath = try w.run("fungal", "worktree", "--rfc", "loss", "--member", "ml-infra=\(aperture)")
        #expect(wrongPath.code == 64 && wrongPath.stderr.contains("the path of ml-infra's repository"), "\(wrongPath)")
        #expect(try [aperture, fungal, moved].map { try TestEnvironment.snapshot($0) } == before)

        // Only training-pipeline's members, ml-infra where --member says.
        let made = try w.run("fungal", "worktree", "--rfc", "loss", "--domain", "training-pipeline", "--member", "ml-infra=\(moved)")
        #expect(made.code == 0 && made.stdout.contains("Branch 'feat/loss' in 2 repositories: fungal, ml-infra") && made.stderr.isEmpty, "\(made)")
        #expect(try w.env.gitOK("branch", "--show-current", in: moved + "/.worktrees/feat-loss") == "feat/loss\n")
        #expect(!FileManager.default.fileExists(atPath: aperture + "/.worktrees"), "aperture is in no domain of the change")
        #expect(try w.env.git("rev-parse", "--verify", "--quiet", "refs/heads/feat/loss", in: aperture).code != 0)

        // Without --member, the moved one is named: the change is made where the members are, exit status 2.
        let partial = try w.run("fungal", "worktree", "--rfc", "accuracy")
        #expect(partial.code == 2 && partial.stderr.contains("ml-infra is not on this machine") && partial.stderr.contains("--member ml-infra=PATH"), "\(partial)")
        #expect(partial.stdout.contains("Branch 'feat/accuracy' in 2 repositories: aperture, fungal"), "\(partial)")
    }

    static let token = "realm-pr-token-Zx8"

    /// Three members each with a repository on a stand-in forge (served over smart HTTP) and `feat/metrics` worktrees; nothing committed there yet.
    struct PrWorld {
        var w: RealmEndToEndTests.World
        var standIn: ForgeStandIn
        var git: SmartHTTPServer
        var bares: [String: String]
        var env: TestEnvironment { w.env }
        var inside: String { w.members["fungal"]! + "/.worktrees/feat-metrics" }
        func realm(_ args: String...) throws -> TestEnvironment.Result { try env.run("git", ["realm"] + args, in: inside) }
        func commitEverywhere() throws {
            for name in ["aperture", "fungal", "ml-infra"] { try commit(name) }
        }
        func commit(_ name: String) throws {
            let tree = w.members[name]! + "/.worktrees/feat-metrics"
            try env.write("metrics v2 in \(name)\n", to: "\(name)/.worktrees/feat-metrics/METRICS.md")
            _ = try env.gitOK("add", "METRICS.md", in: tree)
            _ = try env.gitOK("commit", "-qm", "metrics v2", in: tree)
        }
    }

    static func prWorld(_ name: String, _ personality: ForgeStandIn.Personality) throws -> PrWorld {
        let w = try E2E.world(name)
        try E2E.twoDomains(w)
        let env = w.env
        let git = try SmartHTTPServer(in: env, token: Self.token)
        let names = ["aperture", "fungal", "ml-infra"]
        let standIn = try ForgeStandIn(personality, in: env, tokens: [.init(value: Self.token, label: "alice-token", user: "tester", owners: ["alice", "tester"])],
                                       orgs: ["alice"], users: ["tester"], repos: names.map { .init(owner: "alice", name: $0) })
        try env.write("""
        [custom_forges.lab]
        kind = "\(personality.kind.rawValue)"
        host = "127.0.0.1"
        web_url = "\(git.baseURL)"
        api_url = "\(standIn.apiURL)"

        """, to: "home/.config/hyperforge/auth.toml")
        try env.write("protocol = \"https\"\norg = \"alice\"\nforges = [\"lab\"]\n", to: ".hyperforge/defaults.toml")
        var bares: [String: String] = [:]
        for name in names {
            let repo = w.members[name]!
            bares[name] = try git.createRepository("alice/\(name).git", env: env)
            let set = try env.run("git", ["scope", "set", "git/lab/alice/repo/\(name)/token"], input: Self.token)
            #expect(set.code == 0, "\(set)")
            let initRun = try env.run("git", ["hforge", "init"], in: repo)
            #expect(initRun.code == 0, "\(initRun)")
            _ = try env.gitOK("add", ".hyperforge", in: repo)
            _ = try env.gitOK("commit", "-qm", "hyperforge config", in: repo)
            let pushed = try env.run("git", ["hforge", "push"], in: repo)
            #expect(pushed.code == 0, "\(pushed)")
        }

        try w.ok("fungal", "worktree", "--rfc", "metrics")
        return PrWorld(w: w, standIn: standIn, git: git, bares: bares)
    }

    @Test(.enabled(if: ForgeStandIn.available && SmartHTTPServer.isAvailable, "needs python3"))
    func pullRequestsOpenedAndMergedInMergeOrder() throws {
        let world = try Self.prWorld("realm-pr", .github)
        let w = world.w, env = world.env, standIn = world.standIn, bares = world.bares
        let names = ["aperture", "fungal", "ml-infra"]
        // A branch with no commits beyond its base: refused before anything is pushed or opened.
        try world.commit("aperture")
        let empty = try world.realm("pr", "--title", "feat: training metrics v2")
        #expect(empty.code != 0 && empty.stderr.contains("fungal: its branch feat/metrics has no commits beyond main, so its pull request would be empty"), "\(empty)")
        #expect(standIn.requests.filter(\.isMutating).isEmpty, "\(standIn.requests)")
        try world.commit("fungal")
        try world.commit("ml-infra")
        func realm(_ args: String...) throws -> TestEnvironment.Result { try env.run("git", ["realm"] + args, in: world.inside) }
        func remoteBranch(_ name: String) throws -> String {
            try env.git("--git-dir=\(bares[name]!)", "rev-parse", "--verify", "--quiet", "refs/heads/feat/metrics", in: env.root).stdout
        }

        // Dry runs: the same bytes twice, no mutating request, nothing pushed.
        let dry1 = try realm("pr", "--title", "feat: training metrics v2", "--dry-run")
        let dry2 = try realm("pr", "--title", "feat: training metrics v2", "--dry-run")
        #expect(dry1.code == 0 && dry1.stdout == dry2.stdout, "\(dry1)\n---\n\(dry2)")
        #expect(dry1.stdout.contains("aperture: would open a pull request (merge first - exports): POST \(standIn.apiURL)/repos/alice/aperture/pulls"), "\(dry1)")
        #expect(standIn.requests.filter(\.isMutating).isEmpty, "\(standIn.requests)")
        for name in names { #expect(try remoteBranch(name).isEmpty) }

        let opened = try realm("pr", "--title", "feat: training metrics v2", "--body", "Training metrics, second version.")
        #expect(opened.code == 0, "\(opened)")
        #expect(opened.stdout.contains("✓ aperture PR #1 (merge first - exports)"), "\(opened)")
        #expect(opened.stdout.contains("✓ fungal PR #1 (merge second - exports and imports)"), "\(opened)")
        #expect(opened.stdout.contains("✓ ml-infra PR #1 (merge third - imports)"), "\(opened)")
        #expect(opened.stdout.contains("Blocked by: aperture#1\n"), "\(opened)")
        #expect(opened.stdout.contains("Merge order: aperture#1 → fungal#1 → ml-infra#1"), "\(opened)")
        for name in names {
            let head = try env.gitOK("rev-parse", "HEAD", in: w.members[name]! + "/.worktrees/feat-metrics")
            #expect(try remoteBranch(name).hasPrefix(head.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name) pushed")
        }
        let creates = standIn.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }
        #expect(creates.map(\.path) == names.map { "\(standIn.personality.basePath)/repos/alice/\($0)/pulls" }, "\(creates)")
        let bodies = creates.map { $0.body?["body"] as? String ?? "" }
        #expect(bodies[0].hasPrefix("Training metrics, second version.") && bodies[0].contains("Blocked by: nothing (merges first)"), "\(bodies)")
        // Cross-repository references the forge links (OWNER/REPO#N).
        #expect(bodies[1].contains("1. alice/aperture#1") && bodies[1].contains("2. fungal (this one)") && bodies[1].contains("3. ml-infra")
                && bodies[1].contains("Blocked by: alice/aperture#1"), "\(bodies[1])")
        #expect(bodies[2].contains("Blocked by: alice/aperture#1, alice/fungal#1"), "\(bodies[2])")
        #expect(creates.allSatisfy { $0.body?["head"] as? String == "feat/metrics" && $0.body?["base"] as? String == "main" })
        let comments = standIn.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/comments") }
        #expect(comments.count == 3 && comments.allSatisfy { ($0.body?["body"] as? String ?? "").contains("aperture#1 → fungal#1 → ml-infra#1") }, "\(comments)")

        // Again: found, not opened twice.
        let again = try realm("pr", "--title", "feat: training metrics v2")
        #expect(again.code == 0 && again.stdout.contains("already open"), "\(again)")
        #expect(standIn.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.count == 3)

        // Status: only aperture may merge now.
        let status = try Self.json(try realm("pr", "status", "--json").stdout)
        let requests = status["requests"] as? [[String: Any]] ?? []
        #expect(requests.compactMap { $0["repo"] as? String } == names, "\(status)")
        #expect(requests.map { $0["may_merge"] as? Bool } == [true, false, false], "\(status)")
        #expect(requests[1]["why"] as? String == "waits for aperture#1 to merge", "\(status)")
        #expect(requests[2]["blocked_by"] as? [String] == ["aperture#1", "fungal#1"], "\(status)")

        // fungal cannot merge: aperture merges, ml-infra is not tried.
        try standIn.setFaults([.init(match: "PUT /repos/alice/fungal/pulls/1/merge", times: 1, status: 405,
                                     body: ["message": "Pull Request is not mergeable", "documentation_url": "https://docs.github.com/rest"])])
        let stopped = try realm("pr", "merge")
        #expect(stopped.code == 1, "\(stopped)")
        #expect(stopped.stdout.contains("merged aperture#1") && stopped.stdout.contains("fungal#1 cannot merge") && stopped.stdout.contains("not merged, waiting for fungal#1: ml-infra#1"), "\(stopped)")
        var merges = standIn.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("/merge") }.map(\.path)
        #expect(merges == ["/api/v3/repos/alice/aperture/pulls/1/merge", "/api/v3/repos/alice/fungal/pulls/1/merge"], "\(merges)")
        try standIn.setFaults([])

        // A dry run of the rest sends nothing that changes anything.
        let mutatingBefore = standIn.requests.filter(\.isMutating).count
        let dryMerge = try realm("pr", "merge", "--dry-run")
        #expect(dryMerge.code == 0 && dryMerge.stdout.contains("aperture#1 already merged") && dryMerge.stdout.contains("would merge fungal#1")
                && dryMerge.stdout.contains("would merge ml-infra#1"), "\(dryMerge)")
        #expect(standIn.requests.filter(\.isMutating).count == mutatingBefore)

        let merged = try realm("pr", "merge")
        #expect(merged.code == 0 && merged.stdout.contains("All 3 requests of feat/metrics are merged"), "\(merged)")
        merges = standIn.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("/merge") }.map(\.path)
        #expect(merges == ["aperture", "fungal", "fungal", "ml-infra"].map { "/api/v3/repos/alice/\($0)/pulls/1/merge" }, "\(merges)")
        // Run again after the merges: nothing is opened anew.
        let after = try realm("pr", "--title", "feat: training metrics v2")
        #expect(after.code == 0 && after.stdout.contains("✓ ml-infra PR #1 (merge third - imports), already merged"), "\(after)")
        #expect(standIn.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.count == 3)
        let final = try Self.json(try realm("pr", "status", "--json").stdout)
        #expect((final["requests"] as? [[String: Any]] ?? []).allSatisfy { $0["state"] as? String == "merged" }, "\(final)")
        standIn.expectDescribedRequestsOnly()
    }

    /// `--draft` opens real drafts as each forge's API describes them (GitHub `draft: true`; Forgejo/Gitea a `WIP:` title;
    /// GitLab a `Draft:` title); `pr status` says draft, and `pr merge` stops at the first draft without asking the forge to merge it.
    @Test(.enabled(if: ForgeStandIn.available && SmartHTTPServer.isAvailable, "needs python3"),
          arguments: [ForgeStandIn.Personality.github, .forgejo, .gitlab])
    func draftsAreOpenedAsDraftsAndNeverMerged(_ personality: ForgeStandIn.Personality) throws {
        let world = try Self.prWorld("realm-pr-draft-\(personality)", personality)
        let standIn = world.standIn
        try world.commitEverywhere()
        let opened = try world.realm("pr", "--title", "feat: metrics", "--draft")
        #expect(opened.code == 0, "\(opened)")
        let creates = standIn.requests.filter { $0.method == "POST" && ($0.path.hasSuffix("/pulls") || $0.path.hasSuffix("/merge_requests")) }
        #expect(creates.count == 3, "\(standIn.requests)")
        for c in creates {
            switch personality {
            case .github: #expect(c.body?["draft"] as? Bool == true && c.body?["title"] as? String == "feat: metrics", "\(c)")
            case .gitlab: #expect(c.body?["title"] as? String == "Draft: feat: metrics", "\(c)")
            default: #expect(c.body?["title"] as? String == "WIP: feat: metrics", "\(c)")
            }
        }
        let status = try Self.json(try world.realm("pr", "status", "--json").stdout)
        let requests = status["requests"] as? [[String: Any]] ?? []
        #expect(requests.map { $0["state"] as? String } == ["draft", "draft", "draft"], "\(status)")
        #expect(requests.map { $0["may_merge"] as? Bool } == [false, false, false], "\(status)")
        #expect((requests.first?["why"] as? String)?.hasPrefix("it is a draft; mark it ready") == true, "\(status)")
        let merge = try world.realm("pr", "merge")
        #expect(merge.code == 1 && merge.stdout.contains("✗ aperture#1 cannot merge: it is a draft; mark it ready")
                && merge.stdout.contains("not merged, waiting for aperture#1: fungal#1, ml-infra#1"), "\(merge)")
        #expect(!standIn.requests.contains { $0.path.hasSuffix("/merge") && $0.isMutating }, "\(standIn.requests)")
        standIn.expectDescribedRequestsOnly()
    }
}
