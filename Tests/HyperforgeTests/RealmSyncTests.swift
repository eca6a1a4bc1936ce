import Foundation
import HyperforgeCore
import Testing

/// `git realm sync` and `git realm proposals` end to end through the real
/// git (issue 17): proposals recorded in a plain git realm (a local bare
/// repository, and one served over sshd), acknowledged, merged.
@Suite struct RealmSyncTests {
    typealias World = RealmEndToEndTests.World

    /// The RFC's s3-permissions 1.4.0 (without its validation scripts).
    static let rfcContract: String = {
        let text = RFCExamples.files["domains/s3-access/contracts/s3-permissions.yaml"]!
        let start = text.range(of: "validation:")!.lowerBound, end = text.range(of: "evolution:")!.lowerBound
        return String(text[..<start] + text[end...])
    }()

    static let workingFile = ".hyperforge/contracts/s3-access/s3-permissions.yaml"

    /// Three members in two domains, s3-permissions at the RFC's 1.4.0 and fungal's binding resolved at it.
    static func rfcWorld(_ w: World) throws {
        try RealmEndToEndTests.twoDomains(w)
        try w.env.write(rfcContract, to: "s3-1.4.0.yaml")
        try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/s3-1.4.0.yaml", "--domain", "s3-access")
        let first = try w.ok("fungal", "sync")
        #expect(first.contains("Binding updated:\n  s3-permissions: resolved_version 1.0.0 → 1.4.0"), "\(first)")
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("resolved_version: \"1.4.0\""))
    }

    /// aperture's working copy of s3-permissions with `edit` applied.
    static func editContract(_ w: World, _ edit: (String) -> String) throws {
        try w.env.write(edit(try w.show("domains/s3-access/contracts/s3-permissions.yaml")), to: w.members["aperture"]! + "/" + workingFile)
    }

    static let addS3Path: @Sendable (String) -> String = {
        $0.replacingOccurrences(of: "    - \"training-metrics/*\"\n  write:", with: "    - \"training-metrics/*\"\n    - \"training-metrics/experiments/*\"\n  write:")
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    static func refs(_ w: World) throws -> String {
        try w.env.gitOK("--git-dir=\(w.realmGitDir)", "for-each-ref", "--format=%(refname) %(objectname)", in: w.env.root)
    }

    static func openProposals(_ w: World, _ repo: String, extra: [String: String] = [:]) throws -> [[String: Any]] {
        let r = try w.env.run("git", ["realm", "proposals", "--fetch", "--json"], in: w.members[repo]!, extraEnvironment: extra)
        #expect(r.code == 0, "\(r)")
        return try json(r.stdout)["proposals"] as? [[String: Any]] ?? []
    }

    /// RFC "Daily Development" and "Consumer Response", as written.
    static func dailyDevelopmentAndConsumerResponse(_ w: World) throws {
        try rfcWorld(w)
        // fungal's maintainer is at work: a session the coordinator holds.
        try w.ok("fungal", "session", "start", "--topic", "iam-policy")

        // aperture adds an S3 path.
        try editContract(w, addS3Path)
        let working = try String(contentsOfFile: w.members["aperture"]! + "/" + workingFile, encoding: .utf8)
        #expect(working.contains("training-metrics/experiments/*"), "\(working)")
        // aperture's status shows the local change and who it affects (RFC "Daily Development").
        let local = try w.ok("aperture", "status")
        #expect(local.contains("Contract change detected: s3-permissions has local changes (\(workingFile); the realm has v1.4.0)")
                && local.contains("+ /value/read/4 \"training-metrics/experiments/*\"") && local.contains("Affected repos: fungal (imports >=1.0.0, <2.0.0)")
                && local.contains("Run 'git realm sync' to propose it"), "\(local)")
        let localJSON = try json(w.env.run("git", ["realm", "status", "--json"], in: w.members["aperture"]!).stdout)
        #expect((localJSON["local_changes"] as? [[String: Any]])?.first?["contract"] as? String == "s3-permissions", "\(localJSON)")
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("📤 Syncing with realm 'letemcook'..."), "\(sync)")
        #expect(sync.contains("Creating branch: sync/aperture/"), "\(sync)")
        #expect(sync.contains("Contract update: s3-permissions 1.4.0 → 1.5.0 (minor, compatible)"), "\(sync)")
        #expect(sync.contains("+ /value/read/4 \"training-metrics/experiments/*\""), "\(sync)")
        #expect(sync.contains("affects fungal (imports >=1.0.0, <2.0.0: still satisfied)"), "\(sync)")
        #expect(sync.contains("✓ Proposal aperture-") && sync.contains("created for review: \"aperture: s3-permissions 1.5.0\""), "\(sync)")
        #expect(sync.contains("✓ fungal session notified"), "\(sync)")
        // The version and its evolution entry went into the working file; the realm's branch is untouched.
        let written = try String(contentsOfFile: w.members["aperture"]! + "/" + workingFile, encoding: .utf8)
        #expect(written.contains("version: \"1.5.0\"") && written.contains("+ /value/read/4"), "\(written)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.4.0\""))

        // The record in the realm: a branch, a record ref, the documented fields.
        let refs = try Self.refs(w)
        let branch = try #require(refs.split(separator: "\n").first { $0.hasPrefix("refs/heads/sync/aperture/") }.map { String($0.split(separator: " ")[0]) }, "\(refs)")
        let id = "aperture-" + branch.split(separator: "/").last!
        #expect(refs.contains("refs/realm/proposals/\(id)/record"), "\(refs)")
        let record = try json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        #expect(record["author"] as? String == "aperture" && record["state"] as? String == "open" && record["branch"] as? String == String(branch.dropFirst(11)))
        let change = try #require((record["changes"] as? [[String: Any]])?.first)
        #expect(change["from"] as? String == "1.4.0" && change["to"] as? String == "1.5.0" && change["step"] as? String == "minor", "\(change)")
        #expect((change["affected"] as? [[String: Any]])?.first?["repo"] as? String == "fungal", "\(change)")
        #expect((change["pointers"] as? [[String: Any]])?.contains { $0["pointer"] as? String == "/value/read/4" && $0["op"] as? String == "add" } == true, "\(change)")

        // Proposals from fungal's side: waiting for fungal, mergeable by the grace period in 14 days.
        let listed = try openProposals(w, "fungal")
        #expect(listed.count == 1 && listed[0]["id"] as? String == id, "\(listed)")
        #expect(listed[0]["waiting_for"] as? [String] == ["fungal"] && listed[0]["mergeable"] as? Bool == false, "\(listed)")
        #expect(listed[0]["mergeable_at"] is String, "\(listed)")
        let text = try w.ok("fungal", "proposals")
        #expect(text.contains("not yet acknowledged by: fungal") && text.contains("grace period of 14 days"), "\(text)")

        // aperture's status lists its own open proposal, waiting for fungal.
        let mine = try w.ok("aperture", "status")
        #expect(mine.contains("Your open proposals:\n  \(id): aperture: s3-permissions 1.5.0; waiting for fungal"), "\(mine)")
        let mineJSON = try json(w.env.run("git", ["realm", "status", "--json"], in: w.members["aperture"]!).stdout)
        #expect((mineJSON["proposals"] as? [[String: Any]])?.first?["waiting_for"] as? [String] == ["fungal"], "\(mineJSON)")

        // fungal sees the notification.
        let status = try w.ok("fungal", "status")
        #expect(status.contains("aperture: s3-permissions 1.4.0 → 1.5.0 proposed by aperture (proposal \(id))"), "\(status)")

        // The dry run's binding update is the one the run makes (after the merge it would make).
        let dry = try w.ok("fungal", "sync", "--dry-run")
        #expect(dry.contains("Would update bindings:\n  s3-permissions: resolved_version 1.4.0 → 1.5.0\n"), "\(dry)")

        // fungal updates its IAM policy and syncs to acknowledge: the proposal merges.
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("✓ Acknowledged proposal \(id): aperture: s3-permissions 1.5.0"), "\(ack)")
        #expect(ack.contains("✓ Merged proposal \(id) into the realm") && ack.contains("every affected importer acknowledged it"), "\(ack)")
        #expect(ack.contains("Binding updated:\n  s3-permissions: resolved_version 1.4.0 → 1.5.0"), "\(ack)")
        #expect(ack.contains("✓ Realm synced"), "\(ack)")
        // The notifications about the settled proposal are cleared by the sync that acknowledged it.
        #expect(ack.contains("notification") && ack.contains("about settled proposals cleared"), "\(ack)")
        let quiet = try w.ok("fungal", "status")
        #expect(!quiet.contains("(proposal \(id))") && !quiet.contains("merged: proposal \(id)"), "\(quiet)")
        let merged = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
        #expect(merged == written, "the realm has exactly the proposed contract:\n\(merged)")
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("resolved_version: \"1.5.0\""))
        let after = try Self.refs(w)
        #expect(!after.contains("refs/heads/sync/"), "the sync branch is gone:\n\(after)")
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/acks/fungal:acknowledgement.json", in: w.env.root).contains("\"repo\" : \"fungal\""))
        let final = try json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        // The merge, then fungal's binding on top of it.
        let mergeCommit = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-parse", "main^", in: w.env.root).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(final["state"] as? String == "merged" && final["merged_commit"] as? String == mergeCommit, "\(final)")
        #expect(try openProposals(w, "aperture").isEmpty)
        // (fungal's session heard of the merge too, and the sync that merged it cleared that with the others: see above.)
        // The realm's history, merges and all, keeps the rules check --realm (and the guard) holds it to.
        let (checked, report) = try RealmHistoryCheckTests.checkRealm(w, in: w.realmGitDir)
        #expect(checked.code == 0 && RealmHistoryCheckTests.findings(report).isEmpty, "\(checked)")

        // aperture's next sync finds nothing new: the working file is the realm's.
        let again = try w.ok("aperture", "sync")
        #expect(!again.contains("Contract update") && again.contains("✓ Realm synced"), "\(again)")
        try w.ok("fungal", "session", "end")
    }

    /// Sync writes only `version` and the new evolution entry into the
    /// working file: its comments, flow style and key order stay as they were.
    @Test func syncEditsOnlyTheVersionAndEvolutionOfTheWorkingFile() throws {
        let w = try RealmEndToEndTests.world("sync-keeps-style")
        try Self.rfcWorld(w)
        let original = "# aperture's S3 paths: keep this comment\n" + Self.addS3Path(try w.show("domains/s3-access/contracts/s3-permissions.yaml"))
        #expect(original.contains("items: { type: string }"), "\(original)")
        let path = w.members["aperture"]! + "/" + Self.workingFile
        try w.env.write(original, to: path)
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("s3-permissions 1.4.0 → 1.5.0"), "\(sync)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let kept = original.replacingOccurrences(of: "\nversion: \"1.4.0\"", with: "\nversion: \"1.5.0\"")
        #expect(kept != original, "\(original)")
        // Against the original with the new version: only lines inserted, and those are the new evolution entry.
        let diff = written.components(separatedBy: "\n").difference(from: kept.components(separatedBy: "\n"))
        let inserted = diff.compactMap { if case .insert(_, let line, _) = $0 { return line } else { return nil } }
        #expect(diff.removals.isEmpty && inserted.first?.hasSuffix("- version: \"1.5.0\"") == true && inserted.contains { $0.contains("compatible: true") }, "\(written)")
        // The proposal carries the same bytes.
        let id = try #require(try Self.openProposals(w, "fungal").first?["id"] as? String)
        let record = try Self.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        let head = try #require(record["head"] as? String)
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "\(head):domains/s3-access/contracts/s3-permissions.yaml", in: w.env.root) == written)
    }

    /// The messages a new user met: said as what happened, not as a failure elsewhere.
    @Test func messagesSayWhatHappened() throws {
        let w = try RealmEndToEndTests.world("sync-messages")
        try Self.rfcWorld(w)
        // An unknown notification: no coordinator status code in the words.
        let ack = try w.run("fungal", "ack", "999")
        #expect(ack.code != 0 && ack.stderr.contains("no notification 999 for fungal") && !ack.stderr.contains("404"), "\(ack)")
        // --member with a path that is no repository names --member.
        let member = try w.run("fungal", "worktree", "--rfc", "x", "--member", "aperture=/nonexistent")
        #expect(member.code != 0 && member.stderr.contains("--member") && member.stderr.contains("aperture=/nonexistent"), "\(member)")
        // Never fetched: not a fetch failure with a URL hint.
        try w.env.gitOK("update-ref", "-d", "refs/realm/letemcook/fetched", in: w.members["ml-infra"]!)
        let never = try w.run("ml-infra", "proposals")
        #expect(never.code != 0 && never.stderr.contains("has not fetched realm letemcook yet") && never.stderr.contains("run 'git realm fetch'")
                && !never.stderr.contains("failed"), "\(never)")
        // No open proposals: said as of the last fetch, with how to look again.
        let none = try w.ok("fungal", "proposals")
        #expect(none.contains("its last fetch here); 'git realm proposals --fetch' looks again"), "\(none)")
    }

    @Test func theRFCsDailyDevelopmentAndConsumerResponseInALocalRealm() throws {
        let w = try RealmEndToEndTests.world("sync-daily")
        try Self.dailyDevelopmentAndConsumerResponse(w)
    }

    @Test func aCompatibleChangeMergesWhenTheGracePeriodHasPassed() throws {
        let w = try RealmEndToEndTests.world("sync-grace")
        try Self.rfcWorld(w)
        // ml-infra looked at the realm's proposals before this one was made (a client that never had counts from its first look).
        try w.ok("ml-infra", "fetch")
        try Self.editContract(w, Self.addS3Path)
        let proposed = try w.ok("aperture", "sync", "--message", "Experiments write their metrics too")
        #expect(proposed.contains("created for review"), "\(proposed)")
        let working = try String(contentsOfFile: w.members["aperture"]! + "/" + Self.workingFile, encoding: .utf8)
        #expect(working.contains("  changes: [\"Experiments write their metrics too\"]\n"), "the evolution entry says --message:\n\(working)")
        let tip = try w.tip()
        func at(_ days: Double) -> [String: String] { ["HFORGE_TEST_NOW": Timestamp.utc(Date().addingTimeInterval(days * 86_400))] }
        // 13 days on: still waiting for fungal.
        let early = try w.env.run("git", ["realm", "sync"], in: w.members["aperture"]!, extraEnvironment: at(13))
        #expect(early.code == 0 && !early.stdout.contains("Merged proposal"), "\(early)")
        #expect(try w.tip() == tip)
        let listed = try Self.openProposals(w, "ml-infra", extra: at(13))
        #expect(listed.first?["mergeable"] as? Bool == false, "\(listed)")
        // 15 days on: any member's sync merges it, without fungal's acknowledgement.
        #expect(try Self.openProposals(w, "ml-infra", extra: at(15)).first?["mergeable"] as? Bool == true)
        let late = try w.env.run("git", ["realm", "sync"], in: w.members["ml-infra"]!, extraEnvironment: at(15))
        #expect(late.code == 0 && late.stdout.contains("the grace period of 14 days has passed"), "\(late)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
        // fungal had not acknowledged: its binding stays until it syncs.
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("resolved_version: \"1.4.0\""))
    }

    @Test func aBreakingChangeWaitsForApprovalAndNeverMergesByTheClock() throws {
        let w = try RealmEndToEndTests.world("sync-breaking")
        try Self.rfcWorld(w)
        // realm.yaml names an approver (edited with plain git, as a realm maintainer would).
        try w.env.gitOK("clone", "-q", w.realmGitDir, "realm-edit", in: w.env.root)
        let edit = w.env.root + "/realm-edit"
        let manifest = try String(contentsOfFile: edit + "/realm.yaml", encoding: .utf8)
        #expect(manifest.contains("approvers:\n  - test@example.com"), "\(manifest)")
        try w.env.write(manifest.replacingOccurrences(of: "approvers:\n  - test@example.com", with: "approvers:\n  - eric@example.com"), to: edit + "/realm.yaml")
        try w.env.gitOK("commit", "-q", "-am", "approvers", in: edit)
        try w.env.gitOK("push", "-q", "origin", "main", in: edit)

        // read becomes a list of numbers: importers on 1.x reject such values.
        try Self.editContract(w) { $0.replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: integer }")
            .replacingOccurrences(of: "    - \"jobs/*/masks/*\"\n    - \"jobs/*/*/config.json\"\n    - \"training-runs/*\"\n    - \"training-metrics/*\"\n", with: "    - 1\n") }
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("Contract update: s3-permissions 1.4.0 → 2.0.0 (BREAKING, major, incompatible)"), "\(sync)")
        #expect(sync.contains("affects fungal (imports >=1.0.0, <2.0.0: NOT satisfied by 2.0.0)"), "\(sync)")
        // A value that shows it, each side named by its own version.
        #expect(sync.contains("  witness: 2.0.0 accepts ") && sync.contains("which importers on 1.4.0 (in the realm) reject at"), "\(sync)")
        #expect(sync.contains("a breaking change never merges by the grace period"), "\(sync)")
        let tip = try w.tip()

        // fungal acknowledges; a month later it still waits for the approver.
        let month = ["HFORGE_TEST_NOW": Timestamp.utc(Date().addingTimeInterval(30 * 86_400))]
        let ack = try w.env.run("git", ["realm", "sync"], in: w.members["fungal"]!, extraEnvironment: month)
        #expect(ack.code == 0 && ack.stdout.contains("✓ Acknowledged proposal") && !ack.stdout.contains("Merged proposal"), "\(ack)")
        #expect(ack.stdout.contains("does not include 2.0.0"), "\(ack)")
        #expect(try w.tip() == tip)
        let listed = try Self.openProposals(w, "ml-infra", extra: month)
        #expect(listed.first?["mergeable"] as? Bool == false && listed.first?["needs_approval"] as? Bool == true, "\(listed)")
        #expect((listed.first?["reason"] as? String)?.contains("an approval by one of eric@example.com") == true, "\(listed)")
        let id = try #require(listed.first?["id"] as? String)

        // Someone who is not an approver: refused before anything is pushed (exit 2), with the approvers; a dry run says the same.
        let refsBefore = try Self.refs(w)
        for extra in [[], ["--dry-run"]] {
            let stranger = try w.env.run("git", ["realm", "proposals", "approve", id] + extra, in: w.members["ml-infra"]!)
            #expect(stranger.code == 2 && stranger.stderr.contains("is not one of governance.approvers") && stranger.stderr.contains("eric@example.com")
                    && stranger.stderr.contains("nothing was pushed"), "\(stranger)")
        }
        #expect(try Self.refs(w) == refsBefore)
        #expect(try Self.openProposals(w, "ml-infra").first?["mergeable"] as? Bool == false)
        // The approver approves from ml-infra; its next sync merges it.
        try w.env.gitOK("config", "user.email", "eric@example.com", in: w.members["ml-infra"]!)
        try w.ok("ml-infra", "proposals", "approve", id)
        let merged = try w.ok("ml-infra", "sync")
        #expect(merged.contains("✓ Merged proposal \(id)"), "\(merged)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"2.0.0\""))
        // fungal's range does not take 2.0.0: its binding is left alone, and it is told.
        let outside = try w.ok("fungal", "sync")
        #expect(outside.contains("s3-permissions 2.0.0 is outside this repository's import range >=1.0.0, <2.0.0"), "\(outside)")
        #expect(try w.show("domains/s3-access/bindings/fungal.yaml").contains("resolved_version: \"1.4.0\""))
    }

    @Test func aNonOwnersChangeIsRefusedBeforeAnythingIsPushed() throws {
        let w = try RealmEndToEndTests.world("sync-owner")
        try Self.rfcWorld(w)
        try Self.editContract(w, Self.addS3Path)
        try w.ok("aperture", "sync") // an open proposal fungal would acknowledge
        // fungal edits aperture's contract.
        try w.env.write(Self.addS3Path(Self.rfcContract).replacingOccurrences(of: "\"1.4.0\"\nowner", with: "\"1.6.0\"\nowner"),
                        to: w.members["fungal"]! + "/" + Self.workingFile)
        let before = try Self.refs(w)
        let r = try w.run("fungal", "sync")
        #expect(r.code == 2, "\(r)")
        #expect(r.stderr.contains("contract s3-permissions in domain s3-access is owned by aperture; fungal may not change it"), "\(r)")
        #expect(try Self.refs(w) == before, "nothing was pushed, not even the acknowledgement")
    }

    @Test func syncsAtTheSameTimeAllLand() throws {
        let w = try RealmEndToEndTests.world("sync-race")
        try Self.rfcWorld(w)
        // aperture and fungal propose at once (twice each: the second of a pair finds the first's proposal).
        try Self.editContract(w, Self.addS3Path)
        let training = try w.show("domains/training-pipeline/contracts/training-config.yaml")
        try w.env.write(training.replacingOccurrences(of: "value: {}", with: "value:\n  epochs: 10"),
                        to: w.members["fungal"]! + "/.hyperforge/contracts/training-pipeline/training-config.yaml")
        let jobs = ["aperture", "fungal", "aperture", "fungal"]
        let results = ResultBox(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in results.set(i, try? w.env.run("git", ["realm", "sync"], in: w.members[jobs[i]]!)) }
        for (i, r) in results.all.enumerated() { #expect(r?.code == 0, "\(jobs[i]): \(r.map(\.description) ?? "did not run")") }
        // (fungal's syncs may already have acknowledged and merged aperture's.)
        let open = try Self.openProposals(w, "ml-infra")
        #expect(open.contains { $0["author"] as? String == "fungal" }, "\(open)")

        // fungal (acknowledging aperture's) and ml-infra (acknowledging fungal's) at once: each merges, both land.
        let second = ResultBox(count: 2)
        let repos = ["fungal", "ml-infra"]
        DispatchQueue.concurrentPerform(iterations: 2) { i in second.set(i, try? w.env.run("git", ["realm", "sync"], in: w.members[repos[i]]!)) }
        for (i, r) in second.all.enumerated() { #expect(r?.code == 0, "\(repos[i]): \(r.map(\.description) ?? "did not run")") }
        // Whatever is still mergeable merges on the next sync of anyone (a race may leave it to them).
        try w.ok("aperture", "sync")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
        #expect(try w.show("domains/training-pipeline/contracts/training-config.yaml").contains("version: \"1.1.0\""))
        #expect(try Self.openProposals(w, "aperture").isEmpty)
        // History is linear: no merge commits.
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-list", "--merges", "main", in: w.env.root).isEmpty)
        let (checked, report) = try RealmHistoryCheckTests.checkRealm(w, in: w.realmGitDir)
        #expect(checked.code == 0 && RealmHistoryCheckTests.findings(report).isEmpty, "\(checked)")
    }

    @Test func aNewerChangeSupersedesTheOpenProposalAndABadRecordIsLeftOut() throws {
        let w = try RealmEndToEndTests.world("sync-supersede")
        try Self.rfcWorld(w)
        try Self.editContract(w, Self.addS3Path)
        try w.ok("aperture", "sync")
        let first = try #require(try Self.openProposals(w, "fungal").first)
        let firstID = try #require(first["id"] as? String), firstBranch = try #require(first["branch"] as? String)

        // A record pushed by hand that does not read: left out with a warning, nobody's sync stops.
        try w.env.gitOK("init", "-q", "junk", in: w.env.root)
        try w.env.write("not a proposal\n", to: "junk/proposal.json")
        try w.env.gitOK("add", "proposal.json", in: w.env.root + "/junk")
        try w.env.gitOK("commit", "-q", "-m", "junk", in: w.env.root + "/junk")
        try w.env.gitOK("push", "-q", w.realmGitDir, "HEAD:refs/realm/proposals/bogus-1/record", in: w.env.root + "/junk")
        let listed = try w.run("fungal", "proposals", "--fetch")
        #expect(listed.code == 0 && listed.stderr.contains("the proposal record refs/realm/proposals/bogus-1/record in the realm does not read"), "\(listed)")
        #expect(listed.stdout.contains(firstID), "\(listed)")

        // aperture changes the contract again before anyone acknowledged: one open proposal, the newer one.
        try Self.editContract(w) { Self.addS3Path($0).replacingOccurrences(of: "  delete: []", with: "  delete:\n    - \"tmp/*\"") }
        let again = try w.ok("aperture", "sync")
        #expect(again.contains("proposal \(firstID) is superseded by this one"), "\(again)")
        let open = try Self.openProposals(w, "fungal")
        #expect(open.count == 1 && open.first?["id"] as? String != firstID, "\(open)")
        let old = try Self.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(firstID)/record:proposal.json", in: w.env.root))
        #expect(old["state"] as? String == "superseded" && old["superseded_by"] as? String == open.first?["id"] as? String, "\(old)")
        #expect(!(try Self.refs(w)).contains("refs/heads/\(firstBranch) "), "the superseded branch is gone")
        let all = try w.env.run("git", ["realm", "proposals", "--json", "--all"], in: w.members["fungal"]!)
        #expect((try Self.json(all.stdout)["proposals"] as? [[String: Any]])?.count == 2, "\(all)")

        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("✓ Merged proposal"), "\(ack)")
        let merged = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
        #expect(merged.contains("tmp/*") && merged.contains("version: \"1.5.0\""), "\(merged)")
    }

    /// A record is written by whoever pushed it: one whose branch changes
    /// more than it lists, or that claims no importer is affected, is not
    /// merged on its word by another member's sync.
    @Test func aForgedRecordIsNotMergedOnItsWord() throws {
        let w = try RealmEndToEndTests.world("sync-forged")
        try Self.rfcWorld(w)
        try Self.editContract(w, Self.addS3Path)
        try w.ok("aperture", "sync")
        let real = try #require(try Self.openProposals(w, "fungal").first)
        let realID = try #require(real["id"] as? String)
        let record = try Self.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(realID)/record:proposal.json", in: w.env.root))
        let realmBefore = try w.show("realm.yaml")

        // A member forges two: one whose branch also rewrites realm.yaml, and one
        // that claims nobody imports the contract (so nobody need acknowledge).
        let work = w.env.root + "/forger"
        try w.env.gitOK("clone", "-q", w.realmGitDir, work, in: w.env.root)
        try w.env.gitOK("fetch", "-q", "origin", "refs/heads/\(try #require(record["branch"] as? String)):refs/remotes/origin/real", in: work)
        func forge(_ id: String, extraFile: Bool, in work: String) throws {
            try w.env.gitOK("checkout", "-q", "-B", id, "origin/real", in: work)
            if extraFile {
                try w.env.write(realmBefore + "# forged\n", to: work + "/realm.yaml")
                try w.env.gitOK("commit", "-q", "-am", "forged", in: work)
            }
            var r = record
            r["id"] = id
            r["branch"] = "sync/aperture/" + id
            r["head"] = try w.env.gitOK("rev-parse", "HEAD", in: work).trimmingCharacters(in: .whitespacesAndNewlines)
            var changes = try #require(r["changes"] as? [[String: Any]])
            for i in changes.indices { changes[i]["affected"] = []; changes[i]["breaking"] = false }
            r["changes"] = changes
            let json = try JSONSerialization.data(withJSONObject: r)
            let recordDir = w.env.root + "/record-\(id)"
            try w.env.gitOK("init", "-q", recordDir, in: w.env.root)
            try json.write(to: URL(fileURLWithPath: recordDir + "/proposal.json"))
            try w.env.gitOK("add", "proposal.json", in: recordDir)
            try w.env.gitOK("commit", "-q", "-m", "record", in: recordDir)
            try w.env.gitOK("push", "-q", w.realmGitDir, "HEAD:refs/realm/proposals/\(id)/record", in: recordDir)
            try w.env.gitOK("push", "-q", "origin", "HEAD:refs/heads/sync/aperture/\(id)", in: work)
        }
        try forge("aperture-20200101-000000", extraFile: true, in: work)
        try forge("aperture-20200101-000001", extraFile: false, in: work)

        // ml-infra, which imports nothing of it, syncs: neither forged one merges.
        let sync = try w.ok("ml-infra", "sync")
        #expect(sync.contains("proposal aperture-20200101-000000 is not merged: its branch changes realm.yaml, which its record does not list"), "\(sync)")
        #expect(!sync.contains("Merged proposal"), "\(sync)")
        #expect(try w.show("realm.yaml") == realmBefore)
        #expect(!(try w.show("domains/s3-access/contracts/s3-permissions.yaml")).contains("training-metrics/experiments/*"))
        // The one claiming no importer waits for fungal, as the real one does:
        // fungal's acknowledgement merges one of them (the first made), not
        // on the forger's word. (Its timestamps are the pusher's word too:
        // without signed commits a backdated record of a compatible change
        // can meet the grace period, as a plain push of it could land.)
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("is not merged: its branch changes realm.yaml"), "\(ack)")
        #expect(try w.show("realm.yaml") == realmBefore)
    }

    @Test func mcpProposalsListAnswersAsTheCommandDoes() throws {
        let w = try RealmEndToEndTests.world("sync-mcp")
        try Self.rfcWorld(w)
        try Self.editContract(w, Self.addS3Path)
        try w.ok("aperture", "sync")
        try w.ok("fungal", "fetch")
        let fungal = w.members["fungal"]!
        let refsBefore = try w.env.gitOK("for-each-ref", in: fungal)
        let client = try MCPClient(["git", "realm", "mcp"], env: w.env, in: fungal)
        _ = try client.initialize()
        let result = try client.call("proposals_list")
        #expect(result["isError"] as? Bool != true, "\(result)")
        let structured = try #require(result["structuredContent"] as? [String: Any], "\(result)")
        let cli = try Self.json(try w.ok("fungal", "proposals", "--json"))
        for key in ["realm", "repo", "commit", "proposals"] {
            #expect(RealmMCPTests.equal(cli[key], structured[key]), "proposals_list's \(key): \(structured[key] ?? "missing") but git realm proposals --json: \(cli[key] ?? "missing")")
        }
        let listed = structured["proposals"] as? [[String: Any]] ?? []
        #expect(listed.count == 1 && listed.first?["waiting_for"] as? [String] == ["fungal"], "\(structured)")
        #expect(RealmMCPTests.text(result).contains("aperture: s3-permissions 1.5.0"), "\(result)")
        let wrong = try client.call("proposals_list", ["all": "yes"])
        #expect(wrong["isError"] as? Bool == true && RealmMCPTests.text(wrong).contains("must be true or false"), "\(wrong)")
        // Read-only: nothing fetched, no ref moved.
        #expect(try w.env.gitOK("for-each-ref", in: fungal) == refsBefore)
    }

    /// An export's source files changed since its contract was last synced, and no contract change to propose:
    /// sync says so (which file, how) and proposes nothing.
    @Test func anExportsChangedSourceFileIsReported() throws {
        let w = try RealmEndToEndTests.world("sync-source-files")
        try RealmEndToEndTests.twoDomains(w)
        try w.ok("fungal", "admin", "binding", "set", "--contract", "training-pipeline/training-config", "--source-file", "src/config.py")
        let quiet = try w.ok("fungal", "sync")
        #expect(!quiet.contains("changed after"), "\(quiet)")
        try FileManager.default.createDirectory(atPath: w.members["fungal"]! + "/src", withIntermediateDirectories: true)
        try w.env.write("EPOCHS = 3\n", to: "fungal/src/config.py")
        let tip = try w.tip()
        let told = try w.ok("fungal", "sync")
        #expect(told.contains("! src/config.py changed after training-config 1.0.0 was last synced (uncommitted changes)")
                && told.contains(".hyperforge/contracts/training-pipeline/training-config.yaml"), "\(told)")
        #expect(try w.tip() == tip && (try Self.openProposals(w, "fungal")).isEmpty)
    }

    @Test func dryRunsChangeNothingAnywhere() throws {
        let w = try RealmEndToEndTests.world("sync-dry")
        try Self.rfcWorld(w)
        try Self.editContract(w, Self.addS3Path)
        var before = try w.everything()
        let dry = try w.ok("aperture", "sync", "--dry-run")
        #expect(dry.contains("Would create branch: sync/aperture/") && dry.contains("Would record proposal aperture-"), "\(dry)")
        #expect(dry.contains("create refs/heads/sync/aperture/") && dry.contains("create refs/realm/proposals/aperture-"), "\(dry)")
        #expect(dry.contains("Contract update: s3-permissions 1.4.0 → 1.5.0") && dry.contains("dry run: nothing was committed"), "\(dry)")
        // At one (injected) time, two dry runs print the same bytes: the branch, the commits, the proposal.
        let clock = ["HFORGE_TEST_NOW": Timestamp.utc(Date())]
        func twice(_ repo: String, _ args: [String]) throws {
            let one = try w.env.run("git", ["realm"] + args, in: w.members[repo]!, extraEnvironment: clock)
            let two = try w.env.run("git", ["realm"] + args, in: w.members[repo]!, extraEnvironment: clock)
            #expect(one.code == 0 && two.code == 0 && one.stdout == two.stdout, "\(repo) \(args): \(one)\n---\n\(two)")
        }
        try twice("aperture", ["sync", "--dry-run"])
        var after = try w.everything()
        #expect(after == before, "changed: \(after.keys.filter { after[$0] != before[$0] }.sorted()) \(Set(after.keys).symmetricDifference(before.keys).sorted())")

        // With an open proposal: fungal's dry run would acknowledge and merge it.
        try w.ok("aperture", "sync")
        let id = try #require(try Self.openProposals(w, "fungal").first?["id"] as? String)
        try w.ok("fungal", "fetch")
        before = try w.everything()
        let ack = try w.ok("fungal", "sync", "--dry-run")
        #expect(ack.contains("Would acknowledge") && ack.contains("create refs/realm/proposals/\(id)/acks/fungal"), "\(ack)")
        #expect(ack.contains("Would merge proposal \(id)") && ack.contains("update domains/s3-access/contracts/s3-permissions.yaml"), "\(ack)")
        let approve = try w.ok("ml-infra", "proposals", "approve", id, "--dry-run")
        #expect(approve.contains("create refs/realm/proposals/\(id)/approvals/ml-infra"), "\(approve)")
        try twice("fungal", ["sync", "--dry-run"])
        try twice("ml-infra", ["proposals", "approve", id, "--dry-run"])
        after = try w.everything()
        #expect(after == before, "changed: \(after.keys.filter { after[$0] != before[$0] }.sorted()) \(Set(after.keys).symmetricDifference(before.keys).sorted())")
    }
}

/// The same flows with the realm served over ssh by a real sshd on loopback.
@Suite(.enabled(if: SSHServer.isAvailable, "needs openssh-server (sshd)"))
struct RealmSyncOverSSHTests {
    @Test func theRFCsFlowsOverSSH() throws {
        let (w, server, _) = try RealmOverSSHTests.world("sync-ssh", twoDomains: false)
        try withExtendedLifetime(server) { try RealmSyncTests.dailyDevelopmentAndConsumerResponse(w) }
    }
}
