import Foundation
import HyperforgeCore
import Testing

/// `git realm sync` on a realm hosted on a forge (issue 17, item 6): the
/// realm repository is served over smart HTTP, the forge's API is the
/// stand-in (every request checked against the API description), which
/// merges pull requests for real in the served repository. Proposals are
/// pull requests, reviews are acknowledgements, merges go through the API.
@Suite(.enabled(if: ForgeStandIn.available && SmartHTTPServer.isAvailable, "needs python3"))
struct RealmSyncForgeTests {
    typealias Sync = RealmSyncTests

    static let tokens = ["alice": "ap-token-Qw7", "bob": "fu-token-Lm3", "eric": "er-token-Vb9"]

    /// The forge, the git server and the world (three members, s3-permissions 1.4.0, fungal resolved at it);
    /// aperture's maintainer is alice on the forge, fungal's bob, ml-infra's eric (also a maintainer there).
    final class Hosted: @unchecked Sendable {
        let w: RealmEndToEndTests.World
        let git: SmartHTTPServer
        let standIn: ForgeStandIn
        var env: TestEnvironment { w.env }
        let scope = "git/lab/acme/repo/letemcook/token"

        init(_ personality: ForgeStandIn.Personality, _ name: String) throws {
            let env = try TestEnvironment(name)
            git = try SmartHTTPServer(in: env, token: tokens["alice"]!, otherTokens: [tokens["bob"]!, tokens["eric"]!])
            let bare = try git.createRepository("acme/letemcook.git", env: env)
            standIn = try ForgeStandIn(personality, in: env, tokens: tokens.sorted { $0.key < $1.key }.map { .init(value: $1, label: "\($0)-token", user: $0, owners: ["acme", $0]) },
                                       orgs: ["acme"], users: ["alice", "bob", "eric"], repos: [.init(owner: "acme", name: "letemcook")], gitRoot: git.root)
            try env.write(standIn.customForgeTOML(named: "lab", gitURL: git.baseURL), to: "home/.config/hyperforge/auth.toml")
            try env.gitOK("config", "--global", "credential.\(git.baseURL).helper", "hforge", in: env.root)
            try env.gitOK("config", "--global", "credential.\(git.baseURL).useHttpPath", "true", in: env.root)
            let url = git.baseURL + "/acme/letemcook.git"
            var w = RealmEndToEndTests.World(env: env, realm: url, realmGitDir: bare)
            for m in ["aperture", "fungal", "ml-infra"] { w.members[m] = try env.makeRepository(m) }
            self.w = w
            try act(as: "alice")
            let initRun = try env.run("git", ["realm", "admin", "init", "--name", "letemcook", "--url", url], in: env.root)
            #expect(initRun.code == 0, "\(initRun)")
            try Sync.rfcWorld(w)
            // The maintainers' forge accounts (written with plain git, as each repository's maintainer would).
            try env.gitOK("clone", "-q", bare, "realm-edit", in: env.root)
            let edit = env.root + "/realm-edit"
            for (repo, login) in [("aperture", "alice"), ("fungal", "bob")] {
                let file = edit + "/repos/\(repo).yaml"
                try env.write(try String(contentsOfFile: file, encoding: .utf8)
                              + "forge_accounts:\n- maintainer: test@example.com\n  forge: lab\n  login: \(login)\n", to: file)
            }
            let ml = edit + "/repos/ml-infra.yaml"
            try env.write(try String(contentsOfFile: ml, encoding: .utf8).replacingOccurrences(of: "maintainers:\n- test@example.com", with: "maintainers:\n- test@example.com\n- eric@example.com")
                          + "forge_accounts:\n- maintainer: eric@example.com\n  forge: lab\n  login: eric\n", to: ml)
            let manifest = try String(contentsOfFile: edit + "/realm.yaml", encoding: .utf8)
            try env.write(manifest.replacingOccurrences(of: "approvers:\n  - test@example.com", with: "approvers:\n  - eric@example.com"), to: edit + "/realm.yaml")
            try env.gitOK("commit", "-q", "-am", "forge accounts; eric approves breaking changes", in: edit)
            try env.gitOK("push", "-q", "origin", "main", in: edit)
        }

        /// The user running the next commands: the realm repository's scope holds their token.
        func act(as user: String) throws {
            let set = try env.run("git", ["scope", "set", scope], input: tokens[user]!)
            #expect(set.code == 0, "\(set)")
        }

        var mutatingRequests: [ForgeStandIn.Request] { standIn.requests.filter(\.isMutating) }
    }

    static let kinds: [ForgeStandIn.Personality] = [.github, .forgejo]

    @Test(arguments: kinds)
    func dailyDevelopmentAndConsumerResponseThroughPullRequests(_ kind: ForgeStandIn.Personality) throws {
        let h = try Hosted(kind, "sync-forge-daily-\(kind)")
        let w = h.w, api = h.standIn.apiURL
        let pulls = "/repos/acme/letemcook/pulls"
        try Sync.editContract(w, Sync.addS3Path)

        // A dry run: the calls it would make, no mutating request, nothing changed.
        var before = try w.everything()
        let dry = try w.ok("aperture", "sync", "--dry-run")
        #expect(dry.contains("Would open a pull request on lab (acme/letemcook): sync/aperture/"), "\(dry)")
        #expect(dry.contains("Would send: POST \(api)\(pulls)\n"), "\(dry)")
        #expect(dry.contains("Would send: POST \(api)\(pulls)/{number}/requested_reviewers") && dry.contains("review requested from bob"), "\(dry)")
        #expect(!dry.contains(Self.tokens["alice"]!), "\(dry)")
        #expect(h.mutatingRequests.isEmpty, "\(h.standIn.requests)")
        #expect(try w.everything() == before)

        // aperture proposes: a pull request from the sync branch, bob asked to review.
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("Contract update: s3-permissions 1.4.0 → 1.5.0 (minor, compatible)"), "\(sync)")
        #expect(sync.contains("✓ Pull request #1 opened on lab") && sync.contains("review requested from bob"), "\(sync)")
        let created = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix(pulls) })
        #expect(created.token == "alice-token")
        let body = created.body?["body"] as? String ?? ""
        #expect(body.contains("s3-permissions 1.4.0 → 1.5.0 (minor, compatible)") && body.contains("+ /value/read/4 \"training-metrics/experiments/*\""), "\(body)")
        #expect(body.contains("affects **fungal** (imports `>=1.0.0, <2.0.0`: still satisfied)"), "\(body)")
        let head = created.body?["head"] as? String ?? ""
        #expect(head.hasPrefix("sync/aperture/") && created.body?["base"] as? String == "main", "\(created)")
        let asked = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix("/requested_reviewers") })
        #expect(asked.body?["reviewers"] as? [String] == ["bob"], "\(asked)")

        // fungal's side: the pull request, waiting for fungal.
        try h.act(as: "bob")
        let listed = try Sync.openProposals(w, "fungal")
        let pr = try #require(listed.first?["pull_request"] as? [String: Any], "\(listed)")
        #expect(pr["number"] as? Int == 1 && pr["forge"] as? String == "lab" && pr["state"] as? String == "open", "\(pr)")
        #expect(listed.first?["waiting_for"] as? [String] == ["fungal"], "\(listed)")
        let id = try #require(listed.first?["id"] as? String)

        // fungal's dry run: it would approve and merge, and sends nothing that changes anything.
        try w.ok("fungal", "fetch")
        before = try w.everything()
        let mutations = h.mutatingRequests.count
        let dryAck = try w.ok("fungal", "sync", "--dry-run")
        #expect(dryAck.contains("Would approve pull request #1 on lab as fungal's acknowledgement of proposal \(id)"), "\(dryAck)")
        #expect(dryAck.contains("Would send: POST \(api)\(pulls)/1/reviews"), "\(dryAck)")
        #expect(dryAck.contains("Would merge pull request #1 on lab"), "\(dryAck)")
        // The dry run's binding update is the one the run makes (worked out after the merge it would make).
        #expect(dryAck.contains("Would update bindings:\n  s3-permissions: resolved_version 1.4.0 → 1.5.0\n"), "\(dryAck)")
        #expect(h.mutatingRequests.count == mutations, "\(h.standIn.requests)")
        #expect(try w.everything() == before)

        // fungal syncs: its approval is the acknowledgement; the pull request merges through the API.
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("✓ Approved pull request #1 on lab: fungal acknowledges proposal \(id)"), "\(ack)")
        #expect(ack.contains("✓ Merged proposal \(id) as pull request #1 on lab") && ack.contains("every affected importer acknowledged it"), "\(ack)")
        #expect(ack.contains("Binding updated:\n  s3-permissions: resolved_version 1.4.0 → 1.5.0"), "\(ack)")
        let review = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix("/reviews") })
        #expect(review.token == "bob-token", "\(review)")
        let merge = try #require(h.standIn.requests.first { $0.path.hasSuffix("/merge") && $0.isMutating })
        #expect(merge.status == "200", "\(merge)")
        // The realm has the proposed contract (the forge's merge commit), the record says merged, the branch is gone.
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("resolved_version: \"1.5.0\""))
        let record = try Sync.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        let mergeCommit = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-parse", "main^", in: w.env.root).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(record["state"] as? String == "merged" && record["merged_commit"] as? String == mergeCommit, "\(record)")
        // The record keeps the pull request and the approving review that acknowledged it.
        let request = record["pull_request"] as? [String: Any]
        #expect(request?["forge"] as? String == "lab" && request?["number"] as? Int == 1 && (request?["url"] as? String)?.hasSuffix("/1") == true, "\(record)")
        let counted = record["acknowledgements"] as? [[String: Any]] ?? []
        #expect(counted.count == 1 && counted.first?["repo"] as? String == "fungal" && counted.first?["login"] as? String == "bob"
                && counted.first?["kind"] as? String == "acknowledgement", "\(record)")
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "log", "-1", "--format=%s", "main^", in: w.env.root).hasPrefix("Merge pull request #1"))
        #expect(!(try Sync.refs(w)).contains("refs/heads/sync/"))
        #expect(try Sync.openProposals(w, "aperture").isEmpty)
        // The acknowledgement's time is an RFC 3339 time.
        #expect(Timestamp.parse(counted.first?["at"] as? String ?? "") != nil, "\(record)")
        // Listed with --all as its record has it: acknowledged by fungal (bob's review), its pull request, merged.
        let all = try w.env.run("git", ["realm", "proposals", "--all", "--json"], in: w.members["fungal"]!)
        let listedAll = try Sync.json(all.stdout)["proposals"] as? [[String: Any]] ?? []
        let done = try #require(listedAll.first { $0["id"] as? String == id }, "\(all)")
        #expect(done["state"] as? String == "merged" && done["acknowledged"] as? [String] == ["fungal"] && done["waiting_for"] as? [String] == [], "\(done)")
        let shown = done["pull_request"] as? [String: Any]
        #expect(shown?["number"] as? Int == 1 && shown?["state"] as? String == "merged"
                && (shown?["reviews"] as? [[String: Any]])?.first?["login"] as? String == "bob", "\(done)")
        let text = try w.env.run("git", ["realm", "proposals", "--all"], in: w.members["fungal"]!)
        #expect(text.stdout.contains("pull request #1 on lab [merged]") && text.stdout.contains("acknowledged by: fungal")
                && !text.stdout.contains("not yet acknowledged"), "\(text)")
        h.standIn.expectDescribedRequestsOnly()
    }

    /// A bigger change after sync wrote 1.5.0 into the working file: the
    /// version is worked out again (2.0.0), and the superseded proposal's pull
    /// request is closed with a comment naming the new one (the dry run lists the calls).
    @Test(arguments: kinds)
    func aSupersededProposalsPullRequestIsClosed(_ kind: ForgeStandIn.Personality) throws {
        let h = try Hosted(kind, "sync-forge-supersede-\(kind)")
        let w = h.w
        let pulls = "/repos/acme/letemcook/pulls"
        try Sync.editContract(w, Sync.addS3Path)
        let first = try w.ok("aperture", "sync")
        #expect(first.contains("s3-permissions 1.4.0 → 1.5.0") && first.contains("✓ Pull request #1 opened on lab"), "\(first)")
        let firstID = try #require(try Sync.openProposals(w, "aperture").first?["id"] as? String)
        let working = w.members["aperture"]! + "/" + Sync.workingFile
        #expect(try String(contentsOfFile: working, encoding: .utf8).contains("1.5.0"))
        // A breaking change on top, with the version sync wrote left in place.
        let breaking = Sync.addS3Path(try w.show("domains/s3-access/contracts/s3-permissions.yaml"))
            .replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: integer }")
            .replacingOccurrences(of: "    - \"jobs/*/masks/*\"\n    - \"jobs/*/*/config.json\"\n    - \"training-runs/*\"\n    - \"training-metrics/*\"\n    - \"training-metrics/experiments/*\"\n", with: "    - 1\n")
            .replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"1.5.0\"")
        #expect(breaking.contains("version: \"1.5.0\"") && breaking.contains("type: integer"), "\(breaking)")
        try w.env.write(breaking, to: working)

        let mutations = h.mutatingRequests.count
        let dry = try w.ok("aperture", "sync", "--dry-run")
        #expect(dry.contains("s3-permissions 1.4.0 → 2.0.0 (BREAKING, major, incompatible)"), "\(dry)")
        #expect(dry.contains("Would send: POST \(h.standIn.apiURL)/repos/acme/letemcook/issues/1/comments")
                && dry.contains("Would send: PATCH \(h.standIn.apiURL)\(pulls)/1\n")
                && dry.contains("Would close pull request #1 on lab (proposal \(firstID)) with a comment: it is superseded by proposal"), "\(dry)")
        #expect(h.mutatingRequests.count == mutations, "\(h.standIn.requests)")

        let again = try w.ok("aperture", "sync")
        #expect(again.contains("s3-permissions 1.4.0 → 2.0.0 (BREAKING, major, incompatible)") && again.contains("proposal \(firstID) is superseded by this one"), "\(again)")
        #expect(again.contains("✓ Pull request #2 opened on lab") && again.contains("pull request #1 on lab (proposal \(firstID)) closed"), "\(again)")
        let newID = try #require(try Sync.openProposals(w, "aperture").first?["id"] as? String)
        #expect(newID != firstID)
        let comment = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix("/issues/1/comments") })
        #expect((comment.body?["body"] as? String)?.contains("superseded by proposal \(newID) (pull request #2)") == true, "\(comment)")
        let closed = try #require(h.standIn.requests.first { $0.method == "PATCH" && $0.path.hasSuffix("\(pulls)/1") })
        #expect(closed.body?["state"] as? String == "closed" && closed.status.hasPrefix("20"), "\(closed)")
        #expect(try String(contentsOfFile: working, encoding: .utf8).contains("2.0.0"))
        h.standIn.expectDescribedRequestsOnly()
    }

    /// The same flow on a GitLab-hosted realm: a merge request, reviewers by user id, an approval, the merge through PUT .../merge.
    @Test func dailyDevelopmentAndConsumerResponseThroughAGitLabMergeRequest() throws {
        let h = try Hosted(.gitlab, "sync-forge-daily-gitlab")
        let w = h.w
        try Sync.editContract(w, Sync.addS3Path)
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("✓ Pull request #1 opened on lab") && sync.contains("review requested from bob"), "\(sync)")
        let created = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
        #expect(created.token == "alice-token" && (created.body?["source_branch"] as? String)?.hasPrefix("sync/aperture/") == true
                && created.body?["target_branch"] as? String == "main", "\(created)")
        #expect((created.body?["description"] as? String)?.contains("affects **fungal**") == true, "\(created)")
        let asked = try #require(h.standIn.requests.first { $0.method == "PUT" && $0.path.hasSuffix("/merge_requests/1") })
        #expect((asked.body?["reviewer_ids"] as? [Any])?.count == 1, "\(asked)")

        try h.act(as: "bob")
        let id = try #require(try Sync.openProposals(w, "fungal").first?["id"] as? String)
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("✓ Approved pull request #1 on lab: fungal acknowledges proposal \(id)"), "\(ack)")
        #expect(ack.contains("✓ Merged proposal \(id) as pull request #1 on lab") && ack.contains("every affected importer acknowledged it"), "\(ack)")
        let approve = try #require(h.standIn.requests.first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests/1/approve") })
        #expect(approve.token == "bob-token", "\(approve)")
        let merge = try #require(h.standIn.requests.first { $0.method == "PUT" && $0.path.hasSuffix("/merge_requests/1/merge") })
        #expect(merge.status == "200" && merge.body?["sha"] as? String != nil, "\(merge)")
        // A real merge commit in the served repository; the record keeps the merge request and bob's approval.
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
        let mergeCommit = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-parse", "main^", in: w.env.root).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "cat-file", "-p", mergeCommit, in: w.env.root).components(separatedBy: "\nparent ").count == 3)
        let record = try Sync.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        #expect(record["state"] as? String == "merged" && record["merged_commit"] as? String == mergeCommit, "\(record)")
        #expect((record["pull_request"] as? [String: Any])?["number"] as? Int == 1, "\(record)")
        #expect((record["acknowledgements"] as? [[String: Any]])?.first?["login"] as? String == "bob", "\(record)")
        #expect(!(try Sync.refs(w)).contains("refs/heads/sync/"))
        h.standIn.expectDescribedRequestsOnly()
    }

    @Test(arguments: kinds)
    func aBreakingChangeWaitsForTheApproversReview(_ kind: ForgeStandIn.Personality) async throws {
        let h = try Hosted(kind, "sync-forge-breaking-\(kind)")
        let w = h.w
        try Sync.editContract(w) { $0.replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: integer }")
            .replacingOccurrences(of: "    - \"jobs/*/masks/*\"\n    - \"jobs/*/*/config.json\"\n    - \"training-runs/*\"\n    - \"training-metrics/*\"\n", with: "    - 1\n") }
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("(BREAKING, major, incompatible)") && sync.contains("✓ Pull request #1 opened on lab"), "\(sync)")
        let tip = try w.tip()

        // bob approves for fungal; a month later it still waits for eric (governance.approvers).
        try h.act(as: "bob")
        let month = ["HFORGE_TEST_NOW": Timestamp.utc(Date().addingTimeInterval(30 * 86_400))]
        let ack = try w.env.run("git", ["realm", "sync"], in: w.members["fungal"]!, extraEnvironment: month)
        #expect(ack.code == 0 && ack.stdout.contains("✓ Approved pull request #1 on lab") && !ack.stdout.contains("Merged proposal"), "\(ack)")
        // Outside fungal's range: the same warning as on a plain git realm, naming the command that widens it.
        #expect(ack.stdout.contains("your import of s3-permissions (>=1.0.0, <2.0.0) does not include 2.0.0")
                && ack.stdout.contains("'git realm admin binding set --contract s3-access/s3-permissions --range RANGE'"), "\(ack)")
        #expect(try w.tip() == tip)
        #expect(!h.standIn.requests.contains { $0.path.hasSuffix("/merge") && $0.isMutating }, "\(h.standIn.requests)")
        let listed = try Sync.openProposals(w, "ml-infra", extra: month)
        #expect(listed.first?["acknowledged"] as? [String] == ["fungal"] && listed.first?["mergeable"] as? Bool == false, "\(listed)")
        #expect((listed.first?["reason"] as? String)?.contains("an approval by one of eric@example.com") == true, "\(listed)")
        let reviews = (listed.first?["pull_request"] as? [String: Any])?["reviews"] as? [[String: Any]] ?? []
        #expect(reviews.count == 1 && reviews.first?["login"] as? String == "bob" && reviews.first?["state"] as? String == "approved", "\(reviews)")

        // eric approves on the forge (its web page, here its API); the next sync merges it.
        let forge = h.standIn.forge(named: "lab")
        let eric = ForgeClients.make(forge: forge, trusted: true, tokens: TableTokens([h.scope: Self.tokens["eric"]!]), options: ClientLog().options())
        _ = try await eric.approve(RepositoryRef(owner: "acme", name: "letemcook"), number: 1, body: "approved")
        try h.act(as: "eric")
        let merged = try w.ok("ml-infra", "sync")
        #expect(merged.contains("✓ Merged proposal") && merged.contains("as pull request #1 on lab"), "\(merged)")
        // Both what let it merge: the acknowledgement and the approval.
        #expect(merged.contains("every affected importer acknowledged it and eric@example.com approved it"), "\(merged)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"2.0.0\""))
        h.standIn.expectDescribedRequestsOnly()
    }
}
