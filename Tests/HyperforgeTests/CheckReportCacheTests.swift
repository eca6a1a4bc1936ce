import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// A plain `git realm check` answers from the kept report
/// (`.git/realm/check-report.json`) while none of the files it was computed
/// from changes, and never from a stale one.
@Suite struct CheckReportCacheTests {
    typealias World = RealmEndToEndTests.World

    /// A context whose clock is an hour ahead, so files the test wrote are
    /// outside the racy window and the report is kept.
    func later(_ w: World, _ member: String, _ extra: [String: String] = [:]) -> Context {
        var c = w.env.context(in: w.members[member]!)
        c.environment.merge(extra) { $1 }
        c.now = { Date().addingTimeInterval(3600) }
        return c
    }

    /// A full check (in process), then the kept entry it left.
    @discardableResult
    func check(_ w: World, _ member: String, _ extra: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> CheckReportCache.Entry {
        let c = later(w, member, extra)
        _ = try await Realm.check(Realm.CheckOptions(), context: c)
        return try #require(CheckReportCache.lookup(Realm.CheckOptions(), context: c), "check did not keep its report", sourceLocation: sourceLocation)
    }

    func kept(_ w: World, _ member: String, _ extra: [String: String] = [:]) -> Bool {
        CheckReportCache.lookup(Realm.CheckOptions(), context: later(w, member, extra)) != nil
    }

    @Test func keptUntilAnInputChanges() async throws {
        let w = try RealmCheckTests.world("report-cache")
        for m in ["aperture", "fungal"] { #expect(try w.run(m, "fetch").code == 0) }
        let fungal = w.members["fungal"]!, aperture = w.members["aperture"]!

        let first = try await check(w, "fungal")
        #expect(first.report.findings.contains { $0.mode == .importer && $0.message.contains("importer script passed") }, "\(first.report.findings)")
        #expect(first.report.cacheHits == first.report.contractsChecked)
        #expect(first.repo == "fungal" && first.realm == "letemcook")

        // The script's bytes, committed: a different verdict source.
        try w.env.write("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n", to: fungal + "/scripts/validate-iam-policy.sh")
        #expect(!kept(w, "fungal"))
        try RealmCheckTests.commitScripts(w, "fungal")
        let failing = try await check(w, "fungal")
        #expect(failing.report.errors == 1, "\(failing.report.findings)")

        // git config: scripts switched off.
        try w.env.gitOK("config", "realm.runScripts", "false", in: fungal)
        #expect(!kept(w, "fungal"))
        #expect(try await check(w, "fungal").report.findings.contains { $0.message.contains("script was skipped") })
        try w.env.gitOK("config", "--unset", "realm.runScripts", in: fungal)

        // The CI flag and a nested check are part of the key, not files.
        #expect(!kept(w, "fungal", ["CI": "true"]))
        #expect(!kept(w, "fungal", [Scripts.nestedMarker: "1"]))

        // A script directory swapped for a symlink to the same files.
        try await check(w, "fungal")
        try FileManager.default.moveItem(atPath: fungal + "/scripts", toPath: fungal + "/real-scripts")
        try FileManager.default.createSymbolicLink(atPath: fungal + "/scripts", withDestinationPath: "real-scripts")
        #expect(!kept(w, "fungal"))
        #expect(try await check(w, "fungal").report.findings.contains { $0.message.contains("refused") })
        try FileManager.default.removeItem(atPath: fungal + "/scripts")
        try FileManager.default.moveItem(atPath: fungal + "/real-scripts", toPath: fungal + "/scripts")

        // A commit on the branch HEAD names (the script's mode in HEAD decides whether it runs).
        try await check(w, "fungal")
        try w.env.gitOK("update-index", "--chmod=-x", "scripts/validate-iam-policy.sh", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "not executable", in: fungal)
        #expect(!kept(w, "fungal"))
        try w.env.gitOK("update-index", "--chmod=+x", "scripts/validate-iam-policy.sh", in: fungal)
        try w.env.gitOK("commit", "-q", "-m", "executable", in: fungal)

        // A kept report others may write is not used.
        try await check(w, "fungal")
        chmod(fungal + "/.git/realm/check-report.json", 0o666)
        #expect(!kept(w, "fungal"))

        // The realm moving under a fetch.
        try await check(w, "fungal")
        try RealmCheckTests.setResolved(w, "1.0.0")
        #expect(try w.run("fungal", "fetch").code == 0)
        #expect(!kept(w, "fungal"))

        // The owner: a working contract appearing, then changing.
        try await check(w, "aperture")
        try w.env.write("name: extra\n", to: aperture + "/.hyperforge/contracts/s3-access/extra.yaml")
        #expect(!kept(w, "aperture"))
        try FileManager.default.removeItem(atPath: aperture + "/.hyperforge/contracts/s3-access/extra.yaml")
        try await check(w, "aperture")
        try RealmCheckTests.writeWorking(w, RealmCheckTests.contractV1 + "# edited\n")
        #expect(!kept(w, "aperture"))
    }

    @Test func onlyThePlainCheckIsKeptAndARacyOneIsNot() async throws {
        let w = try RealmCheckTests.world("report-cache-options")
        #expect(try w.run("fungal", "fetch").code == 0)
        try await check(w, "fungal")
        var narrowed = Realm.CheckOptions()
        narrowed.contract = "s3-permissions"
        #expect(CheckReportCache.lookup(narrowed, context: later(w, "fungal")) == nil)
        var fresh = Realm.CheckOptions()
        fresh.noCache = true
        #expect(CheckReportCache.lookup(fresh, context: later(w, "fungal")) == nil)

        // A check whose inputs changed a moment ago keeps nothing, and drops what was kept.
        try w.env.write("#!/bin/sh\ncat >/dev/null\nexit 0\n", to: w.members["fungal"]! + "/scripts/validate-iam-policy.sh")
        var now = w.env.context(in: w.members["fungal"]!)
        now.now = { Date() }
        _ = try await Realm.check(Realm.CheckOptions(), context: now)
        #expect(!FileManager.default.fileExists(atPath: w.members["fungal"]! + "/.git/realm/check-report.json"))
    }

    /// Through the installed tool: the kept answer is the full one, given
    /// without opening cache.db (removed here, and not made again).
    @Test func theToolAnswersFromTheKeptReport() async throws {
        let w = try RealmCheckTests.world("report-cache-tool")
        #expect(try w.run("fungal", "fetch").code == 0)
        let full = try w.run("fungal", "check", "--format", "json")
        #expect(full.code == 0, "\(full)")
        try await check(w, "fungal")
        let db = w.members["fungal"]! + "/.git/realm/cache.db"
        try FileManager.default.removeItem(atPath: db)
        let fast = try w.run("fungal", "check", "--format", "json")
        #expect(fast.code == 0, "\(fast)")
        #expect(!FileManager.default.fileExists(atPath: db), "the kept report was not used")
        let a = try RealmCheckTests.json(full), b = try RealmCheckTests.json(fast)
        #expect((a["findings"] as? [[String: Any]])?.count == (b["findings"] as? [[String: Any]])?.count)
        #expect(a["commit"] as? String == b["commit"] as? String)
        #expect(b["cache_hits"] as? Int == b["contracts_checked"] as? Int)
        let text = try w.run("fungal", "check")
        #expect(text.code == 0 && text.stdout.contains("Result: clean"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// A scratch repository is made only where others cannot swap it for theirs.
    @Test func noScratchRepositoryInATMPDIROthersMayWrite() throws {
        let w = try RealmCheckTests.world("scratch-tmpdir")
        let open = w.env.root + "/open-tmp"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        let r = try w.env.run("git", ["realm", "admin", "domain", "create", "dd1", "--repos", "aperture,fungal", "--dry-run"],
                              in: w.members["aperture"]!, extraEnvironment: ["TMPDIR": open])
        #expect(r.code == 4 && r.stderr.contains("others may replace what is made there"), "\(r)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: open)).isEmpty)
        chmod(open, 0o1777)
        let sticky = try w.env.run("git", ["realm", "admin", "domain", "create", "dd1", "--repos", "aperture,fungal", "--dry-run"],
                                   in: w.members["aperture"]!, extraEnvironment: ["TMPDIR": open])
        #expect(sticky.code == 0, "\(sticky)")
    }
}
