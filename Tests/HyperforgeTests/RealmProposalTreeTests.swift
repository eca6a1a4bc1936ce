import Foundation
import HyperforgeCore
import Testing

/// Proposal commits are pushed by any member: their shape (parents, tree
/// depth, entry modes) is as much input written by others as their files
/// (hostile trial of issue 17).
@Suite struct RealmProposalTreeTests {
    typealias World = RealmEndToEndTests.World
    typealias S = RealmSyncTests

    /// aperture's real proposal (adds an S3 path), and a clone of the realm with its branch checked out.
    static func proposal(_ w: World) throws -> (id: String, record: [String: Any], work: String) {
        try S.rfcWorld(w)
        try S.editContract(w, S.addS3Path)
        try w.ok("aperture", "sync")
        let real = try #require(try S.openProposals(w, "fungal").first)
        let id = try #require(real["id"] as? String)
        let record = try S.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
        let work = w.env.root + "/forger"
        try w.env.gitOK("clone", "-q", w.realmGitDir, work, in: w.env.root)
        try w.env.gitOK("fetch", "-q", "origin", "+refs/heads/\(try #require(record["branch"] as? String)):refs/heads/real", in: work)
        try w.env.gitOK("checkout", "-q", "real", in: work)
        return (id, record, work)
    }

    /// Replaces the proposal's head (branch and record) with `head`, as a member with push access can.
    static func republish(_ w: World, _ p: (id: String, record: [String: Any], work: String), head: String) throws {
        var r = p.record
        r["head"] = head
        let recordDir = w.env.root + "/record-\(UUID().uuidString.prefix(8))"
        try w.env.gitOK("init", "-q", recordDir, in: w.env.root)
        try JSONSerialization.data(withJSONObject: r).write(to: URL(fileURLWithPath: recordDir + "/proposal.json"))
        try w.env.gitOK("add", "proposal.json", in: recordDir)
        try w.env.gitOK("commit", "-q", "-m", "record", in: recordDir)
        try w.env.gitOK("push", "-q", "-f", w.realmGitDir, "HEAD:refs/realm/proposals/\(p.id)/record", in: recordDir)
        try w.env.gitOK("push", "-q", "-f", w.realmGitDir, "\(head):refs/heads/\(try #require(p.record["branch"] as? String))", in: p.work)
    }

    static func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The realm's history before, still all in it after.
    static func expectHistoryKept(_ w: World, _ before: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let r = try w.env.run("git", ["--git-dir=\(w.realmGitDir)", "merge-base", "--is-ancestor", before, "refs/heads/main"], in: w.env.root)
        #expect(r.code == 0, "the realm's history lost \(before)", sourceLocation: sourceLocation)
    }

    @Test func aHeadOnAnOlderRealmCommitIsNotMergedOverTheRealmsHistory() throws {
        let w = try RealmEndToEndTests.world("tree-parent")
        let p = try Self.proposal(w)
        let tipBefore = try w.tip()
        // The same tree, re-parented on an older realm commit: a fast-forward to it would drop the realm's newer commits.
        let older = Self.trimmed(try w.env.gitOK("rev-parse", "origin/main~2", in: p.work))
        let forged = Self.trimmed(try w.env.gitOK("commit-tree", "real^{tree}", "-p", older, "-m", "aperture: s3-permissions 1.5.0", in: p.work))
        try Self.republish(w, p, head: forged)

        let sync = try w.run("fungal", "sync")
        #expect(sync.stdout.contains("is not one commit on its base"), "\(sync)")
        #expect(!sync.stdout.contains("Merged proposal"), "\(sync)")
        try Self.expectHistoryKept(w, tipBefore)
        // And the same head with an extra commit in between (commits no check looks at) is refused alike.
        let base = try #require(p.record["base"] as? String)
        let middle = Self.trimmed(try w.env.gitOK("commit-tree", "\(base)^{tree}", "-p", base, "-m", "in between", in: p.work))
        let stacked = Self.trimmed(try w.env.gitOK("commit-tree", "real^{tree}", "-p", middle, "-m", "aperture: s3-permissions 1.5.0", in: p.work))
        try Self.republish(w, p, head: stacked)
        let again = try w.run("fungal", "sync")
        #expect(again.stdout.contains("is not one commit on its base"), "\(again)")
        #expect(!again.stdout.contains("Merged proposal"), "\(again)")
        try Self.expectHistoryKept(w, tipBefore)
    }

    @Test func submodulesExecutablesAndLinksInAProposalAreRefused() throws {
        let w = try RealmEndToEndTests.world("tree-modes")
        let p = try Self.proposal(w)
        let base = try #require(p.record["base"] as? String)
        let realHead = Self.trimmed(try w.env.gitOK("rev-parse", "real", in: p.work))
        for (what, edit) in [
            ("a submodule", ["update-index", "--add", "--cacheinfo", "160000,\(realHead),domains/training-pipeline/contracts/zz-submodule"]),
            ("an executable file", ["update-index", "--chmod=+x", "repos/fungal.yaml"]),
        ] {
            try w.env.gitOK("reset", "-q", "--hard", "real", in: p.work)
            let edited = try w.env.run("git", edit, in: p.work)
            #expect(edited.code == 0, "\(edited)")
            let tree = Self.trimmed(try w.env.gitOK("write-tree", in: p.work))
            let head = Self.trimmed(try w.env.gitOK("commit-tree", tree, "-p", base, "-m", "aperture: s3-permissions 1.5.0", in: p.work))
            try Self.republish(w, p, head: head)
            let shown = try w.run("fungal", "proposals", "--fetch")
            #expect(shown.code == 0 && shown.stdout.contains("a realm holds regular files only"), "\(what): \(shown)")
            let tipBefore = try w.tip()
            let sync = try w.run("fungal", "sync")
            #expect(!sync.stdout.contains("Merged proposal"), "\(what): \(sync)")
            #expect(try w.tip() == tipBefore || !(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "ls-tree", "-r", "main", in: w.env.root)).contains("160000"),
                    "\(what) reached the realm")
            #expect(!(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "ls-tree", "-r", "main", in: w.env.root)).contains("100755"))
        }
    }

    @Test func aThousandsDeepTreeDoesNotCrashAMember() throws {
        let w = try RealmEndToEndTests.world("tree-deep")
        let p = try Self.proposal(w)
        let base = try #require(p.record["base"] as? String)
        // 5,000 nested directories holding one file, made with git fast-import (one process).
        let deep = Array(repeating: "d", count: 5_000).joined(separator: "/") + "/f.yaml"
        let stream = "commit refs/heads/deep\ncommitter Mallory <m@example.com> 0 +0000\ndata 4\ndeep\nfrom \(base)\n"
            + "M 100644 inline \(deep)\ndata 2\nx\n\n"
        let imported = try w.env.run("git", ["fast-import", "--quiet"], in: p.work, input: stream)
        #expect(imported.code == 0, "\(imported)")
        let head = Self.trimmed(try w.env.gitOK("rev-parse", "refs/heads/deep", in: p.work))
        try Self.republish(w, p, head: head)

        let shown = try w.run("fungal", "proposals", "--fetch")
        #expect(shown.code == 0, "a deep tree crashed the listing: \(shown)")
        let tipBefore = try w.tip()
        let sync = try w.run("fungal", "sync")
        #expect(sync.code != 139 && sync.code < 128, "a deep tree crashed sync: \(sync)")
        #expect(!sync.stdout.contains("Merged proposal \(p.id)"), "\(sync)")
        try Self.expectHistoryKept(w, tipBefore)
    }

    @Test func checkRealmReportsModesAndSubmodules() throws {
        let w = try RealmEndToEndTests.world("tree-check")
        try S.rfcWorld(w)
        let work = w.env.root + "/pusher"
        try w.env.gitOK("clone", "-q", w.realmGitDir, work, in: w.env.root)
        try w.env.gitOK("update-index", "--chmod=+x", "repos/fungal.yaml", in: work)
        try w.env.gitOK("commit", "-q", "-m", "mode only", in: work)
        let head = Self.trimmed(try w.env.gitOK("rev-parse", "HEAD", in: work))
        try w.env.gitOK("update-index", "--add", "--cacheinfo", "160000,\(head),domains/s3-access/contracts/zz", in: work)
        try w.env.gitOK("commit", "-q", "-m", "a submodule", in: work)
        let r = try w.env.run("git", ["realm", "check", "--realm", "--range", "origin/main..HEAD"], in: work)
        #expect(r.code == 1, "\(r)")
        #expect(r.stdout.contains("repos/fungal.yaml") && r.stdout.contains("an executable file (mode 100755)"), "\(r)")
        #expect(r.stdout.contains("a submodule (mode 160000)"), "\(r)")
        // A member's fetch does not take such a tip either.
        try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: work)
        let fetch = try w.run("fungal", "fetch")
        #expect(fetch.code != 0 && (fetch.stdout + fetch.stderr).contains("a realm holds regular files only"), "\(fetch)")
    }

    @Test func aLinkedWorktreesDirectoryIsRefused() throws {
        let w = try RealmEndToEndTests.world("tree-worktrees")
        try RealmEndToEndTests.twoDomains(w)
        let fungal = w.members["fungal"]!
        let outside = w.env.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fungal + "/.worktrees", withDestinationPath: "../outside")
        try w.env.gitOK("add", ".worktrees", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "a link", in: fungal)
        let before = try w.everything()
        for args in [["worktree", "--rfc", "s3", "--member", "fungal=\(fungal)", "--dry-run"], ["worktree", "--rfc", "s3", "--member", "fungal=\(fungal)"]] {
            let r = try w.env.run("git", ["realm"] + args, in: w.members["aperture"]!)
            #expect(r.code == 2 && r.stderr.contains(".worktrees is a symbolic link"), "\(args): \(r)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(try w.everything() == before, "nothing was changed")
    }
    @Test func aDuplicateWhoseChangesLandedIsNotListedAsOpen() throws {
        let w = try RealmEndToEndTests.world("tree-landed")
        let p = try Self.proposal(w)
        // A second proposal of the same change (as two syncs at once can make), under another id.
        var twin = p.record
        let twinID = p.id + "-twin"
        twin["id"] = twinID
        twin["branch"] = "sync/aperture/" + twinID
        try Self.republish(w, (twinID, twin, p.work), head: Self.trimmed(try w.env.gitOK("rev-parse", "real", in: p.work)))
        #expect(try S.openProposals(w, "ml-infra").count == 2)
        // fungal acknowledges: one merges; the other has nothing left to merge.
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("Merged proposal"), "\(ack)")
        let open = try S.openProposals(w, "ml-infra")
        #expect(open.isEmpty, "\(open)")
        let all = try S.json(try w.ok("ml-infra", "proposals", "--all", "--json"))["proposals"] as? [[String: Any]] ?? []
        let landed = all.filter { $0["state"] as? String == "landed" }
        #expect(landed.count == 1 && (landed.first?["reason"] as? String ?? "").contains("aperture's next 'git realm sync' closes it"), "\(all)")
        // Its author's next sync closes it.
        let closed = try w.ok("aperture", "sync")
        #expect(closed.contains("its changes are in the realm already"), "\(closed)")
        let after = try S.json(try w.ok("ml-infra", "proposals", "--all", "--fetch", "--json"))["proposals"] as? [[String: Any]] ?? []
        #expect(!after.contains { $0["state"] as? String == "landed" || $0["state"] as? String == "open" }, "\(after)")
        // Neither is left to approve: each says what became of it, exit 2, nothing pushed.
        let refsBefore = try S.refs(w)
        let merged = try w.run("fungal", "proposals", "approve", p.id)
        #expect(merged.code == 2 && merged.stderr.contains("proposal \(p.id) is merged (as "), "\(merged)")
        let superseded = try w.run("fungal", "proposals", "approve", twinID)
        #expect(superseded.code == 2 && superseded.stderr.contains("proposal \(twinID) is superseded"), "\(superseded)")
        #expect(try S.refs(w) == refsBefore)
    }
}
