"""What the registry stand-ins beside this file share: how they start.

The Cargo and npm stand-ins differ in every endpoint and share only their
start and how a reply is written (Handler below). The start: read the CONFIG.json named on the command line, listen on a port of
127.0.0.1 the system chooses, write that port to config["port_file"]
atomically (the tests and benchmarks/publish.sh poll for the file), and serve
each request on its own thread until stopped. That part is here once; each
stand-in stays a script run directly (python3 cargo_registry.py CONFIG.json),
which finds this module beside itself (Python puts a script's directory first
on sys.path).
"""

import http.server
import json
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive (cargo and npm reuse connections), no access
    log on stderr (each stand-in logs its requests to its own file)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        """Sends body (str or bytes) with its length and type."""
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(make_handler):
    """Serves make_handler(config) on loopback, as the module's text says."""
    with open(sys.argv[1]) as f:
        config = json.load(f)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(config))
    port = server.server_address[1]
    tmp = config["port_file"] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, config["port_file"])
    server.serve_forever()
