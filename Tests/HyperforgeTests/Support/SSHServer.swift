import Foundation
import Testing

/// A real `sshd` on loopback that plays two forges: connections to 127.0.0.2
/// are "forge A", to 127.0.0.3 "forge B"; each accepts only its own key
/// (`Match LocalAddress` with a different AuthorizedKeysFile) and serves bare
/// repositories from its own directory through a forced command, the way
/// hosted forges do.
final class SSHServer: @unchecked Sendable {
    struct Forge {
        let name: String
        let address: String
        let reposDirectory: String
        let privateKey: String
    }

    let directory: String
    let port: Int
    let user: String
    let forgeA: Forge
    let forgeB: Forge
    /// A client config that trusts this server's host key without touching ~/.ssh.
    let clientConfig: String
    private let pid: pid_t

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
    }

    init(in env: TestEnvironment) throws {
        let directory = env.root + "/sshd"
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let user = getuid() == 0 ? "root" : (ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
        self.user = user
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }

        func keygen(_ path: String) throws {
            let r = try env.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hforge-test", "-f", path])
            guard r.code == 0 else { throw SSHServerError.setup("ssh-keygen: \(r)") }
        }
        try keygen(directory + "/host_key")
        try keygen(directory + "/forge_a_key")
        try keygen(directory + "/forge_b_key")

        let shell = directory + "/forge-shell"
        try env.write("""
        #!/bin/sh
        # Forced command: serve only git, only below this forge's directory.
        root="$1"
        set -f
        set -- $SSH_ORIGINAL_COMMAND
        cmd="$1"
        path=$(printf '%s' "$2" | tr -d "'")
        path=${path#/}
        case "$cmd" in
          git-receive-pack|git-upload-pack|git-upload-archive) ;;
          *) echo "forge: only git is served here" >&2; exit 1 ;;
        esac
        exec "$cmd" "$root/$path"

        """, to: shell)
        chmod(shell, 0o755)

        func forge(_ name: String, _ address: String) throws -> Forge {
            let repos = directory + "/\(name)-repos"
            try FileManager.default.createDirectory(atPath: repos, withIntermediateDirectories: true)
            let pub = try String(contentsOfFile: directory + "/\(name)_key.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            try "command=\"\(shell) \(repos)\",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding \(pub)\n"
                .write(toFile: directory + "/\(name)_authorized_keys", atomically: true, encoding: .utf8)
            return Forge(name: name, address: address, reposDirectory: repos, privateKey: directory + "/\(name)_key")
        }
        let forgeA = try forge("forge_a", "127.0.0.2")
        let forgeB = try forge("forge_b", "127.0.0.3")
        self.forgeA = forgeA
        self.forgeB = forgeB

        let clientConfig = directory + "/ssh_config"
        self.clientConfig = clientConfig
        try """
        Host *
          StrictHostKeyChecking no
          UserKnownHostsFile /dev/null
          GlobalKnownHostsFile /dev/null
          BatchMode yes
          LogLevel ERROR
          IdentityAgent none
          ConnectTimeout 60

        """.write(toFile: clientConfig, atomically: true, encoding: .utf8)

        // Try a few ports: another test or process may hold one.
        var lastError = ""
        for attempt in 0..<20 {
            let port = 20000 + Int.random(in: 0..<30000)
            let config = directory + "/sshd_config"
            try """
            Port \(port)
            ListenAddress 127.0.0.2
            ListenAddress 127.0.0.3
            HostKey \(directory)/host_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile none
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            UsePAM no
            PermitRootLogin prohibit-password
            AllowUsers \(user)
            LogLevel VERBOSE
            Match LocalAddress 127.0.0.2
              AuthorizedKeysFile \(forgeA.reposDirectory)/../forge_a_authorized_keys
            Match LocalAddress 127.0.0.3
              AuthorizedKeysFile \(forgeB.reposDirectory)/../forge_b_authorized_keys

            """.write(toFile: config, atomically: true, encoding: .utf8)
            let p = try Spawn.start(["/usr/sbin/sshd", "-D", "-e", "-f", config], environment: env.environment,
                                    logFile: directory + "/sshd.log")
            // Wait until both addresses accept connections, or sshd died.
            var up = false
            var exited = false
            for _ in 0..<100 {
                if Spawn.hasExited(p) { exited = true; break }
                if SSHServer.canConnect("127.0.0.2", port) && SSHServer.canConnect("127.0.0.3", port) { up = true; break }
                usleep(50_000)
            }
            if up {
                self.port = port
                self.pid = p
                return
            }
            if !exited { kill(p, SIGTERM); _ = Spawn.wait(p) }
            lastError = (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
            _ = attempt
        }
        throw SSHServerError.setup("sshd did not start: \(lastError)")
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    /// Creates an empty bare repository `path` (e.g. `alice/tool.git`) on a forge.
    func createRepository(_ path: String, on forge: Forge, env: TestEnvironment) throws -> String {
        let full = forge.reposDirectory + "/" + path
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        try env.gitOK("init", "-q", "--bare", in: full)
        return full
    }

    /// The `[custom_forges.*]` tables declaring both forges, for defaults.toml.
    var customForgesTOML: String {
        """
        [custom_forges.forgea]
        kind = "forgejo"
        host = "127.0.0.2"
        ssh_port = \(port)
        ssh_user = "\(user)"

        [custom_forges.forgeb]
        kind = "gitea"
        host = "127.0.0.3"
        ssh_port = \(port)
        ssh_user = "\(user)"

        """
    }

    static func canConnect(_ host: String, _ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return r == 0
    }
}

enum SSHServerError: Error, CustomStringConvertible {
    case setup(String)
    var description: String { switch self { case .setup(let s): return s } }
}
