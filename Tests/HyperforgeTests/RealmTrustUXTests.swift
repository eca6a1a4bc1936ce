import Foundation
import HyperforgeCore
import Testing

/// A new user's trial of signed realms (issue 17): signing keys and
/// `trust.require_signed_commits` set by commands, a key the realm does not
/// list refused before anything is pushed, a dry run that still shows its
/// plan, an acknowledgement the merging sync checks as it checks others',
/// the guard's refusal in its own words, approvals by non-approvers and
/// breaking contract changes that skip the proposal path refused. Real git,
/// real ssh-keygen keys in the test's HOME.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
struct RealmTrustUXTests {
    typealias Sync = RealmSyncTests
    typealias History = RealmHistoryCheckTests
    typealias World = RealmEndToEndTests.World

    static func fingerprint(_ w: World, _ pub: String) throws -> String {
        let r = try w.env.run("ssh-keygen", ["-l", "-E", "sha256", "-f", pub])
        #expect(r.code == 0, "\(r)")
        return String(r.stdout.split(separator: " ")[1])
    }

    /// The RFC's world where each member lists its maintainer's key (added with
    /// `admin repo keys add`), aperture signs, and signatures are turned on with `admin trust set`.
    static func signedWorld(_ w: World) throws -> [String: (file: String, pub: String)] {
        try Sync.rfcWorld(w)
        var keys: [String: (file: String, pub: String)] = [:]
        for m in ["aperture", "fungal", "ml-infra", "stray"] { keys[m] = try History.key(w, m + "-key") }
        for m in ["aperture", "fungal", "ml-infra"] {
            let added = try w.ok(m, "admin", "repo", "keys", "add", "--key", keys[m]!.file + ".pub", "--maintainer", "test@example.com")
            #expect(added.contains("repos/\(m).yaml"), "\(added)")
        }
        try w.env.gitOK("config", "gpg.format", "ssh", in: w.members["aperture"]!)
        try w.env.gitOK("config", "user.signingkey", keys["aperture"]!.file, in: w.members["aperture"]!)
        let on = try w.ok("aperture", "admin", "trust", "set", "--require-signed-commits", "true")
        #expect(on.contains("realm.yaml"), "\(on)")
        #expect(try w.show("realm.yaml").contains("require_signed_commits: true"))
        return keys
    }

    @Test func keysAndTrustAreSetByCommandsAndAnUnlistedKeyIsRefusedBeforeAnythingIsPushed() throws {
        let w = try RealmEndToEndTests.world("trust-keys")
        try Sync.rfcWorld(w)
        let stray = try History.key(w, "stray-key"), fungalKey = try History.key(w, "fungal-key")
        // A private key is refused, and nothing of it is shown.
        let privateBody = try String(contentsOfFile: stray.file, encoding: .utf8).split(separator: "\n")[1]
        let priv = try w.run("fungal", "admin", "repo", "keys", "add", "--key", stray.file, "--maintainer", "test@example.com")
        #expect(priv.code == 64 && priv.stderr.contains("is a private key") && !(priv.stdout + priv.stderr).contains(privateBody), "\(priv)")
        let junk = try w.run("fungal", "admin", "repo", "keys", "add", "--key-literal", "ssh-ed25519 AAAAnotakey", "--maintainer", "test@example.com")
        #expect(junk.code == 64 && junk.stderr.contains("not an ssh public key"), "\(junk)")
        // A dry run changes nothing, byte for byte, and says what it would commit.
        let before = try w.everything()
        let dry = try w.ok("fungal", "admin", "repo", "keys", "add", "--key", fungalKey.file + ".pub", "--maintainer", "test@example.com", "--dry-run")
        #expect(dry.contains("update repos/fungal.yaml") && dry.contains("dry run: nothing was committed"), "\(dry)")
        #expect(try w.everything() == before)
        try w.ok("fungal", "admin", "repo", "keys", "add", "--key", fungalKey.file + ".pub", "--maintainer", "test@example.com")
        let record = try w.show("repos/fungal.yaml")
        #expect(record.contains("signing_keys:") && record.contains(fungalKey.pub.split(separator: " ")[1]) && !record.contains("fungal-key"), "\(record)")
        // Listed with its fingerprint, as ssh-keygen -lf prints it.
        try w.ok("fungal", "fetch")
        let listed = try Sync.json(try w.ok("fungal", "admin", "repo", "keys", "list", "--json"))
        let entries = listed["keys"] as? [[String: Any]] ?? []
        let fungalFP = try Self.fingerprint(w, fungalKey.file + ".pub")
        #expect(entries.count == 1 && entries.first?["fingerprint"] as? String == fungalFP, "\(listed)")
        #expect(listed["require_signed_commits"] as? Bool == false, "\(listed)")
        // Removed by its fingerprint, then added again.
        try w.ok("fungal", "admin", "repo", "keys", "remove", "--fingerprint", try Self.fingerprint(w, fungalKey.file + ".pub"))
        #expect(!(try w.show("repos/fungal.yaml")).contains("signing_keys"))

        // trust set: a dry run changes nothing; a non-approver is refused.
        let trustBefore = try w.everything()
        let trustDry = try w.ok("aperture", "admin", "trust", "set", "--require-signed-commits", "true", "--dry-run")
        #expect(trustDry.contains("update realm.yaml"), "\(trustDry)")
        #expect(try w.everything() == trustBefore)
        try w.env.gitOK("config", "user.email", "nobody@example.com", in: w.members["ml-infra"]!)
        let notApprover = try w.run("ml-infra", "admin", "trust", "set", "--require-signed-commits", "true")
        #expect(notApprover.code == 2 && notApprover.stderr.contains("governance.approvers"), "\(notApprover)")
        try w.env.gitOK("config", "user.email", "test@example.com", in: w.members["ml-infra"]!)
    }

    @Test func anImporterSigningWithAKeyNotListedForItIsRefusedAndItsDryRunStillShowsThePlan() throws {
        let w = try RealmEndToEndTests.world("trust-unlisted")
        let keys = try Self.signedWorld(w)
        try Sync.editContract(w, Sync.addS3Path)
        #expect(try w.ok("aperture", "sync").contains("created for review"))
        let id = try #require(try Sync.openProposals(w, "fungal").first?["id"] as? String)

        // fungal's git signs with a key the realm does not list for fungal.
        let fungal = w.members["fungal"]!
        try w.env.gitOK("config", "gpg.format", "ssh", in: fungal)
        try w.env.gitOK("config", "user.signingkey", keys["stray"]!.file, in: fungal)
        let before = try Sync.refs(w)
        let refused = try w.run("fungal", "sync")
        let strayFP = try Self.fingerprint(w, keys["stray"]!.file + ".pub")
        let fungalFP = try Self.fingerprint(w, keys["fungal"]!.file + ".pub")
        #expect(refused.code == 3 && refused.stderr.contains(strayFP) && refused.stderr.contains("a maintainer of fungal")
                && refused.stderr.contains("ssh-keygen -lf") && refused.stderr.contains(fungalFP)
                && refused.stderr.contains("git realm admin repo keys add fungal") && refused.stderr.contains("nothing was pushed"), "\(refused)")
        let privateBody = try String(contentsOfFile: keys["stray"]!.file, encoding: .utf8).split(separator: "\n")[1]
        #expect(!(refused.stdout + refused.stderr).contains(privateBody))
        #expect(try Sync.refs(w) == before, "nothing was pushed: no acknowledgement, no merge")
        // Every other signed write too: fungal's binding (its own file) and aperture's realm.yaml by fungal's key.
        let binding = try w.run("fungal", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", ">=1.0.0, <3.0.0")
        #expect(binding.code == 3 && binding.stderr.contains(strayFP) && binding.stderr.contains("repos/fungal.yaml"), "\(binding)")
        let trust = try w.run("fungal", "admin", "trust", "set", "--require-signed-commits", "false")
        #expect(trust.code == 3 && trust.stderr.contains("an approver of the realm"), "\(trust)")
        #expect(try Sync.refs(w) == before)
        // Its dry run shows the plan and warns that the real run will be refused, exit 0; nothing changes.
        for unset in [false, true] {
            if unset { try w.env.gitOK("config", "--unset", "user.signingkey", in: fungal) }
            let everything = try w.everything()
            let dry = try w.run("fungal", "sync", "--dry-run")
            #expect(dry.code == 0 && dry.stdout.contains("Would acknowledge") && dry.stdout.contains("create refs/realm/proposals/\(id)/acks/fungal")
                    && !dry.stdout.contains("Would merge") && dry.stderr.contains("the real run will be refused (exit 3)")
                    && dry.stderr.contains(unset ? "user.signingkey" : strayFP), "\(dry)")
            #expect(try w.everything() == everything)
        }
        #expect(try w.run("fungal", "sync").code == 3)

        // An approval speaks for the realm: a key that is no approver's is refused too.
        try w.env.gitOK("config", "user.signingkey", keys["stray"]!.file, in: w.members["ml-infra"]!)
        try w.env.gitOK("config", "gpg.format", "ssh", in: w.members["ml-infra"]!)
        let approve = try w.run("ml-infra", "proposals", "approve", id)
        #expect(approve.code == 3 && approve.stderr.contains("an approver of the realm"), "\(approve)")
        #expect(try Sync.refs(w) == before)

        // With its own key, fungal's sync acknowledges and merges.
        try w.env.gitOK("config", "user.signingkey", keys["fungal"]!.file, in: fungal)
        let merged = try w.ok("fungal", "sync")
        #expect(merged.contains("✓ Acknowledged proposal \(id)") && merged.contains("✓ Merged proposal \(id)"), "\(merged)")
    }

    /// A `gpg.ssh.program` that signs with `other` whatever key git names (verifying as ssh-keygen does).
    static func signsWith(_ w: World, other: String) throws -> String {
        let path = w.env.root + "/sign-with-other"
        try w.env.write("""
        #!/bin/sh
        if [ "$1" = "-Y" ] && [ "$2" = "sign" ]; then
          n=$#; skip=0
          for a in "$@"; do
            if [ $skip = 1 ]; then set -- "$@" '\(other)'; skip=0
            elif [ "$a" = "-f" ]; then set -- "$@" -f; skip=1
            else set -- "$@" "$a"; fi
          done
          shift $n
        fi
        exec ssh-keygen "$@"

        """, to: path)
        chmod(path, 0o755)
        return path
    }

    @Test func theMergingSyncChecksItsOwnAcknowledgementAndTheGuardsRefusalReadsCleanly() throws {
        let w = try RealmEndToEndTests.world("trust-guard")
        let keys = try Self.signedWorld(w)
        try w.ok("aperture", "admin", "guard", "install")
        try Sync.editContract(w, Sync.addS3Path)
        #expect(try w.ok("aperture", "sync").contains("created for review"))
        let id = try #require(try Sync.openProposals(w, "fungal").first?["id"] as? String)
        // fungal's git names fungal's listed key, but its signing program signs with another one.
        let fungal = w.members["fungal"]!
        try w.env.gitOK("config", "gpg.format", "ssh", in: fungal)
        try w.env.gitOK("config", "user.signingkey", keys["fungal"]!.file, in: fungal)
        try w.env.gitOK("config", "gpg.ssh.program", try Self.signsWith(w, other: keys["stray"]!.file), in: fungal)
        let tip = try w.tip()
        let ack = try w.run("fungal", "sync")
        // Its own acknowledgement is checked as anyone's: not counted, so the proposal does not merge.
        #expect(ack.stderr.contains("refs/realm/proposals/\(id)/acks/fungal") && ack.stderr.contains("the acknowledgement is ignored"), "\(ack)")
        #expect(!ack.stdout.contains("Merged proposal"), "\(ack)")
        #expect(try w.tip() == tip)
        #expect(try Sync.openProposals(w, "ml-infra").first?["waiting_for"] as? [String] == ["fungal"])

        // A write to the realm's branch signed so is refused by the guard: its own words, a hint about signatures.
        let bound = try w.run("fungal", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", ">=1.0.0, <3.0.0")
        #expect(bound.code == 1 && bound.stderr.contains("the realm's guard") && bound.stderr.contains("[signature]")
                && bound.stderr.contains("not by a key of a maintainer of fungal") && bound.stderr.contains("signing_keys"), "\(bound)")
        #expect(!bound.stderr.contains("remote rejected") && !bound.stderr.contains("remote: ") && !bound.stderr.contains("\t")
                && !bound.stderr.contains("ls-remote") && !bound.stderr.contains("\\x09"), "\(bound)")
        #expect(try w.tip() == tip)
    }

    @Test func aBreakingPublishThatAffectsAnImporterIsSentToTheProposalPath() throws {
        let w = try RealmEndToEndTests.world("trust-publish")
        try Sync.rfcWorld(w)
        // read becomes a list of numbers, published as 2.0.0: fungal imports >=1.0.0, <2.0.0.
        let breaking = Sync.rfcContract.replacingOccurrences(of: "    read:\n      type: array\n      items: { type: string }", with: "    read:\n      type: array\n      items: { type: integer }")
            .replacingOccurrences(of: "    - \"jobs/*/masks/*\"\n    - \"jobs/*/*/config.json\"\n    - \"training-runs/*\"\n    - \"training-metrics/*\"\n", with: "    - 1\n")
            .replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"2.0.0\"")
        try w.env.write(breaking, to: "s3-2.0.0.yaml")
        let tip = try w.tip()
        for extra in [["--dry-run"], []] {
            let r = try w.env.run("git", ["realm", "admin", "contract", "publish", w.env.root + "/s3-2.0.0.yaml", "--domain", "s3-access"] + extra,
                                  in: w.members["aperture"]!)
            #expect(r.code == 2 && r.stderr.contains("outside the import range of fungal") && r.stderr.contains("git realm sync"), "\(r)")
        }
        #expect(try w.tip() == tip)
        // A compatible change still publishes.
        try w.env.write(Sync.addS3Path(Sync.rfcContract).replacingOccurrences(of: "version: \"1.4.0\"", with: "version: \"1.5.0\""), to: "s3-1.5.0.yaml")
        try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/s3-1.5.0.yaml", "--domain", "s3-access")
        #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml").contains("version: \"1.5.0\""))
    }
}
