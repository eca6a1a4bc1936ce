import Foundation
import Testing

/// Push over real SSH: one sshd on loopback plays two forges, each accepting
/// only its own key. One repository pushes to both, each with its own key.
@Suite(.enabled(if: SSHServer.isAvailable, "needs openssh-server (sshd)"))
struct PushOverSSHTests {
    /// A repository configured for both test forges, with each forge's key.
    func setUp(_ env: TestEnvironment, _ server: SSHServer, keys: (String, String)? = nil) throws -> String {
        try env.write("org = \"alice\"\n\n" + server.customForgesTOML, to: "projects/.hyperforge/defaults.toml")
        // ssh is pointed at a client config that trusts the test host key;
        // ~/.ssh/config is never touched.
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "hforge.sshProgram", "ssh -F \(server.clientConfig)", in: env.root)
        let repo = try env.makeRepository("projects/tool")
        let (a, b) = keys ?? (server.forgeA.privateKey, server.forgeB.privateKey)
        let r = try env.git("hforge", "init", "--forges", "forgea,forgeb", "--ssh", "forgea=\(a)", "--ssh", "forgeb=\(b)", in: repo)
        #expect(r.code == 0, "\(r)")
        return repo
    }

    /// The SHA256 fingerprint sshd logs when it accepts `key`.
    func fingerprint(_ key: String, _ env: TestEnvironment) throws -> String {
        let out = try env.run("ssh-keygen", ["-l", "-E", "sha256", "-f", key + ".pub"]).stdout
        return String(out.split(separator: " ")[1])
    }

    @Test func pushesToBothForgesEachWithItsOwnKey() throws {
        let env = try TestEnvironment("push")
        let server = try SSHServer(in: env)
        let bareA = try server.createRepository("alice/tool.git", on: server.forgeA, env: env)
        let bareB = try server.createRepository("alice/tool.git", on: server.forgeB, env: env)
        let repo = try setUp(env, server)
        #expect(try env.gitOK("remote", "get-url", "forgea", in: repo) == "ssh://\(server.user)@127.0.0.2:\(server.port)/alice/tool.git\n")
        try env.gitOK("tag", "v1.0.0", in: repo)

        let r = try env.git("hforge", "push", "--tags", in: repo)
        #expect(r.code == 0, "\(r)\nsshd log:\n\((try? String(contentsOfFile: server.directory + "/sshd.log", encoding: .utf8)) ?? "")")
        #expect(r.stdout.contains("forgea") && r.stdout.contains("forgeb"))
        let head = try env.gitOK("rev-parse", "HEAD", in: repo)
        #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bareA) == head)
        #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bareB) == head)
        #expect(try env.gitOK("tag", in: bareB) == "v1.0.0\n")

        // Each push was authenticated with that forge's own key.
        let log = try String(contentsOfFile: server.directory + "/sshd.log", encoding: .utf8)
        #expect(log.contains("Accepted publickey for \(server.user) from 127.0.0.1"))
        #expect(log.contains(try fingerprint(server.forgeA.privateKey, env)))
        #expect(log.contains(try fingerprint(server.forgeB.privateKey, env)))

        // Status after a fetch: both forges up to date.
        try env.gitOK("fetch", "-q", "forgea", in: repo)
        let status = try env.git("hforge", "status", in: repo)
        #expect(status.stdout.contains("up to date"), "\(status)")

        // A second push is a no-op on both.
        let again = try env.git("hforge", "push", in: repo)
        #expect(again.code == 0 && again.stdout.contains("up to date"), "\(again)")
    }

    @Test func eachForgeRefusesTheOtherForgesKey() throws {
        let env = try TestEnvironment("push-swap")
        let server = try SSHServer(in: env)
        let bareA = try server.createRepository("alice/tool.git", on: server.forgeA, env: env)
        let bareB = try server.createRepository("alice/tool.git", on: server.forgeB, env: env)
        let repo = try setUp(env, server, keys: (server.forgeB.privateKey, server.forgeA.privateKey))
        let r = try env.git("hforge", "push", in: repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("push to forgea (remote 'forgea', ssh://"))
        #expect(r.stderr.contains("Permission denied (publickey)"))
        #expect(r.stderr.contains("not contacted: forgeb"))
        #expect(try env.git("rev-parse", "--verify", "-q", "refs/heads/main", in: bareA).code != 0)
        #expect(try env.git("rev-parse", "--verify", "-q", "refs/heads/main", in: bareB).code != 0)
    }

    @Test func firstForgeRejectingLeavesTheSecondUntouched() throws {
        let env = try TestEnvironment("push-stop")
        let server = try SSHServer(in: env)
        let bareA = try server.createRepository("alice/tool.git", on: server.forgeA, env: env)
        let bareB = try server.createRepository("alice/tool.git", on: server.forgeB, env: env)
        try env.write("#!/bin/sh\necho 'forge A: pushes are frozen' >&2\nexit 1\n", to: bareA + "/hooks/pre-receive")
        chmod(bareA + "/hooks/pre-receive", 0o755)
        let bBefore = try TestEnvironment.snapshot(bareB)
        let repo = try setUp(env, server)

        let r = try env.git("hforge", "push", in: repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("push to forgea"))
        #expect(r.stderr.contains("forge A: pushes are frozen"))
        #expect(r.stderr.contains("not contacted: forgeb"))
        #expect(try TestEnvironment.snapshot(bareB) == bBefore)
        let log = try String(contentsOfFile: server.directory + "/sshd.log", encoding: .utf8)
        #expect(log.contains(try fingerprint(server.forgeA.privateKey, env)))
        #expect(!log.contains(try fingerprint(server.forgeB.privateKey, env)), "forge B was contacted")
    }
}
