import Foundation
import HyperforgeCore
import HyperforgeRealm
import Testing

/// `git realm check --realm`: the realm's history checked where clients
/// cannot cheat, on commits pushed around the tool with plain git.
@Suite struct RealmHistoryCheckTests {
    typealias E2E = RealmEndToEndTests

    /// A clone of the realm to commit to with plain git.
    static func clone(_ w: E2E.World) throws -> String {
        let path = w.env.root + "/realm-clone"
        _ = try w.env.gitOK("clone", "-q", w.realmGitDir, path, in: w.env.root)
        return path
    }

    static func checkRealm(_ w: E2E.World, in dir: String, _ extra: String...) throws -> (TestEnvironment.Result, [String: Any]) {
        let r = try w.env.run("git", ["realm", "check", "--realm", "--json"] + extra, in: dir)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        return (r, doc)
    }

    static func message(_ f: [String: Any]?) -> String { f?["message"] as? String ?? "" }

    static func findings(_ doc: [String: Any]) -> [[String: Any]] { doc["findings"] as? [[String: Any]] ?? [] }

    static func rewrite(_ path: String, _ transform: (String) -> String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = transform(text)
        #expect(changed != text, "nothing changed in \(path):\n\(text)")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func cleanHistoryThenAWrongBumpAndAMixedCommitPushedWithPlainGit() throws {
        let w = try E2E.world("realm-history")
        try E2E.twoDomains(w)
        // The tools' own commits keep every rule, in the bare realm and in a clone.
        let (clean, doc) = try Self.checkRealm(w, in: w.realmGitDir)
        #expect(clean.code == 0, "\(clean)")
        #expect(Self.findings(doc).isEmpty)
        #expect((doc["commits"] as? [Any])?.count ?? 0 >= 5, "\(doc)")
        let clone = try Self.clone(w)
        let text = try w.env.run("git", ["realm", "check", "--realm"], in: clone)
        #expect(text.code == 0 && text.stdout.contains("plain git cannot say who pushed"), "\(text)")

        // A breaking change (object → string) published as a minor version, with plain git.
        let contract = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        try Self.rewrite(contract) { $0.replacingOccurrences(of: "type: object", with: "type: string").replacingOccurrences(of: "\"1.0.0\"", with: "\"1.1.0\"") }
        // value {} is no string: keep the value valid under the new schema.
        try Self.rewrite(contract) { $0.replacingOccurrences(of: "value: {}", with: "value: \"s3\"") }
        _ = try w.env.gitOK("commit", "-qam", "s3-permissions 1.1.0 by hand", in: clone)
        let wrongBump = try w.env.gitOK("rev-parse", "HEAD", in: clone).trimmingCharacters(in: .whitespacesAndNewlines)
        // One commit changing two repositories' files.
        try Self.rewrite(clone + "/domains/training-pipeline/bindings/ml-infra.yaml") { $0.replacingOccurrences(of: "<2.0.0", with: "<3.0.0") }
        try Self.rewrite(clone + "/repos/aperture.yaml") { $0 + "org: someone\n" }
        _ = try w.env.gitOK("commit", "-qam", "two repositories at once", in: clone)
        let mixed = try w.env.gitOK("rev-parse", "HEAD", in: clone).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try w.env.gitOK("push", "-q", "origin", "HEAD:main", in: clone)

        let (bad, badDoc) = try Self.checkRealm(w, in: w.realmGitDir)
        #expect(bad.code == 1, "\(bad)")
        let found = Self.findings(badDoc)
        #expect(found.count == 2, "\(found)")
        let bump = found.first { $0["rule"] as? String == "version-step" }
        #expect(bump?["commit"] as? String == wrongBump, "\(found)")
        #expect(bump?["file"] as? String == "domains/s3-access/contracts/s3-permissions.yaml")
        #expect(Self.message(bump).contains("minor bump, but the change needs a major one"), "\(found)")
        let split = found.first { $0["rule"] as? String == "one-repository" }
        #expect(split?["commit"] as? String == mixed, "\(found)")
        #expect(Self.message(split).contains("aperture (repos/aperture.yaml)") == true, "\(found)")
        #expect(Self.message(split).contains("ml-infra (domains/training-pipeline/bindings/ml-infra.yaml)") == true, "\(found)")

        // A range: only the commit after the wrong bump.
        let (ranged, rangedDoc) = try Self.checkRealm(w, in: clone, "--range", "\(wrongBump)..\(mixed)")
        #expect(ranged.code == 1 && Self.findings(rangedDoc).count == 1 && (rangedDoc["commits"] as? [String]) == [mixed], "\(ranged)")
        // Text names the commit, the file and what to do.
        let shown = try w.env.run("git", ["realm", "check", "--realm"], in: w.realmGitDir)
        #expect(shown.stdout.contains(String(wrongBump.prefix(12))) && shown.stdout.contains("hint:") && shown.stdout.contains("2 errors"), "\(shown)")
        // A member repository is no realm; its fetched realm is.
        let member = try w.env.run("git", ["realm", "check", "--realm"], in: w.members["aperture"]!)
        #expect(member.code == 4 && member.stderr.contains("it is not a realm repository"), "\(member)")
        _ = try w.ok("aperture", "fetch")
        let (fetched, fetchedDoc) = try Self.checkRealm(w, in: w.members["aperture"]!, "--range", "refs/realm/letemcook/fetched")
        #expect(fetched.code == 1 && Self.findings(fetchedDoc).count == 2, "\(fetched)")
        // Not a commit.
        let typo = try w.env.run("git", ["realm", "check", "--realm", "--range", "nosuch..HEAD"], in: clone)
        #expect(typo.code == 64 && typo.stderr.contains("--range nosuch"), "\(typo)")
    }

    /// Signing keys and a signing configuration for one maintainer key.
    static func key(_ w: E2E.World, _ name: String) throws -> (file: String, pub: String) {
        let file = w.env.root + "/keys/\(name)"
        try FileManager.default.createDirectory(atPath: w.env.root + "/keys", withIntermediateDirectories: true)
        let r = try w.env.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file])
        #expect(r.code == 0, "\(r)")
        return (file, try String(contentsOfFile: file + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func signedCommit(_ w: E2E.World, _ clone: String, key: String?, _ message: String) throws -> String {
        var args = ["-c", "gpg.format=ssh"]
        if let key { args += ["-c", "user.signingkey=\(key)", "commit", "-S", "-qam", message] } else { args += ["commit", "-qam", message] }
        let r = try w.env.run("git", args, in: clone)
        #expect(r.code == 0, "\(r)")
        return try w.env.gitOK("rev-parse", "HEAD", in: clone).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A clone of the realm where aperture and fungal list their maintainers' keys, each in its own
    /// signed commit, then the realm asks for signatures (`turnedOn`, signed by aperture's key).
    static func signedRealm(_ w: E2E.World) throws -> (clone: String, aperture: (file: String, pub: String), fungal: (file: String, pub: String), turnedOn: String) {
        let clone = try Self.clone(w)
        let aperture = try Self.key(w, "aperture-key"), fungal = try Self.key(w, "fungal-key")
        try Self.rewrite(clone + "/repos/aperture.yaml") { $0 + "signing_keys:\n- maintainer: test@example.com\n  key: \"\(aperture.pub)\"\n" }
        _ = try Self.signedCommit(w, clone, key: aperture.file, "aperture's key")
        try Self.rewrite(clone + "/repos/fungal.yaml") { $0 + "signing_keys:\n- maintainer: test@example.com\n  key: \"\(fungal.pub)\"\n" }
        _ = try Self.signedCommit(w, clone, key: fungal.file, "fungal's key")
        try Self.rewrite(clone + "/realm.yaml") { $0.replacingOccurrences(of: "require_signed_commits: false", with: "require_signed_commits: true") }
        return (clone, aperture, fungal, try Self.signedCommit(w, clone, key: aperture.file, "signatures required"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen"), "needs ssh-keygen"))
    func signedCommitsOfAnotherRepositorysMaintainerAreRefused() throws {
        let w = try E2E.world("realm-signed")
        try E2E.twoDomains(w)
        let (clone, aperture, fungal, turnedOn) = try Self.signedRealm(w)

        // fungal's maintainer changes aperture's contract (a compatible patch-sized change: its description).
        let contract = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        try Self.rewrite(contract) { $0.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0.1\"") }
        let byFungal = try Self.signedCommit(w, clone, key: fungal.file, "aperture's contract, signed by fungal")
        try Self.rewrite(contract) { $0.replacingOccurrences(of: "\"1.0.1\"", with: "\"1.0.2\"") }
        let unsigned = try Self.signedCommit(w, clone, key: nil, "unsigned")
        try Self.rewrite(contract) { $0.replacingOccurrences(of: "\"1.0.2\"", with: "\"1.0.3\"") }
        let byAperture = try Self.signedCommit(w, clone, key: aperture.file, "aperture's contract, signed by aperture")

        let (r, doc) = try Self.checkRealm(w, in: clone, "--range", "\(turnedOn)~1..HEAD")
        #expect(r.code == 1, "\(r)")
        #expect(doc["signedCommitsRequired"] as? Bool == true || doc["signed_commits_required"] as? Bool == true, "\(doc)")
        let found = Self.findings(doc)
        #expect(found.allSatisfy { $0["rule"] as? String == "signature" }, "\(found)")
        #expect(Set(found.compactMap { $0["commit"] as? String }) == [byFungal, unsigned], "\(found)")
        #expect(!found.contains { $0["commit"] as? String == byAperture || $0["commit"] as? String == turnedOn })
        let fungalFinding = found.first { $0["commit"] as? String == byFungal }
        #expect(Self.message(fungalFinding).contains("not by a key of a maintainer of aperture"), "\(found)")
        #expect(Self.message(found.first { $0["commit"] as? String == unsigned }).contains("is not signed"), "\(found)")
    }

    @Test func aSigningKeyThatCouldAddOptionsIsRefused() throws {
        for bad in ["ssh-ed25519 AAAA\" cert-authority", "cert-authority ssh-ed25519 AAAAC3", "ssh-ed25519"] {
            let text = "name: aperture\nmaintainers:\n- a@example.com\nsigning_keys:\n- maintainer: a@example.com\n  key: '\(bad)'\n"
            #expect(throws: (any Error).self, "\(bad)") { try RepoRecord.parse(text, file: "repos/aperture.yaml") }
        }
        let pattern = "name: aperture\nmaintainers:\n- '*'\nsigning_keys:\n- maintainer: '*'\n  key: 'ssh-ed25519 AAAAC3Nza'\n"
        #expect(throws: (any Error).self) { try RepoRecord.parse(pattern, file: "repos/aperture.yaml") }
        let stranger = "name: aperture\nmaintainers:\n- a@example.com\nsigning_keys:\n- maintainer: b@example.com\n  key: 'ssh-ed25519 AAAAC3Nza'\n"
        #expect(throws: (any Error).self) { try RepoRecord.parse(stranger, file: "repos/aperture.yaml") }
        let good = "name: aperture\nmaintainers:\n- a@example.com\nsigning_keys:\n- maintainer: a@example.com\n  key: 'ssh-ed25519 AAAAC3Nza me@host'\n"
        #expect(try RepoRecord.parse(good, file: "repos/aperture.yaml").signingKeys.count == 1)
    }
}
