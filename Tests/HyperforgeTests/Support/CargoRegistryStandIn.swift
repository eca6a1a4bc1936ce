import Foundation
import Testing

/// The stand-in Cargo registry (Tests/Fixtures/registry-standins/cargo_registry.py): the
/// sparse index and the web API's publish endpoint as the Cargo book
/// documents them, with token authentication, on loopback; every request
/// logged (method, path, status, whether its token was valid).
final class CargoRegistryStandIn: @unchecked Sendable {
    let root: String
    let port: Int
    private let pid: pid_t

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && cargo != nil
    }
    /// The real cargo (rustup's proxy; its home given as RUSTUP_HOME, since tests change HOME).
    static let cargo: String? = {
        let path = NSHomeDirectory() + "/.cargo/bin/cargo"
        return FileManager.default.isExecutableFile(atPath: path) ? path : Spawn.find("cargo", path: ProcessInfo.processInfo.environment["PATH"] ?? "")
    }()

    init(in env: TestEnvironment, tokens: [String]) throws {
        root = env.root + "/cargo-registry-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let config: [String: Any] = ["root": root, "tokens": tokens, "port_file": root + "/port"]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: root + "/config.json"))
        pid = try Spawn.start(["/usr/bin/python3", ForgeStandIn.fixtures + "/registry-standins/cargo_registry.py", root + "/config.json"],
                              environment: env.environment, logFile: root + "/stderr")
        let found = Spawn.port(in: root + "/port", of: pid)
        guard let found else { throw SSHServerError.setup("cargo registry stand-in did not start: \((try? String(contentsOfFile: root + "/stderr", encoding: .utf8)) ?? "")") }
        port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var index: String { "sparse+http://127.0.0.1:\(port)/index/" }

    /// Points `env`'s cargo at this registry, named `local` (its own
    /// CARGO_HOME and target directory, rustup's home kept, no colour), and
    /// writes `auth` as the user's auth.toml (the account for `local`).
    func configure(_ env: TestEnvironment, auth: String = "[registries.cargo.local]\nuser = \"alice\"\n") throws {
        env.environment["CARGO_HOME"] = env.root + "/cargo-home"
        env.environment["CARGO_TARGET_DIR"] = env.root + "/target"
        env.environment["RUSTUP_HOME"] = ProcessInfo.processInfo.environment["RUSTUP_HOME"] ?? NSHomeDirectory() + "/.rustup"
        env.environment["CARGO_TERM_COLOR"] = "never"
        env.environment["CARGO_NET_OFFLINE"] = "false"
        try env.write("[registries.local]\nindex = \"\(index)\"\n", to: "cargo-home/config.toml")
        try env.write(auth, to: "home/.config/hyperforge/auth.toml")
    }

    struct Request { var method: String; var path: String; var status: Int; var authorized: Bool }

    var requests: [Request] {
        let text = (try? String(contentsOfFile: root + "/requests.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: o["method"] as? String ?? "", path: o["path"] as? String ?? "", status: o["status"] as? Int ?? 0, authorized: o["authorized"] as? Bool ?? false)
        }
    }

    /// Accepted uploads.
    var publishes: [Request] { requests.filter { $0.method == "PUT" && $0.status == 200 } }

    /// The versions the index lists for `crate`.
    func versions(of crate: String) -> [String] {
        let n = crate.lowercased()
        let rel = n.count <= 2 ? "\(n.count)/\(n)" : n.count == 3 ? "3/\(n.prefix(1))/\(n)" : "\(n.prefix(2))/\(n.dropFirst(2).prefix(2))/\(n)"
        let text = (try? String(contentsOfFile: root + "/index/" + rel, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["vers"] as? String
        }
    }
}
