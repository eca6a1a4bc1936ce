import Foundation
import Testing

/// The real pypiserver (Tests/Fixtures/pypiserver-logged/serve.py runs its
/// WSGI app) on a free loopback port, with an htpasswd file written here
/// (passlib) so that uploads, downloads and listings need the token as the
/// password of `__token__`; every request logged (method, path, status).
final class PyPIServer: @unchecked Sendable {
    let root: String
    let port: UInt16
    private let pid: pid_t

    /// python3 on PATH with pypiserver, passlib, build, setuptools, wheel and
    /// twine importable (scripts/test.sh installs them).
    static let available: Bool = {
        guard let python = Spawn.find("python3", path: ProcessInfo.processInfo.environment["PATH"] ?? "") else { return false }
        let r = try? Spawn.run([python, "-c", "import pypiserver, passlib, build, setuptools, wheel, twine, pytest"], environment: ProcessInfo.processInfo.environment, directory: "/", input: nil)
        return r?.code == 0
    }()

    /// `authenticate`: the actions that need the token (pypiserver's -a).
    init(in env: TestEnvironment, token: String, authenticate: String = "update,download,list") throws {
        root = env.root + "/pypiserver-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: root + "/packages", withIntermediateDirectories: true)
        let python = Spawn.find("python3", path: env.environment["PATH"] ?? "") ?? "python3"
        let htpasswd = try Spawn.run([python, "-c", "import sys; from passlib.apache import HtpasswdFile as H; h = H(sys.argv[1], new=True); h.set_password('__token__', sys.stdin.read()); h.save()", root + "/htpasswd"],
                                     environment: env.environment, directory: root, input: Data(token.utf8))
        guard htpasswd.code == 0 else { throw SSHServerError.setup("htpasswd: \(htpasswd)") }
        port = TestEnvironment.freeTCPPort()
        pid = try Spawn.start([python, ForgeStandIn.fixtures + "/pypiserver-logged/serve.py", root + "/packages", root + "/htpasswd", String(port), root + "/requests.log", authenticate],
                              environment: env.environment, logFile: root + "/log")
        // Ready once it says it listens (printed after the socket is bound).
        let deadline = Date().addingTimeInterval(90)
        var ready = false
        while Date() < deadline {
            if let t = try? String(contentsOfFile: root + "/log", encoding: .utf8), t.contains("listening") { ready = true; break }
            if Spawn.hasExited(pid) { break }
            usleep(20_000)
        }
        guard ready else { throw SSHServerError.setup("pypiserver did not start: \((try? String(contentsOfFile: root + "/log", encoding: .utf8)) ?? "")") }
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    struct Request { var method: String; var path: String; var status: Int }

    var requests: [Request] {
        let text = (try? String(contentsOfFile: root + "/requests.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: o["method"] as? String ?? "", path: o["path"] as? String ?? "", status: o["status"] as? Int ?? 0)
        }
    }

    /// Accepted uploads (one per distribution file).
    var uploads: [Request] { requests.filter { $0.method == "POST" && $0.status == 200 } }

    /// The distribution files the server holds.
    var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root + "/packages")) ?? []).sorted() }
}
