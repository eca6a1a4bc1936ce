#!/usr/bin/env python3
"""A small GitHub-kind forge for benchmarks: GET /api/v3/orgs/{org}/repos
(and /api/v3/users/{user}/repos) for the bare repositories under ROOT/{org}/,
100 a page with GitHub's Link header, each entry shaped as
examples/github/recorded/get-repository.json is (the fields clients read);
and git's smart HTTP (git http-backend) for those repositories, without
authentication. Threaded: it serves many clones at once.

    forge_standin.py ROOT PORT_FILE

Writes the port it listens on (127.0.0.1) to PORT_FILE once it accepts.
The benchmarks' stand-in, not the tests' (Tests/HyperforgeTests/Support):
it checks nothing and answers only what a listing and a clone need."""
import json, os, subprocess, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

root, port_file = sys.argv[1], sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("X-Ratelimit-Limit", "5000")
        self.send_header("X-Ratelimit-Remaining", "4999")
        self.send_header("X-Ratelimit-Reset", "4102444800")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def listing(self, owner, query):
        names = sorted(n[:-4] for n in os.listdir(os.path.join(root, owner)) if n.endswith(".git"))
        per_page = min(100, int(query.get("per_page", ["30"])[0]))
        page = int(query.get("page", ["1"])[0])
        chunk = names[(page - 1) * per_page: page * per_page]
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        items = [{
            "id": 1000 + i, "node_id": "R_%d" % i, "name": n, "full_name": "%s/%s" % (owner, n),
            "private": False, "visibility": "public", "archived": False, "disabled": False, "fork": False,
            "owner": {"login": owner, "id": 1, "type": "Organization"},
            "description": None, "default_branch": "main", "html_url": "%s/%s/%s" % (base, owner, n),
            "clone_url": "%s/%s/%s.git" % (base, owner, n), "ssh_url": "git@127.0.0.1:%s/%s.git" % (owner, n),
            "url": "%s/api/v3/repos/%s/%s" % (base, owner, n),
        } for i, n in enumerate(chunk)]
        links = []
        path = self.path.split("?")[0]
        last = max(1, (len(names) + per_page - 1) // per_page)
        if page < last:
            links.append('<%s%s?per_page=%d&page=%d>; rel="next"' % (base, path, per_page, page + 1))
            links.append('<%s%s?per_page=%d&page=%d>; rel="last"' % (base, path, per_page, last))
        self.reply(200, items, [("Link", ", ".join(links))] if links else [])

    def do_GET(self):
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["api", "v3"]:
            if len(parts) == 5 and parts[2] in ("orgs", "users") and parts[4] == "repos":
                if os.path.isdir(os.path.join(root, parts[3])):
                    return self.listing(parts[3], parse_qs(url.query))
            return self.reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        return self.git()

    def do_POST(self):
        return self.git()

    def git(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        data = self.rfile.read(length) if length else b""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path, QUERY_STRING=query,
                   REQUEST_METHOD=self.command, REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(data)),
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""),
                   HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""))
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
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
