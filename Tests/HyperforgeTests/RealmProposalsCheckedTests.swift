import Foundation
import HyperforgeCore
import HyperforgeGit
import Testing

/// `git realm proposals` shows what a merge would find, not what a record
/// claims, and a record's time cannot shorten the grace period (issue 17).
@Suite struct RealmProposalsCheckedTests {
    typealias Sync = RealmSyncTests

    static func record(_ w: RealmEndToEndTests.World, _ id: String) throws -> [String: Any] {
        try Sync.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))
    }

    @Test func aProposalBreakingOnlyAnImportersRangeIsNoLongerBreakingOnceTheRangeIsWidened() throws {
        let w = try RealmEndToEndTests.world("proposals-widened")
        try Sync.rfcWorld(w)
        // A compatible change published as 2.0.0: outside fungal's range, so breaking.
        try Sync.editContract(w) { Sync.addS3Path($0).replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"2.0.0\"") }
        let sync = try w.ok("aperture", "sync")
        #expect(sync.contains("s3-permissions 1.4.0 → 2.0.0 (BREAKING, major, compatible)"), "\(sync)")
        var listed = try Sync.openProposals(w, "ml-infra")
        #expect(listed.first?["breaking"] as? Bool == true && (listed.first?["record_differs"] as? [String])?.isEmpty == true, "\(listed)")
        let id = try #require(listed.first?["id"] as? String)

        // fungal's maintainer widens its range (plain git): the record still says breaking, the re-check does not.
        try w.env.gitOK("clone", "-q", w.realmGitDir, "realm-edit", in: w.env.root)
        let binding = w.env.root + "/realm-edit/domains/s3-access/bindings/fungal.yaml"
        try RealmHistoryCheckTests.rewrite(binding) { $0.replacingOccurrences(of: "<2.0.0", with: "<3.0.0") }
        try w.env.gitOK("commit", "-qam", "fungal takes 2.x", in: w.env.root + "/realm-edit")
        try w.env.gitOK("push", "-q", "origin", "main", in: w.env.root + "/realm-edit")
        let claimed = try Self.record(w, id)["changes"] as? [[String: Any]]
        #expect(claimed?.first?["breaking"] as? Bool == true, "\(String(describing: claimed))")

        listed = try Sync.openProposals(w, "ml-infra")
        let p = try #require(listed.first)
        #expect(p["breaking"] as? Bool == false && p["mergeable_at"] is String, "\(p)")
        let change = try #require((p["changes"] as? [[String: Any]])?.first)
        #expect(change["breaking"] as? Bool == false && (change["affected"] as? [[String: Any]])?.first?["satisfied"] as? Bool == true, "\(change)")
        #expect((p["record_differs"] as? [String]) == ["s3-permissions 2.0.0 is breaking; the re-check finds it not breaking",
                                                       "s3-permissions 2.0.0 affects fungal (not satisfied); the re-check finds fungal (satisfied)"], "\(p)")
        let text = try w.ok("ml-infra", "proposals")
        #expect(text.contains("aperture: s3-permissions 2.0.0\n") && !text.contains("(BREAKING)"), "\(text)")
        #expect(text.contains("! its record says s3-permissions 2.0.0 is breaking; the re-check finds it not breaking"), "\(text)")
        #expect(text.contains("grace period of 14 days"), "\(text)")
    }

    @Test func aBackdatedRecordWaitsTheWholeGracePeriodFromWhenItCouldFirstBeSeen() throws {
        let w = try RealmEndToEndTests.world("proposals-backdated")
        try Sync.rfcWorld(w)
        try w.ok("ml-infra", "fetch")
        try Sync.editContract(w, Sync.addS3Path)
        try w.ok("aperture", "sync")
        let id = try #require(try Sync.openProposals(w, "aperture").first?["id"] as? String)

        // The record is pushed again, claiming it was made a month ago.
        var record = try Self.record(w, id)
        let month = Timestamp.utc(Date().addingTimeInterval(-30 * 86_400))
        record["created_at"] = month
        let dir = w.env.root + "/backdated"
        try w.env.gitOK("init", "-q", dir, in: w.env.root)
        try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: dir + "/proposal.json"))
        try w.env.gitOK("add", "proposal.json", in: dir)
        try w.env.gitOK("commit", "-qm", "record", in: dir)
        try w.env.gitOK("push", "-q", "-f", w.realmGitDir, "HEAD:refs/realm/proposals/\(id)/record", in: dir)

        // ml-infra, which looked before it was made, counts from then: it waits the whole 14 days.
        let before = Date().addingTimeInterval(-600)
        let p = try #require(try Sync.openProposals(w, "ml-infra").first)
        #expect(p["created_at"] as? String == month && p["mergeable"] as? Bool == false, "\(p)")
        let start = try #require(Timestamp.parse(p["grace_start"] as? String ?? ""), "\(p)")
        let due = try #require(Timestamp.parse(p["mergeable_at"] as? String ?? ""), "\(p)")
        #expect(start > before && due.timeIntervalSince(start) == 14 * 86_400, "\(p)")
        #expect((p["reason"] as? String)?.contains("when it can first have been in the realm (its record says \(month))") == true, "\(p)")
        let sync = try w.ok("ml-infra", "sync")
        let contract = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
        #expect(!sync.contains("Merged proposal") && !contract.contains("experiments"), "\(sync)")
    }

    /// A proposal's branch is pushed by any member: its tree is read within a bound, never whole into memory.
    @Test func aTreeOverItsBudgetIsNotRead() throws {
        let env = try TestEnvironment("proposals-tree-budget")
        let repo = try env.makeRepository("big", commit: false)
        for i in 0..<5 { try env.write(String(repeating: "x", count: 1000), to: repo + "/f\(i)") }
        try env.gitOK("add", ".", in: repo)
        try env.gitOK("commit", "-qm", "five files", in: repo)
        let head = try env.gitOK("rev-parse", "HEAD", in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let opened = try Repository.discover(from: repo, environment: env.environment)
        #expect(try opened.files(atCommit: head, within: .init(files: 5, bytes: 5000))?.count == 5)
        #expect(try opened.files(atCommit: head, within: .init(files: 4, bytes: 1 << 20)) == nil)
        #expect(try opened.files(atCommit: head, within: .init(files: 100, bytes: 4999)) == nil)
    }
}
