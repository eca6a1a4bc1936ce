import Foundation
import HyperforgeCore
import Testing

/// `git realm check --realm` and the guard on merges pushed with plain git:
/// every commit a merge brings is checked on its own, a merge's own changes
/// as a commit that makes them, octopus merges refused.
@Suite struct RealmMergeCheckTests {
    typealias E2E = RealmEndToEndTests
    typealias H = RealmHistoryCheckTests

    static func head(_ w: E2E.World, _ dir: String) throws -> String {
        try w.env.gitOK("rev-parse", "HEAD", in: dir).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A commit on a new branch `side` from `from`, made by `change`; back on main afterwards.
    static func side(_ w: E2E.World, _ clone: String, _ name: String, from: String = "main", _ change: () throws -> Void, _ message: String) throws -> String {
        _ = try w.env.gitOK("checkout", "-qb", name, from, in: clone)
        try change()
        _ = try w.env.gitOK("commit", "-qam", message, in: clone)
        let id = try head(w, clone)
        _ = try w.env.gitOK("checkout", "-q", "main", in: clone)
        return id
    }

    static func fungalOrg(_ clone: String, _ org: String) throws {
        try H.rewrite(clone + "/repos/fungal.yaml") { $0 + "org: \(org)\n" }
    }

    static func rules(_ doc: [String: Any]) -> [String] { H.findings(doc).compactMap { $0["rule"] as? String }.sorted() }

    @Test func aMergeBringingAnotherRepositorysFilesIsRefusedByCheckAndByTheHook() throws {
        let w = try E2E.world("realm-merge-guard")
        try E2E.twoDomains(w)
        _ = try w.ok("aperture", "admin", "guard", "install")
        let clone = try H.clone(w)
        let tip = try w.tip()
        // The second parent changes aperture's and ml-infra's files; the first parent and the merge keep the rules.
        let mixed = try Self.side(w, clone, "side", {
            try H.rewrite(clone + "/repos/aperture.yaml") { $0 + "org: someone\n" }
            try H.rewrite(clone + "/domains/training-pipeline/bindings/ml-infra.yaml") { $0.replacingOccurrences(of: "<2.0.0", with: "<3.0.0") }
        }, "two repositories at once")
        try RealmGuardTests.commitGoodChange(w.env, clone)
        _ = try w.env.gitOK("merge", "-q", "--no-ff", "-m", "merge side", "side", in: clone)
        let merge = try Self.head(w, clone)

        let refused = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(refused.code != 0 && refused.stderr.contains("pre-receive hook declined") && refused.stderr.contains("[one-repository]"), "\(refused)")
        #expect(refused.stderr.contains(String(mixed.prefix(12))), "\(refused)")
        #expect(try w.tip() == tip)

        let (r, doc) = try H.checkRealm(w, in: clone, "--range", "origin/main..HEAD")
        #expect(r.code == 1, "\(r)")
        #expect((doc["commits"] as? [String])?.count == 3 && (doc["commits"] as? [String])?.last == merge, "\(doc)")
        let found = H.findings(doc)
        #expect(found.count == 1 && found.first?["rule"] as? String == "one-repository" && found.first?["commit"] as? String == mixed, "\(found)")

        // The same merge with a second parent that keeps the rules goes through.
        _ = try w.env.gitOK("reset", "-q", "--hard", "origin/main", in: clone)
        _ = try Self.side(w, clone, "side2", { try H.rewrite(clone + "/repos/aperture.yaml") { $0 + "org: someone\n" } }, "aperture's record")
        try RealmGuardTests.commitGoodChange(w.env, clone)
        _ = try w.env.gitOK("merge", "-q", "--no-ff", "-m", "merge side2", "side2", in: clone)
        let taken = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(taken.code == 0, "\(taken)")
        let (clean, cleanDoc) = try H.checkRealm(w, in: w.realmGitDir)
        #expect(clean.code == 0 && H.findings(cleanDoc).isEmpty, "\(clean)")
    }

    @Test func aSecondParentsWrongBumpAnEvilMergeAndAnOctopusAreRefused() throws {
        let w = try E2E.world("realm-merge-rules")
        try E2E.twoDomains(w)
        let clone = try H.clone(w)
        let base = try Self.head(w, clone)

        // A breaking change released as a minor on the second parent: the commit and the merge's step are both wrong.
        _ = try w.env.gitOK("checkout", "-qb", "bump", in: clone)
        try RealmGuardTests.commitWrongBump(w.env, clone)
        let bump = try Self.head(w, clone)
        _ = try w.env.gitOK("checkout", "-q", "main", in: clone)
        try Self.fungalOrg(clone, "one")
        _ = try w.env.gitOK("commit", "-qam", "fungal's record", in: clone)
        _ = try w.env.gitOK("merge", "-q", "--no-ff", "-m", "merge bump", "bump", in: clone)
        let bumpMerge = try Self.head(w, clone)
        let (r1, doc1) = try H.checkRealm(w, in: clone, "--range", "\(base)..HEAD")
        #expect(r1.code == 1 && Self.rules(doc1) == ["version-step", "version-step"], "\(r1)")
        #expect(Set(H.findings(doc1).compactMap { $0["commit"] as? String }) == [bump, bumpMerge], "\(doc1)")
        #expect(H.findings(doc1).allSatisfy { H.message($0).contains("minor bump, but the change needs a major one") }, "\(doc1)")

        // An evil merge: two clean parents, and the merge changes ml-infra's and aperture's files itself.
        _ = try w.env.gitOK("reset", "-q", "--hard", base, in: clone)
        _ = try Self.side(w, clone, "aperture", { try H.rewrite(clone + "/repos/aperture.yaml") { $0 + "org: someone\n" } }, "aperture's record")
        try Self.fungalOrg(clone, "two")
        _ = try w.env.gitOK("commit", "-qam", "fungal's record", in: clone)
        _ = try w.env.gitOK("merge", "-q", "--no-ff", "--no-commit", "aperture", in: clone)
        try H.rewrite(clone + "/domains/training-pipeline/bindings/ml-infra.yaml") { $0.replacingOccurrences(of: "<2.0.0", with: "<3.0.0") }
        try H.rewrite(clone + "/domains/s3-access/contracts/s3-permissions.yaml") { $0.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0.1\"") }
        _ = try w.env.gitOK("commit", "-qam", "merge aperture, and more", in: clone)
        let evil = try Self.head(w, clone)
        let (r2, doc2) = try H.checkRealm(w, in: clone, "--range", "\(base)..HEAD")
        #expect(r2.code == 1 && Self.rules(doc2) == ["one-repository"], "\(r2)")
        let own = H.findings(doc2).first
        #expect(own?["commit"] as? String == evil, "\(doc2)")
        #expect(H.message(own).contains("ml-infra (domains/training-pipeline/bindings/ml-infra.yaml)") && H.message(own).contains("aperture (domains/s3-access"), "\(doc2)")
        // What the merge took from its second parent is not its own change.
        #expect(!H.message(own).contains("repos/aperture.yaml") && !H.message(own).contains("repos/fungal.yaml"), "\(doc2)")

        // An octopus: three parents, each clean.
        _ = try w.env.gitOK("reset", "-q", "--hard", base, in: clone)
        _ = try Self.side(w, clone, "o1", { try H.rewrite(clone + "/repos/aperture.yaml") { $0 + "org: someone\n" } }, "aperture's record")
        _ = try Self.side(w, clone, "o2", { try Self.fungalOrg(clone, "three") }, "fungal's record")
        try RealmGuardTests.commitGoodChange(w.env, clone)
        _ = try w.env.gitOK("merge", "-q", "--no-ff", "-m", "octopus", "o1", "o2", in: clone)
        let octopus = try Self.head(w, clone)
        let (r3, doc3) = try H.checkRealm(w, in: clone, "--range", "\(base)..HEAD")
        #expect(r3.code == 1 && Self.rules(doc3) == ["merge"] && H.findings(doc3).first?["commit"] as? String == octopus, "\(r3)")
        #expect(H.message(H.findings(doc3).first).contains("merges 3 parents"), "\(doc3)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
    func inASignedRealmSecondParentsNeedTheirMaintainersAndAMergeAMember() throws {
        let w = try E2E.world("realm-merge-signed")
        try E2E.twoDomains(w)
        let (clone, aperture, fungal, on) = try H.signedRealm(w)
        let stranger = try H.key(w, "stranger-key")
        let contract = clone + "/domains/s3-access/contracts/s3-permissions.yaml"

        func merge(second key: String?, merge mergeKey: String?) throws -> (second: String, merge: String) {
            _ = try w.env.gitOK("reset", "-q", "--hard", on, in: clone)
            _ = try w.env.gitOK("checkout", "-qB", "side", in: clone)
            try H.rewrite(contract) { $0.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0.1\"") }
            let second = try H.signedCommit(w, clone, key: key, "aperture's contract 1.0.1")
            _ = try w.env.gitOK("checkout", "-q", "main", in: clone)
            try Self.fungalOrg(clone, "signed")
            _ = try H.signedCommit(w, clone, key: fungal.file, "fungal's record")
            var args = ["-c", "gpg.format=ssh"] + (mergeKey.map { ["-c", "user.signingkey=\($0)", "merge", "-S"] } ?? ["merge"])
            args += ["-q", "--no-ff", "-m", "merge side", "side"]
            let r = try w.env.run("git", args, in: clone)
            #expect(r.code == 0, "\(r)")
            return (second, try Self.head(w, clone))
        }

        // An unsigned second parent is refused; the merge, signed by a member (fungal's maintainer), is not.
        let unsigned = try merge(second: nil, merge: fungal.file)
        let (r1, doc1) = try H.checkRealm(w, in: clone, "--range", "\(on)..HEAD")
        #expect(r1.code == 1 && Self.rules(doc1) == ["signature"] && H.findings(doc1).first?["commit"] as? String == unsigned.second, "\(r1)")
        #expect(H.message(H.findings(doc1).first).contains("is not signed"), "\(doc1)")

        // Signed by aperture's maintainer, merged by fungal's: clean.
        _ = try merge(second: aperture.file, merge: fungal.file)
        let (r2, doc2) = try H.checkRealm(w, in: clone, "--range", "\(on)..HEAD")
        #expect(r2.code == 0 && H.findings(doc2).isEmpty, "\(r2)")

        // A merge unsigned, or signed by a key no maintainer has: refused.
        for key in [nil, stranger.file] {
            let m = try merge(second: aperture.file, merge: key)
            let (r, doc) = try H.checkRealm(w, in: clone, "--range", "\(on)..HEAD")
            #expect(r.code == 1 && Self.rules(doc) == ["signature"] && H.findings(doc).first?["commit"] as? String == m.merge, "\(r)")
            #expect(H.message(H.findings(doc).first).contains("a maintainer of a repository of the realm"), "\(doc)")
        }
    }
}
