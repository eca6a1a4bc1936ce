import Foundation
import Testing

/// git's smart HTTP on loopback (`git http-backend` as CGI) behind a server
/// that demands a token with HTTP Basic authentication, like a forge does.
/// Every authorisation it sees is logged (user and whether the token was
/// right) so tests can tell where git's credentials came from.
final class SmartHTTPServer: @unchecked Sendable {
    let root: String
    let port: Int
    let log: String
    private let pid: pid_t

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") }

    /// `token`, and any of `otherTokens` (the tokens of other users), is accepted.
    init(in env: TestEnvironment, token: String, otherTokens: [String] = []) throws {
        root = env.root + "/http-repos"
        log = env.root + "/http.log"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let script = env.root + "/smart-http.py"
        try env.write(SmartHTTPServer.source, to: script)
        let portFile = env.root + "/http.port"
        var environment = env.environment
        environment["FORGE_TOKEN"] = ([token] + otherTokens).joined(separator: ",")
        pid = try Spawn.start(["/usr/bin/python3", script, root, portFile, log], environment: environment, logFile: env.root + "/http.stderr")
        var found: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                found = p
                break
            }
            if Spawn.hasExited(pid) { break }
            usleep(25_000)
        }
        guard let found else {
            kill(pid, SIGTERM)
            throw SSHServerError.setup("smart HTTP server did not start: \((try? String(contentsOfFile: env.root + "/http.stderr", encoding: .utf8)) ?? "")")
        }
        port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func createRepository(_ path: String, env: TestEnvironment) throws -> String {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        try env.gitOK("init", "-q", "--bare", in: full)
        try env.gitOK("config", "http.receivepack", "true", in: full)
        return full
    }

    var entries: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static let source = #"""
    import base64, os, subprocess, sys, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    root, port_file, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
    tokens = os.environ["FORGE_TOKEN"].split(",")
    lock = threading.Lock()

    def note(line):
        with lock, open(log_file, "a") as f:
            f.write(line + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

        def deny(self, reason):
            note("denied " + reason)
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test forge"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def handle_any(self):
            data = self.body() if self.command == "POST" else b""
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return self.deny("no-credentials " + self.path)
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if password not in tokens:
                return self.deny("wrong-token user=" + user)
            note("accepted user=" + user + " " + self.command + " " + self.path)
            path, _, query = self.path.partition("?")
            env = dict(os.environ)
            env.update({
                "GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
                "QUERY_STRING": query, "REQUEST_METHOD": self.command, "REMOTE_USER": user,
                "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(data)), "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            })
            out = subprocess.run(["git", "http-backend"], input=data, env=env, capture_output=True).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.decode().split("\r\n"):
                if not line:
                    continue
                key, _, value = line.partition(":")
                if key.lower() == "status":
                    status = int(value.strip().split()[0])
                else:
                    headers.append((key, value.strip()))
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = handle_any
        do_POST = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#
}
