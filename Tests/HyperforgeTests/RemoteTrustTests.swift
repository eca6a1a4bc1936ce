import Foundation
import Testing

/// A forge that only a repository's committed config declares gets its
/// remotes but no request to its API (and so no token): the remote commands
/// refuse, `init --create`, `sync --create` and `status --remote` say so for
/// that forge. Proven with a listener at the forge's api_url that records
/// every connection: none arrives.
@Suite struct RemoteTrustTests {
    /// A TCP listener on loopback that counts the connections it accepts.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: Int
        private let lock = NSLock()
        private var accepted = 0
        private var thread: Thread?

        init() throws {
            let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) } }
            guard bound == 0, listen(sock, 16) == 0 else { throw SpawnError.failed("listen", errno) }
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
            port = Int(UInt16(bigEndian: addr.sin_port))
            fd = sock
        }

        /// Accepts (and closes) connections until the listener is closed.
        func start() -> Listener {
            let t = Thread { [unowned self] in
                while true {
                    let c = accept(self.fd, nil, nil)
                    if c < 0 { return }
                    self.lock.lock(); self.accepted += 1; self.lock.unlock()
                    close(c)
                }
            }
            thread = t
            t.start()
            return self
        }

        var connections: Int { lock.lock(); defer { lock.unlock() }; return accepted }

        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    func committedForgeRepository(_ env: TestEnvironment, apiPort: Int) throws -> String {
        let repo = try env.makeRepository("tool")
        try env.write("""
        forges = ["theirs"]
        org = "alice"
        protocol = "https"

        [custom_forges.theirs]
        kind = "gitea"
        host = "127.0.0.1"
        web_url = "http://127.0.0.1:\(apiPort)"
        api_url = "http://127.0.0.1:\(apiPort)/api/v1"

        """, to: "tool/.hyperforge/config.toml")
        #expect(try env.run("git", ["scope", "set", "git/theirs/alice/repo/tool/token"], input: "secret-Zz9").code == 0)
        return repo
    }

    @Test func committedConfigsForgeGetsNoRequest() throws {
        let env = try TestEnvironment("remote-trust")
        let listener = try Listener().start()
        let repo = try committedForgeRepository(env, apiPort: listener.port)

        let create = try env.git("hforge", "remote", "theirs", "create", in: repo)
        #expect(create.code == 2, "\(create)")
        #expect(create.stderr.contains("forge theirs is declared only by a repository's committed config"), "\(create)")
        #expect(create.stderr.contains("hint: declare [custom_forges.theirs] in your "), "\(create)")

        let initialise = try env.git("hforge", "sync", "--create", in: repo)
        #expect(initialise.code == 0, "\(initialise)")
        #expect(initialise.stdout.contains("theirs is declared only by a repository's committed config"), "\(initialise)")
        #expect(try env.gitOK("remote", "get-url", "theirs", in: repo) == "http://127.0.0.1:\(listener.port)/alice/tool.git\n")

        let sync = try env.git("hforge", "sync", "--create", "--dry-run", in: repo)
        #expect(sync.code == 0 && sync.stdout.contains("no request is sent to its API"), "\(sync)")

        let status = try env.git("hforge", "status", "--remote", "--json", in: repo)
        #expect(status.code == 0, "\(status)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let forge = try #require((doc["forges"] as? [[String: Any]])?.first)
        let remote = try #require(forge["remote"] as? [String: Any], "\(forge)")
        #expect(remote["exists"] is NSNull && (remote["problem"] as? String)?.contains("not asked") == true, "\(remote)")
        #expect(doc["in_sync"] as? Bool == false)

        for r in [create, initialise, sync, status] { #expect(!r.stdout.contains("secret-Zz9") && !r.stderr.contains("secret-Zz9")) }
        #expect(listener.connections == 0, "the committed config's forge was contacted")
    }

    @Test func listAndPullRefuseAForgeOnlyCommittedConfigDeclares() throws {
        let env = try TestEnvironment("remote-trust-list")
        let listener = try Listener().start()
        // A defaults.toml that a repository tracks is committed config too.
        let outer = try env.makeRepository("outer")
        try env.write("""
        [custom_forges.theirs]
        kind = "github"
        host = "127.0.0.1"
        api_url = "http://127.0.0.1:\(listener.port)/api/v3"

        """, to: "outer/.hyperforge/defaults.toml")
        try env.gitOK("add", ".hyperforge/defaults.toml", in: outer)
        try env.gitOK("commit", "-q", "-m", "defaults", in: outer)
        #expect(try env.run("git", ["scope", "set", "git/theirs/alice/token"], input: "secret-Zz9").code == 0)
        for args in [["list", "--org", "alice"], ["pull", "--org", "alice", "--all", "--yes"]] {
            let r = try env.run("git", ["hforge", "remote", "theirs"] + args + ["--path", outer], in: outer)
            #expect(r.code == 2, "\(args): \(r)")
            #expect(r.stderr.contains("declared only in a repository's committed config"), "\(r)")
            #expect(!r.stderr.contains("secret-Zz9"))
        }
        #expect(!FileManager.default.fileExists(atPath: outer + "/.hyperforge/config.toml"))
        #expect(listener.connections == 0, "the committed config's forge was contacted")
    }
}
