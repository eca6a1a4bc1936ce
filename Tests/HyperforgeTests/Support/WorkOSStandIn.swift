import Foundation
import Testing

/// A stand-in for WorkOS Vault's REST API (the real one is out of reach
/// here), following its public reference: Bearer API keys; objects under
/// /vault/v1/kv (create with name, value and key_context; read by name or
/// id; update; delete; list with `limit`/`after` cursors and
/// `list_metadata`); JSON error bodies with a `message`.
final class WorkOSStandIn: @unchecked Sendable {
    let port: Int
    let log: String
    private let pid: pid_t

    init(in env: TestEnvironment, apiKey: String, seed: Int = 0) throws {
        log = env.root + "/workos.log"
        let script = env.root + "/workos.py"
        try env.write(WorkOSStandIn.source, to: script)
        let portFile = env.root + "/workos.port"
        var environment = env.environment
        environment["STANDIN_API_KEY"] = apiKey
        environment["STANDIN_SEED"] = "\(seed)"
        pid = try Spawn.start(["/usr/bin/python3", script, portFile, log], environment: environment, logFile: env.root + "/workos.stderr")
        var found: Int?
        for _ in 0..<200 {
            if let t = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(t) { found = p; break }
            if Spawn.hasExited(pid) { break }
            usleep(25_000)
        }
        guard let found else { throw SSHServerError.setup("WorkOS stand-in did not start") }
        port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var entries: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    static let source = #"""
    import json, os, sys, threading, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlparse, parse_qs, unquote

    port_file, log_file = sys.argv[1], sys.argv[2]
    api_key = os.environ["STANDIN_API_KEY"]
    objects = {}          # id -> {id, name, value, key_context, version}
    order = []            # ids, oldest first
    lock = threading.Lock()
    for i in range(int(os.environ.get("STANDIN_SEED", "0"))):
        oid = "secret_%032d" % i
        objects[oid] = {"id": oid, "name": "seed/%04d" % i, "value": "v%d" % i, "key_context": {}, "version": 1}
        order.append(oid)

    def note(line):
        with open(log_file, "a") as f:
            f.write(line + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass

        def reply(self, status, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, message):
            self.reply(status, {"message": message, "code": "error_%d" % status})

        def handle_any(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            raw = self.rfile.read(length) if length else b""
            url = urlparse(self.path)
            note(self.command + " " + url.path + ("?" + url.query if url.query else ""))
            if self.headers.get("Authorization") != "Bearer " + api_key:
                return self.error(401, "Unauthorized")
            parts = [unquote(p) for p in url.path.split("/")[1:]]
            if parts[:3] != ["vault", "v1", "kv"]:
                return self.error(404, "Not Found")
            rest = parts[3:]
            with lock:
                if self.command == "GET" and rest[:1] == ["name"] and len(rest) == 2:
                    for o in objects.values():
                        if o["name"] == rest[1]:
                            return self.reply(200, {"id": o["id"], "name": o["name"], "value": o["value"],
                                                    "metadata": {"id": o["id"], "key_context": o["key_context"],
                                                                 "version_id": "v%d" % o["version"]}})
                    return self.error(404, "Object not found")
                if self.command == "GET" and not rest:
                    q = parse_qs(url.query)
                    limit = min(int(q.get("limit", ["10"])[0]), 100)
                    start = 0
                    if "after" in q:
                        start = order.index(q["after"][0]) + 1 if q["after"][0] in order else len(order)
                    page = order[start:start + limit]
                    after = page[-1] if start + limit < len(order) and page else None
                    return self.reply(200, {"data": [{"id": i, "name": objects[i]["name"]} for i in page],
                                            "list_metadata": {"before": None, "after": after}})
                if self.command == "POST" and not rest:
                    body = json.loads(raw or b"{}")
                    if not body.get("name") or "value" not in body or not isinstance(body.get("key_context"), dict):
                        return self.error(422, "name, value and key_context are required")
                    if any(o["name"] == body["name"] for o in objects.values()):
                        return self.error(409, "An object with this name already exists")
                    oid = "secret_" + uuid.uuid4().hex
                    objects[oid] = {"id": oid, "name": body["name"], "value": body["value"],
                                    "key_context": body["key_context"], "version": 1}
                    order.append(oid)
                    return self.reply(201, {"id": oid, "key_context": body["key_context"]})
                if len(rest) == 1 and rest[0] in objects:
                    o = objects[rest[0]]
                    if self.command == "GET":
                        return self.reply(200, {"id": o["id"], "name": o["name"], "value": o["value"]})
                    if self.command == "PUT":
                        body = json.loads(raw or b"{}")
                        if "value" not in body:
                            return self.error(422, "value is required")
                        o["value"] = body["value"]
                        o["version"] += 1
                        return self.reply(200, {"id": o["id"], "name": o["name"]})
                    if self.command == "DELETE":
                        del objects[rest[0]]
                        order.remove(rest[0])
                        return self.reply(202, {"success": True})
                return self.error(404, "Not Found")

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#
}
