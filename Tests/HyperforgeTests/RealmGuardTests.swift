import Foundation
import HyperforgeCore
import Testing

/// `git realm admin guard install`: the realm's rules enforced by the realm
/// repository itself (a pre-receive hook), for pushes made with plain git,
/// locally and over the tests' sshd; a CI workflow for a forge-hosted realm.
@Suite struct RealmGuardTests {
    typealias E2E = RealmEndToEndTests

    /// A breaking change published as a minor version, committed with plain git in `clone`.
    static func commitWrongBump(_ env: TestEnvironment, _ clone: String) throws {
        let path = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "type: object", with: "type: string").replacingOccurrences(of: "\"1.0.0\"", with: "\"1.1.0\"")
            .replacingOccurrences(of: "value: {}", with: "value: \"s3\"")
        #expect(changed != text)
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try env.gitOK("commit", "-qam", "s3-permissions 1.1.0 by hand", in: clone)
    }

    /// A change the rules allow: aperture's contract, one patch up, nothing else.
    static func commitGoodChange(_ env: TestEnvironment, _ clone: String) throws {
        let path = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0.1\"").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try env.gitOK("commit", "-qam", "s3-permissions 1.0.1", in: clone)
    }

    static func tree(_ path: String) throws -> [String: Data] { try TestEnvironment.snapshot(path) }

    @Test func theHookRefusesAPushThatBreaksTheRealmAndTakesOneThatKeepsIt() throws {
        let w = try E2E.world("realm-guard")
        try E2E.twoDomains(w)
        let hooks = w.realmGitDir + "/hooks"
        let before = try Self.tree(w.realmGitDir)

        // Dry runs: the same bytes twice, nothing changed.
        let dry1 = try w.ok("aperture", "admin", "guard", "install", "--dry-run")
        let dry2 = try w.ok("aperture", "admin", "guard", "install", "--dry-run")
        #expect(dry1 == dry2 && dry1.contains("Would write \(hooks)/pre-receive") && dry1.contains("realm check --realm --pre-receive"), "\(dry1)")
        #expect(try Self.tree(w.realmGitDir) == before)

        let installed = try w.ok("aperture", "admin", "guard", "install")
        #expect(installed.contains("pre-receive: installed"), "\(installed)")
        let hook = try String(contentsOfFile: hooks + "/pre-receive", encoding: .utf8)
        #expect(hook.contains("# git-realm guard") && hook.contains("exec '/"), "\(hook)")
        var st = stat()
        #expect(stat(hooks + "/pre-receive", &st) == 0 && st.st_mode & 0o777 == 0o755)
        #expect(try w.ok("aperture", "admin", "guard", "install").contains("already installed"))

        // A wrong bump pushed with plain git is refused, with the finding.
        let clone = w.env.root + "/realm-clone"
        _ = try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        let tip = try w.tip()
        try Self.commitWrongBump(w.env, clone)
        let refused = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(refused.code != 0, "\(refused)")
        #expect(refused.stderr.contains("pre-receive hook declined") && refused.stderr.contains("[version-step]")
                && refused.stderr.contains("minor bump, but the change needs a major one"), "\(refused)")
        #expect(try w.tip() == tip)

        // A change that keeps the rules goes through; so do the tools' own writes.
        _ = try w.env.gitOK("reset", "-q", "--hard", "origin/main", in: clone)
        try Self.commitGoodChange(w.env, clone)
        let taken = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(taken.code == 0, "\(taken)")
        #expect(try w.tip() != tip)
        let contract = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
        try w.env.write(contract.replacingOccurrences(of: "\"1.0.1\"", with: "\"1.0.2\""), to: "publish.yaml")
        try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/publish.yaml", "--domain", "s3-access")

        // Deleting the realm's branch is refused too.
        let deleted = try w.env.git("push", "origin", ":main", in: clone)
        #expect(deleted.code != 0 && deleted.stderr.contains("deleting the realm's branch main is refused"), "\(deleted)")
    }

    /// The contract s3-permissions with a schema for `bucket` and `value` as its value, at `version`.
    static func contract(version: String, value: String) -> String {
        """
        name: s3-permissions
        version: "\(version)"
        owner: aperture
        compatibility:
          backwards: true
          forwards: false
        schema:
          type: object
          properties:
            bucket:
              type: string
        value:
          \(value)

        """
    }

    @Test func theHookRefusesAContractWhoseValueBreaksItsSchema() throws {
        let w = try E2E.world("realm-guard-value")
        try E2E.twoDomains(w)
        try w.ok("aperture", "admin", "guard", "install")
        let clone = w.env.root + "/realm-clone"
        _ = try w.env.gitOK("clone", "-q", w.realmGitDir, clone, in: w.env.root)
        let path = clone + "/domains/s3-access/contracts/s3-permissions.yaml"
        // A schema for bucket, its value fitting it, one minor up: taken.
        try Self.contract(version: "1.1.0", value: "bucket: data").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try w.env.gitOK("commit", "-qam", "s3-permissions 1.1.0: bucket", in: clone)
        let taken = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(taken.code == 0, "\(taken)")
        let tip = try w.tip()

        // A value that does not fit (bucket: 5, on line 13): refused, with file:line and the pointer.
        try Self.contract(version: "1.1.1", value: "bucket: 5").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try w.env.gitOK("commit", "-qam", "s3-permissions 1.1.1", in: clone)
        let refused = try w.env.git("push", "origin", "HEAD:main", in: clone)
        #expect(refused.code != 0 && refused.stderr.contains("pre-receive hook declined") && refused.stderr.contains("[value]")
                && refused.stderr.contains("domains/s3-access/contracts/s3-permissions.yaml:13: /value/bucket: the value does not fit the contract's schema"), "\(refused)")
        #expect(try w.tip() == tip)

        // check --realm in the clone says the same, as data.
        let checked = try w.env.run("git", ["realm", "check", "--realm", "--json", "--range", "origin/main..HEAD"], in: clone)
        #expect(checked.code == 1, "\(checked)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
        let findings = doc["findings"] as? [[String: Any]] ?? []
        #expect(findings.count == 1 && findings.first?["rule"] as? String == "value" && findings.first?["line"] as? Int == 13
                && findings.first?["pointer"] as? String == "/value/bucket", "\(doc)")
    }

    @Test func aPreReceiveHookOfSomeoneElseIsNeverReplaced() throws {
        let w = try E2E.world("realm-guard-foreign")
        try E2E.twoDomains(w)
        let hook = w.realmGitDir + "/hooks/pre-receive"
        try TestEnvironment.writeExecutable("#!/bin/sh\nexit 0\n", to: hook)
        let r = try w.run("aperture", "admin", "guard", "install")
        #expect(r.code == 2 && r.stderr.contains("already exists and was not written by git realm") && r.stderr.contains("hint:"), "\(r)")
        #expect(try String(contentsOfFile: hook, encoding: .utf8) == "#!/bin/sh\nexit 0\n")
    }
}

/// The guard of a realm served over ssh: the hook in the served bare
/// repository refuses a push made over ssh; a forge-hosted realm (the sshd's
/// forge declared as a Forgejo in auth.toml) gets a CI workflow instead.
@Suite(.enabled(if: SSHServer.isAvailable, "needs openssh-server (sshd)"))
struct RealmGuardOverSSHTests {
    @Test func hookOverSSHAndAWorkflowForAForgeHostedRealm() throws {
        let (w, server, url) = try RealmOverSSHTests.world("realm-guard-ssh")
        let env = w.env, bare = w.realmGitDir

        // The realm's host is a forge this machine knows (auth.toml): a Forgejo Actions workflow.
        try env.write(server.customForgesTOML, to: "home/.config/hyperforge/auth.toml")
        let dry = try w.ok("aperture", "admin", "guard", "install", "--dry-run")
        #expect(dry.contains("create .forgejo/workflows/realm-check.yml") && dry.contains("branch protection"), "\(dry)")
        let ci = try w.ok("aperture", "admin", "guard", "install")
        #expect(ci.contains("Created .forgejo/workflows/realm-check.yml") && ci.contains("require \"realm-check"), "\(ci)")
        let workflow = try w.show(".forgejo/workflows/realm-check.yml")
        #expect(workflow.contains("git realm check --realm") && workflow.contains("pull_request_target:")
                && !workflow.contains("  pull_request:") && workflow.contains("ref: ${{ github.event.pull_request.head.sha || github.sha }}"), "\(workflow)")
        // The realm still reads, and its history still keeps the rules.
        #expect(try w.status("fungal")["realm"] as? String == "letemcook")
        let history = try env.run("git", ["realm", "check", "--realm"], in: bare)
        #expect(history.code == 0, "\(history)")

        // On the machine that serves it, by path: the hook, which refuses a push over ssh.
        let installed = try env.run("git", ["realm", "admin", "guard", "install", "--realm", bare], in: env.root)
        #expect(installed.code == 0 && installed.stdout.contains("pre-receive: installed"), "\(installed)")
        let clone = env.root + "/realm-clone"
        _ = try env.gitOK("clone", "-q", url, clone, in: env.root)
        let tip = try w.tip()
        try RealmGuardTests.commitWrongBump(env, clone)
        let refused = try env.git("push", "origin", "HEAD:main", in: clone)
        #expect(refused.code != 0 && refused.stderr.contains("[version-step]"), "\(refused)\nsshd: \((try? String(contentsOfFile: server.directory + "/sshd.log", encoding: .utf8)) ?? "")")
        #expect(try w.tip() == tip)
    }
}
