import Foundation
import HyperforgeCore
import Testing

/// Every fetch of a realm that sets `trust.require_signed_commits: true`
/// checks who wrote what it brings, with `check --realm`'s own checker
/// (RealmIntake.checkWriters): commits pushed around the tool with plain git,
/// signed by a key the realm does not list or not signed at all, are not
/// taken, and no member builds on them.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
struct RealmFetchVerifyTests {
    typealias Sync = RealmSyncTests
    typealias History = RealmHistoryCheckTests
    typealias World = RealmEndToEndTests.World

    /// The RFC's world with each member's maintainer key listed and signing set up in each member,
    /// then signatures required (signed by aperture's key: an approver's). Returns a clone of the realm and the keys.
    static func signedWorld(_ name: String) throws -> (World, clone: String, keys: [String: (file: String, pub: String)]) {
        let w = try RealmEndToEndTests.world(name)
        try Sync.rfcWorld(w)
        var keys: [String: (file: String, pub: String)] = [:]
        for m in ["aperture", "fungal", "ml-infra", "mallory"] { keys[m] = try History.key(w, m + "-key") }
        let clone = try History.clone(w)
        for m in ["aperture", "fungal", "ml-infra"] {
            try History.rewrite(clone + "/repos/\(m).yaml") { $0 + "signing_keys:\n- maintainer: test@example.com\n  key: \"\(keys[m]!.pub)\"\n" }
            try w.env.gitOK("commit", "-qam", "\(m)'s signing key", in: clone)
        }
        try History.rewrite(clone + "/realm.yaml") { $0.replacingOccurrences(of: "require_signed_commits: false", with: "require_signed_commits: true") }
        _ = try History.signedCommit(w, clone, key: keys["aperture"]!.file, "signatures required")
        try w.env.gitOK("push", "-q", "origin", "main", in: clone)
        for m in ["aperture", "fungal", "ml-infra"] {
            try w.env.gitOK("config", "gpg.format", "ssh", in: w.members[m]!)
            try w.env.gitOK("config", "user.signingkey", keys[m]!.file, in: w.members[m]!)
        }
        return (w, clone, keys)
    }

    static func fetched(_ w: World, _ repo: String) throws -> String {
        try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: w.members[repo]!).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git push --force` of `commit` to the realm's branch from the clone, as a realm maintainer repairing it would.
    static func resetRealm(_ w: World, _ clone: String, to commit: String) throws {
        try w.env.gitOK("reset", "-q", "--hard", commit, in: clone)
        try w.env.gitOK("push", "-q", "--force", "origin", "HEAD:main", in: clone)
    }

    @Test func commitsOfTheWrongWritersAreNotTakenNorBuiltOn() throws {
        let (w, clone, keys) = try Self.signedWorld("fetch-verify")
        // A first fetch checks the whole history: the realm's signed history is taken.
        let first = try w.run("fungal", "fetch")
        #expect(first.code == 0, "\(first)")
        let good = try w.tip()
        #expect(try Self.fetched(w, "fungal") == good)

        // aperture's contract changed with plain git, signed by a key the realm does not list.
        let contract = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        try History.rewrite(contract) { $0.replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"1.4.1\"") }
        let forged = try History.signedCommit(w, clone, key: keys["mallory"]!.file, "s3-permissions 1.4.1")
        try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: clone)

        let refused = try w.run("fungal", "fetch")
        #expect(refused.code == 3, "\(refused)")
        for part in ["requires signed commits", "[signature] commit \(forged.prefix(12)) \"s3-permissions 1.4.1\" (", "domains/s3-access/contracts/s3-permissions.yaml",
                     "but not by a key of a maintainer of aperture", "stays at the last good commit \(good.prefix(12))",
                     "git push --force REALM-URL \(good.prefix(12)):refs/heads/main",
                     "git realm check --realm --range \(good.prefix(12))..\(forged.prefix(12))"] {
            #expect(refused.stderr.contains(part), "\(part): \(refused)")
        }
        #expect(try Self.fetched(w, "fungal") == good)
        // The dry run says the same, with the same exit status.
        let dry = try w.run("fungal", "fetch", "--dry-run")
        #expect(dry.code == 3 && dry.stderr.contains("[signature] commit \(forged.prefix(12))") && dry.stderr.contains("dry run: "), "\(dry)")
        // The command the hint names shows the same finding.
        let (checked, report) = try History.checkRealm(w, in: w.members["fungal"]!, "--range", "\(good.prefix(12))..\(forged.prefix(12))")
        #expect(checked.code == 1, "\(checked)")
        #expect(History.findings(report).map { $0["commit"] as? String } == [forged] && History.findings(report).first?["rule"] as? String == "signature", "\(report)")
        // status --fetch warns and goes on from the last good realm.
        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0 && status.stderr.contains("[signature] commit \(forged.prefix(12))")
                && status.stderr.contains("going on from the last good realm, \(good.prefix(12))"), "\(status)")
        #expect(try Self.fetched(w, "fungal") == good)

        // An honest member's signed sync does not build on it: refused before anything is pushed.
        let training = try w.show("domains/training-pipeline/contracts/training-config.yaml")
        try w.env.write(training.replacingOccurrences(of: "value: {}", with: "value:\n  epochs: 10"),
                        to: w.members["fungal"]! + "/.hyperforge/contracts/training-pipeline/training-config.yaml")
        let refs = try Sync.refs(w)
        let sync = try w.run("fungal", "sync")
        #expect(sync.code == 3 && sync.stderr.contains("[signature] commit \(forged.prefix(12))"), "\(sync)")
        #expect(try Sync.refs(w) == refs)
        #expect(try Self.fetched(w, "fungal") == good)

        // The repair: a signature cannot be added afterwards, so the realm's branch goes back to the last good commit.
        try Self.resetRealm(w, clone, to: good)
        let repaired = try w.run("fungal", "fetch")
        #expect(repaired.code == 0 && repaired.stdout.contains("is up to date (\(good.prefix(12)))"), "\(repaired)")

        // An unsigned commit that turns the requirement off: checked under the requirement, so refused too.
        try History.rewrite(clone + "/realm.yaml") { $0.replacingOccurrences(of: "require_signed_commits: true", with: "require_signed_commits: false") }
        let off = try History.signedCommit(w, clone, key: nil, "no more signatures")
        try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: clone)
        let unsigned = try w.run("fungal", "fetch")
        #expect(unsigned.code == 3 && unsigned.stderr.contains("[signature] commit \(off.prefix(12)) \"no more signatures\"")
                && unsigned.stderr.contains("is not signed") && unsigned.stderr.contains("an approver of the realm"), "\(unsigned)")
        #expect(try Self.fetched(w, "fungal") == good)
        // A member that last fetched before signatures were turned on: neither end of its range asks for them, the range does.
        let behind = try Self.fetched(w, "ml-infra")
        let late = try w.run("ml-infra", "fetch")
        #expect(late.code == 3 && late.stderr.contains("[signature] commit \(off.prefix(12))")
                && late.stderr.contains("git realm check --realm --range \(behind.prefix(12))..\(off.prefix(12))"), "\(late)")
        #expect(try Self.fetched(w, "ml-infra") == behind)
        // A repository fetching for the first time checks the whole history, and creates no fetched ref.
        let fresh = try w.env.makeRepository("newcomer")
        for line in try w.env.gitOK("config", "--local", "--get-regexp", "^realm\\.", in: w.members["fungal"]!).split(separator: "\n") {
            let kv = line.split(separator: " ", maxSplits: 1).map(String.init)
            try w.env.gitOK("config", kv[0], kv.count > 1 ? kv[1] : "", in: fresh)
        }
        let firstFetch = try w.env.run("git", ["realm", "fetch"], in: fresh)
        #expect(firstFetch.code == 3 && firstFetch.stderr.contains("was not created: this repository has no good realm yet")
                && firstFetch.stderr.contains("git realm check --realm --range \(off.prefix(12))'"), "\(firstFetch)")
        #expect(try w.env.run("git", ["rev-parse", "-q", "--verify", "refs/realm/letemcook/fetched"], in: fresh).code != 0)

        // Repaired again; a legit commit signed by aperture's maintainer is taken, and the honest sync goes on from it.
        try Self.resetRealm(w, clone, to: good)
        try History.rewrite(contract) { $0.replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"1.4.1\"") }
        let legit = try History.signedCommit(w, clone, key: keys["aperture"]!.file, "s3-permissions 1.4.1, signed")
        try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: clone)
        let taken = try w.run("fungal", "fetch")
        #expect(taken.code == 0 && taken.stdout.contains("\(good.prefix(12))..\(legit.prefix(12))"), "\(taken)")
        #expect(try Self.fetched(w, "fungal") == legit)
        let proposed = try w.run("fungal", "sync")
        #expect(proposed.code == 0 && proposed.stdout.contains("created for review"), "\(proposed)")
        #expect(try w.run("ml-infra", "fetch").code == 0)
    }

    /// A merge commit written by sync itself (a proposal whose base the realm has moved past) in a signed realm:
    /// check --realm finds it clean and the other members' fetches take it.
    @Test func aMergeWrittenBySyncIsTakenByEveryMember() throws {
        let (w, _, _) = try Self.signedWorld("fetch-verify-merge")
        // fungal proposes training-config 1.1.0, then aperture proposes s3-permissions 1.5.0: both on the same base.
        let training = try w.show("domains/training-pipeline/contracts/training-config.yaml")
        try w.env.write(training.replacingOccurrences(of: "value: {}", with: "value:\n  epochs: 10"),
                        to: w.members["fungal"]! + "/.hyperforge/contracts/training-pipeline/training-config.yaml")
        #expect(try w.ok("fungal", "sync").contains("created for review"))
        try Sync.editContract(w, Sync.addS3Path)
        #expect(try w.ok("aperture", "sync").contains("created for review"))
        // ml-infra acknowledges fungal's: it lands on its base as it is.
        let first = try w.ok("ml-infra", "sync")
        #expect(first.contains("Merged proposal fungal-"), "\(first)")
        // fungal acknowledges aperture's, whose base the realm has left: sync writes a merge commit.
        let second = try w.ok("fungal", "sync")
        #expect(second.contains("Merged proposal aperture-"), "\(second)")
        let merges = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-list", "--merges", "main", in: w.env.root)
            .split(separator: "\n").map(String.init)
        #expect(merges.count == 1, "\(merges)")
        let parents = try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-list", "--parents", "-n1", merges.first ?? "main", in: w.env.root)
        #expect(parents.split(separator: " ").count == 3, "\(parents)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
        #expect(try w.show("domains/training-pipeline/contracts/training-config.yaml").contains("version: \"1.1.0\""))
        let (checked, report) = try History.checkRealm(w, in: w.realmGitDir)
        #expect(checked.code == 0 && History.findings(report).isEmpty, "\(checked)")
        let tip = try w.tip()
        for m in ["aperture", "ml-infra"] {
            let r = try w.run(m, "fetch")
            #expect(r.code == 0, "\(m): \(r)")
            #expect(try Self.fetched(w, m) == tip, "\(m)")
        }
    }
}
