"""What the registry stand-ins beside this file share: how they start.

The Cargo and npm stand-ins differ in every endpoint and share only their
start: read the CONFIG.json named on the command line, listen on a port of
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
