import Foundation
import Testing

/// The stand-in npm registry (Tests/Fixtures/registry-standins/npm_registry.py): the
/// packument (GET /{package}), the publish (PUT /{package} with the
/// tarball attached, Bearer token, 403 on a wrong token or a republished
/// version) and the tarball, on loopback; every request logged (method,
/// path, status, whether its token was valid, a publish's versions).
final class NpmRegistryStandIn: @unchecked Sendable {
    let root: String
    let port: Int
    private let pid: pid_t

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && npm != nil
    }
    static let npm: String? = Spawn.find("npm", path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

    /// `tokens`: valid token -> account.
    init(in env: TestEnvironment, tokens: [String: String]) throws {
        root = env.root + "/npm-registry-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let config: [String: Any] = ["root": root, "tokens": tokens, "port_file": root + "/port"]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: root + "/config.json"))
        pid = try Spawn.start(["/usr/bin/python3", ForgeStandIn.fixtures + "/registry-standins/npm_registry.py", root + "/config.json"],
                              environment: env.environment, logFile: root + "/stderr")
        guard let found = Spawn.port(in: root + "/port", of: pid) else {
            throw SSHServerError.setup("npm registry stand-in did not start: \((try? String(contentsOfFile: root + "/stderr", encoding: .utf8)) ?? "")")
        }
        port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    struct Request { var method: String; var path: String; var status: Int; var authorized: Bool; var versions: [String] }

    var requests: [Request] {
        let text = (try? String(contentsOfFile: root + "/requests.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: o["method"] as? String ?? "", path: o["path"] as? String ?? "", status: o["status"] as? Int ?? 0,
                           authorized: o["authorized"] as? Bool ?? false, versions: o["versions"] as? [String] ?? [])
        }
    }

    /// Accepted publishes.
    var publishes: [Request] { requests.filter { $0.method == "PUT" && $0.status == 200 } }

    /// The versions the packument of `package` lists.
    func versions(of package: String) -> [String] {
        let file = root + "/packages/" + (package.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? package) + ".json"
        guard let data = FileManager.default.contents(atPath: file),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let versions = doc["versions"] as? [String: Any] else { return [] }
        return versions.keys.sorted()
    }

    /// The tarballs stored, by file name.
    var tarballs: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root + "/tarballs")) ?? []).sorted() }
}
