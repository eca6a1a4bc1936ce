import Foundation
import HyperforgeCore
import Testing

/// `git realm sync` in a realm with `trust.require_signed_commits: true`
/// (issue 17): its commits are signed with the user's ssh signing key
/// (real ssh-keygen keys in the test's HOME), and an acknowledgement counts
/// only when signed by a maintainer of the repository it speaks for.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
struct RealmSyncSignedTests {
    typealias Sync = RealmSyncTests
    typealias History = RealmHistoryCheckTests

    /// An acknowledgement of `id` in `repo`'s name, committed with plain git (signed with `key` when given) and pushed straight into the realm.
    static func forgedAck(_ w: RealmEndToEndTests.World, id: String, repo: String, key: String?) throws {
        let dir = w.env.root + "/forged-ack"
        if !FileManager.default.fileExists(atPath: dir) { try w.env.gitOK("init", "-q", dir, in: w.env.root) }
        let json = "{\"format\": 1, \"proposal\": \"\(id)\", \"repo\": \"\(repo)\", \"by\": \"test@example.com\", \"at\": \"2026-01-01T00:00:00Z\", \"kind\": \"acknowledgement\"}\n"
        try w.env.write(json + (key == nil ? "" : "\n"), to: dir + "/acknowledgement.json")
        try w.env.gitOK("add", "acknowledgement.json", in: dir)
        var args = ["-c", "gpg.format=ssh"]
        if let key { args += ["-c", "user.signingkey=\(key)", "commit", "-S", "-qm", "ack"] } else { args += ["commit", "-qm", "ack"] }
        let r = try w.env.run("git", args, in: dir)
        #expect(r.code == 0, "\(r)")
        try w.env.gitOK("push", "-q", "-f", w.realmGitDir, "HEAD:refs/realm/proposals/\(id)/acks/\(repo)", in: dir)
    }

    @Test func aSyncMergesInASignedRealmAndForgedAcknowledgementsDoNotCount() throws {
        let w = try RealmEndToEndTests.world("sync-signed")
        try Sync.rfcWorld(w)
        var keys: [String: (file: String, pub: String)] = [:]
        for m in ["aperture", "fungal", "ml-infra"] { keys[m] = try History.key(w, m + "-key") }
        // Each repository lists its maintainer's key; then the realm asks for signatures (plain git, as its maintainers would).
        let clone = try History.clone(w)
        for m in ["aperture", "fungal", "ml-infra"] {
            try History.rewrite(clone + "/repos/\(m).yaml") { $0 + "signing_keys:\n- maintainer: test@example.com\n  key: \"\(keys[m]!.pub)\"\n" }
        }
        try w.env.gitOK("commit", "-qam", "signing keys", in: clone)
        try History.rewrite(clone + "/realm.yaml") { $0.replacingOccurrences(of: "require_signed_commits: false", with: "require_signed_commits: true") }
        let turnedOn = try History.signedCommit(w, clone, key: keys["aperture"]!.file, "signatures required")
        try w.env.gitOK("push", "-q", "origin", "main", in: clone)

        // Without a signing key, aperture's sync is refused before anything is pushed.
        try Sync.editContract(w, Sync.addS3Path)
        let before = try Sync.refs(w)
        let refused = try w.env.run("git", ["realm", "sync"], in: w.members["aperture"]!)
        #expect(refused.code == 3 && refused.stderr.contains("the realm requires signed commits") && refused.stderr.contains("user.signingkey"), "\(refused)")
        #expect(try Sync.refs(w) == before)

        for m in ["aperture", "fungal", "ml-infra"] {
            try w.env.gitOK("config", "gpg.format", "ssh", in: w.members[m]!)
            try w.env.gitOK("config", "user.signingkey", keys[m]!.file, in: w.members[m]!)
        }
        let proposed = try w.ok("aperture", "sync")
        #expect(proposed.contains("created for review"), "\(proposed)")
        let id = try #require(try Sync.openProposals(w, "ml-infra").first?["id"] as? String)

        // An acknowledgement in fungal's name, unsigned: it does not count, and the warning names its ref.
        try Self.forgedAck(w, id: id, repo: "fungal", key: nil)
        let ref = "refs/realm/proposals/\(id)/acks/fungal"
        var listed = try w.env.run("git", ["realm", "proposals", "--fetch", "--json"], in: w.members["ml-infra"]!)
        var doc = try Sync.json(listed.stdout)["proposals"] as? [[String: Any]] ?? []
        #expect(doc.first?["waiting_for"] as? [String] == ["fungal"], "\(listed)")
        #expect(listed.stderr.contains(ref) && listed.stderr.contains("is not signed") && listed.stderr.contains("ignored"), "\(listed)")
        // Signed, but by ml-infra's maintainer: it does not count either.
        try Self.forgedAck(w, id: id, repo: "fungal", key: keys["ml-infra"]!.file)
        listed = try w.env.run("git", ["realm", "proposals", "--fetch", "--json"], in: w.members["ml-infra"]!)
        doc = try Sync.json(listed.stdout)["proposals"] as? [[String: Any]] ?? []
        #expect(doc.first?["waiting_for"] as? [String] == ["fungal"], "\(listed)")
        #expect(listed.stderr.contains(ref) && listed.stderr.contains("not by a key of a maintainer of fungal"), "\(listed)")
        let notYet = try w.ok("ml-infra", "sync")
        #expect(!notYet.contains("Merged proposal"), "\(notYet)")

        // fungal's own sync signs its acknowledgement (replacing the forged one) and merges the proposal.
        let ack = try w.ok("fungal", "sync")
        #expect(ack.contains("✓ Acknowledged proposal \(id)") && ack.contains("✓ Merged proposal \(id)"), "\(ack)")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("training-metrics/experiments/*"))
        // The realm's branch took the proposal's own commit, signed by aperture's key (the realm had not moved since), then fungal's
        // signed binding update; every commit since signatures were turned on keeps the realm's rules.
        let head = try #require(try Sync.json(w.env.gitOK("--git-dir=\(w.realmGitDir)", "show", "refs/realm/proposals/\(id)/record:proposal.json", in: w.env.root))["head"] as? String)
        #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "rev-parse", "main^", in: w.env.root).trimmingCharacters(in: .whitespacesAndNewlines) == head)
        for c in ["main", "main^"] {
            #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "cat-file", "-p", c, in: w.env.root).contains("gpgsig -----BEGIN SSH SIGNATURE"), "\(c)")
        }
        let (checked, report) = try History.checkRealm(w, in: w.realmGitDir, "--range", "\(turnedOn)..main")
        #expect(checked.code == 0 && History.findings(report).isEmpty, "\(checked)")
        for r in ["refs/realm/proposals/\(id)/record", ref] {
            #expect(try w.env.gitOK("--git-dir=\(w.realmGitDir)", "cat-file", "-p", r, in: w.env.root).contains("gpgsig -----BEGIN SSH SIGNATURE"), "\(r)")
        }
    }

    /// An empty signing key (`git config user.signingkey ""`, `[user] signingkey` with no value, `git -c user.signingkey=`
    /// over a good one, a key file that is not there) in a realm that requires signatures: every signed write is refused
    /// as a configuration problem (exit 3, with the hint), before anything is pushed: sync (an author's and an importer's),
    /// proposals approve, admin binding set, admin repo accounts, admin contract publish, admin domain create.
    @Test(arguments: ["empty", "valueless", "command-line", "missing-file"])
    func anEmptySigningKeyRefusesEverySignedWrite(_ how: String) throws {
        let w = try RealmEndToEndTests.world("sync-signed-empty-\(how)")
        try Sync.rfcWorld(w)
        let (clone, aperture, fungal, _) = try History.signedRealm(w)
        try w.env.gitOK("push", "-q", "origin", "main", in: clone)
        try w.env.gitOK("config", "gpg.format", "ssh", in: w.members["aperture"]!)
        try w.env.gitOK("config", "user.signingkey", aperture.file, in: w.members["aperture"]!)
        try Sync.editContract(w, Sync.addS3Path)
        #expect(try w.ok("aperture", "sync").contains("created for review"))
        let id = try #require(try Sync.openProposals(w, "fungal").first?["id"] as? String)

        var gitOptions: [String] = []
        for (m, good) in [("aperture", aperture.file), ("fungal", fungal.file)] {
            let member = w.members[m]!
            try w.env.gitOK("config", "gpg.format", "ssh", in: member)
            switch how {
            case "empty": try w.env.gitOK("config", "user.signingkey", "", in: member)
            case "command-line":
                try w.env.gitOK("config", "user.signingkey", good, in: member)
                gitOptions = ["-c", "user.signingkey="]
            case "missing-file": try w.env.gitOK("config", "user.signingkey", w.env.root + "/keys/no-such-key", in: member)
            default:
                _ = try w.env.run("git", ["config", "--unset-all", "user.signingkey"], in: member)
                let config = try w.env.gitOK("rev-parse", "--git-path", "config", in: member).trimmingCharacters(in: .whitespacesAndNewlines)
                let path = config.hasPrefix("/") ? config : member + "/" + config
                try (try String(contentsOfFile: path, encoding: .utf8) + "[user]\n\tsigningkey\n").write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        try w.env.write(Sync.rfcContract.replacingOccurrences(of: "1.4.0", with: "1.4.1"), to: "s3-1.4.1.yaml")
        let writes: [(String, [String])] = [
            ("aperture", ["sync"]),
            ("fungal", ["sync"]),
            ("fungal", ["proposals", "approve", id]),
            ("fungal", ["admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", "^1.4"]),
            ("fungal", ["admin", "repo", "accounts", "--maintainer", "test@example.com", "--forge", "github=fungal-dev"]),
            ("aperture", ["admin", "contract", "publish", w.env.root + "/s3-1.4.1.yaml", "--domain", "s3-access"]),
            ("aperture", ["admin", "domain", "create", "more", "--repos", "aperture,fungal", "--contract", "more-config"]),
        ]
        let before = try Sync.refs(w)
        for (m, args) in writes {
            let r = try w.env.run("git", gitOptions + ["realm"] + args, in: w.members[m]!)
            #expect(r.code == 3 && r.stderr.contains("the realm requires signed commits") && r.stderr.contains("user.signingkey")
                    && r.stderr.contains("nothing was pushed") && r.stderr.contains("hint: configure an ssh signing key"),
                    "\(m): git realm \(args.joined(separator: " ")): \(r)")
            #expect(try Sync.refs(w) == before, "\(m): git realm \(args.joined(separator: " "))")
        }
    }
}
