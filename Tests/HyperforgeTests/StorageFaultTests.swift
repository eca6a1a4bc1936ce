import Foundation
import HyperforgeCore
import Testing

/// Writes where the disk says no: a state directory that cannot be
/// written, and a full file system. Each write fails with an error naming
/// the file and what to do, and nothing already stored is lost.
@Suite struct StorageFaultTests {
    static let scope = "git/github/alice/repo/tool/token"

    /// A test environment whose tools run as an unprivileged user: root
    /// ignores file modes, so as root (CI) every command runs as nobody
    /// through `setpriv`, with the test's HOME given to nobody. Nil (and the
    /// reason printed) when neither is possible.
    final class Unprivileged: @unchecked Sendable {
        let env: TestEnvironment
        let prefix: [String]

        init?(_ name: String) throws {
            env = try TestEnvironment(name)
            env.environment["HFORGE_COORDINATOR"] = "off"
            if geteuid() != 0 {
                prefix = []
                return
            }
            guard let setpriv = Spawn.find("setpriv", path: "/usr/bin:/bin:/usr/sbin:/sbin") else {
                print("skipped: running as root, which ignores file modes, and setpriv (util-linux) is not installed to run as nobody")
                return nil
            }
            prefix = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]
            // nobody owns the test's world (and can reach it: the temporary directory above is /tmp, 1777).
            chmod(env.root, 0o755)
            let chown = try Spawn.run(["chown", "-R", "65534:65534", env.root], environment: env.environment, directory: "/", input: nil)
            guard chown.code == 0 else {
                print("skipped: cannot give \(env.root) to nobody: \(String(decoding: chown.stderr, as: UTF8.self))")
                return nil
            }
        }

        @discardableResult
        func run(_ program: String, _ arguments: [String], in directory: String? = nil, input: String? = nil) throws -> TestEnvironment.Result {
            guard !prefix.isEmpty else { return try env.run(program, arguments, in: directory, input: input) }
            let resolved = program.contains("/") ? program : (Spawn.find(program, path: env.environment["PATH"] ?? "") ?? program)
            return try env.run(prefix[0], Array(prefix.dropFirst()) + [resolved] + arguments, in: directory, input: input)
        }
    }

    /// The state directory (grants) and the data directory (secrets) made
    /// read-only: every write fails naming the file and the directory, and
    /// once writable again everything is as it was.
    @Test func aReadOnlyStateDirectoryFailsClearlyAndLosesNothing() throws {
        guard let u = try Unprivileged("state-readonly") else { return }
        #expect(try u.run("git", ["scope", "set", Self.scope], input: "tok-1").code == 0)
        let got = try u.run("git", ["scope", "get", Self.scope])
        #expect(got.code == 0 && got.stdout == "tok-1\n", "\(got)")     // granted on first use: state.db written
        let state = u.env.home + "/.local/state/hyperforge", data = u.env.home + "/.local/share/hyperforge"
        let database = state + "/state.db"
        #expect(FileManager.default.fileExists(atPath: database))
        let before = try Data(contentsOf: URL(fileURLWithPath: database))

        for dir in [state, data] { #expect(try u.run("chmod", ["0500", dir]).code == 0) }
        let revoke = try u.run("git", ["scope", "revoke", Self.scope])
        #expect(revoke.code == 4, "\(revoke)")
        #expect(revoke.stderr.contains("error: \(database): ") && revoke.stderr.contains("(its directory \(state) cannot be written: permission denied)"), "\(revoke)")
        #expect(revoke.stderr.contains("hint: \(database) and its directory must be writable by you"), "\(revoke)")
        let set = try u.run("git", ["scope", "set", "git/github/alice/repo/other/token"], input: "tok-2")
        #expect(set.code == 4 && set.stderr.contains("\(data)/secrets") && set.stderr.contains("permission denied"), "\(set)")
        #expect(!set.stderr.contains("Error Domain") && !revoke.stderr.contains("Error Domain"))
        // Nothing was left in them either.
        let left = try FileManager.default.contentsOfDirectory(atPath: data)
        #expect(left.contains("secrets") && !left.contains { $0.hasSuffix(".tmp") }, "\(left)")

        for dir in [state, data] { #expect(try u.run("chmod", ["0700", dir]).code == 0) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        let grants = try u.run("git", ["scope", "grants"])
        #expect(grants.code == 0 && grants.stdout.contains(Self.scope), "\(grants)")
        let list = try u.run("git", ["scope", "list"])
        #expect(list.code == 0 && list.stdout.contains(Self.scope) && !list.stdout.contains("other"), "\(list)")
        let again = try u.run("git", ["scope", "get", Self.scope])
        #expect(again.code == 0 && again.stdout == "tok-1\n", "\(again)")
    }

    /// A small tmpfs, mounted by the test (as root; skipped with the reason
    /// otherwise), holding the state and data directories and a repository,
    /// then filled: writing a secret, a grant and a config.toml fails with
    /// an error that says the disk is full, and when space is back every
    /// stored secret, grant and setting is there as before.
    @Test func aFullDiskFailsClearlyAndLosesNothing() throws {
        let env = try TestEnvironment("disk-full")
        env.environment["HFORGE_COORDINATOR"] = "off"
        let disk = env.root + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try Spawn.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", disk], environment: env.environment,
                                  directory: "/", input: nil)
        guard mount.code == 0 else {
            print("skipped: cannot mount a tmpfs for the full-disk test (needs root with CAP_SYS_ADMIN): \(String(decoding: mount.stderr, as: UTF8.self))")
            return
        }
        defer { _ = try? Spawn.run(["umount", "-l", disk], environment: env.environment, directory: "/", input: nil) }
        env.environment["XDG_STATE_HOME"] = disk + "/state"
        env.environment["XDG_DATA_HOME"] = disk + "/data"
        for dir in ["state", "data"] { try FileManager.default.createDirectory(atPath: disk + "/" + dir, withIntermediateDirectories: true) }

        #expect(try env.run("git", ["scope", "set", Self.scope], input: "tok-1").code == 0)
        #expect(try env.run("git", ["scope", "get", Self.scope]).stdout == "tok-1\n")
        let repo = disk + "/tool"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try env.gitOK("init", "-q", in: repo)
        #expect(try env.run("git", ["hforge", "init", "--org", "alice", "--forges", "github"], in: repo).code == 0)
        let config = repo + "/.hyperforge/config.toml"
        let stored = try [config, disk + "/data/hyperforge/secrets"].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }

        // Fill it: 4 KiB blocks, then single bytes, until the file system says no.
        let filler = disk + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        var block = [UInt8](repeating: 0x5A, count: 4096)
        while write(fd, &block, block.count) > 0 {}
        while write(fd, &block, 1) > 0 {}
        #expect(errno == ENOSPC)
        close(fd)

        let set = try env.run("git", ["scope", "set", "git/github/alice/repo/other/token"], input: "tok-2")
        #expect(set.code == 4 && set.stderr.contains("\(disk)/data/hyperforge/secrets") && set.stderr.contains("no space left on device"), "\(set)")
        let reinit = try env.run("git", ["hforge", "init", "--force", "--org", "bob", "--forges", "github,codeberg"], in: repo)
        #expect(reinit.code == 4 && reinit.stderr.contains("cannot write \(config): no space left on device"), "\(reinit)")
        #expect(reinit.stderr.contains("hint: free some space on the file system holding \(config)"), "\(reinit)")
        let revoke = try env.run("git", ["scope", "revoke", Self.scope])
        #expect(revoke.code == 4 && revoke.stderr.contains("\(disk)/state/hyperforge/state.db"), "\(revoke)")
        #expect(revoke.stderr.contains("disk is full") || revoke.stderr.contains("no space left on device"), "\(revoke)")
        for r in [set, reinit, revoke] { #expect(!r.stderr.contains("Error Domain") && !r.stderr.contains("NSCocoaErrorDomain")) }
        // No temporary file was left beside what failed to be written.
        for dir in [repo + "/.hyperforge", disk + "/data/hyperforge"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        }

        try FileManager.default.removeItem(atPath: filler)
        #expect(try [config, disk + "/data/hyperforge/secrets"].map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == stored)
        let got = try env.run("git", ["scope", "get", Self.scope])
        #expect(got.code == 0 && got.stdout == "tok-1\n", "\(got)")
        let grants = try env.run("git", ["scope", "grants"])
        #expect(grants.code == 0 && grants.stdout.contains(Self.scope), "\(grants)")
        #expect(try env.run("git", ["hforge", "config"], in: repo).stdout.contains("alice"))
    }
}
