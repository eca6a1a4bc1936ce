"""The real pypiserver (its WSGI app, as `pypi-server run` builds it) on
loopback with htpasswd authentication, for the tests of `git hforge
publish`; every request is logged as one JSON line (method, path, status)
to REQUESTS, so a test can tell what was sent (a dry run sends nothing
that changes anything).

usage: serve.py PACKAGES_DIR HTPASSWD PORT REQUESTS_LOG [AUTHENTICATE]
(AUTHENTICATE: the actions that need the password, default update,download,list)
"""
import json
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pypiserver

packages, htpasswd, port, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
authenticate = (sys.argv[5] if len(sys.argv) > 5 else "update,download,list").split(",")
app = pypiserver.app(roots=[packages], password_file=htpasswd, authenticate=authenticate)


def logged(environ, start_response):
    seen = {}

    def start(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        return start_response(status, headers, exc_info)

    body = app(environ, start)
    with open(log, "a") as f:
        f.write(json.dumps({"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", ""),
                            "status": seen.get("status", 0)}) + "\n")
    return body


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", port, logged, handler_class=Quiet)
print("listening", flush=True)
server.serve_forever()
