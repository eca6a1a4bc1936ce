#!/usr/bin/env python3
"""A stand-in Cargo registry on loopback, for the publish tests.

It implements what the Cargo book documents (doc.rust-lang.org/cargo/reference):
  * the sparse index ("Registry Index", "Sparse Protocol"): GET {base}/index/config.json
    and GET {base}/index/<prefix>/<name>, one JSON object per line and version,
    the prefix being 1/, 2/, 3/<c>/ or <ab>/<cd>/ of the lower-cased name; 404 for an
    unknown crate;
  * the web API's publish endpoint ("Registry Web API", "Publish"):
    PUT {base}/api/v1/crates/new with the Authorization header holding the token
    (403 when it is not valid), the body a 32-bit little-endian length and the JSON
    metadata, then a 32-bit little-endian length and the .crate file; 200 with
    {"warnings": {...}}; errors as {"errors": [{"detail": "..."}]};
  * the download endpoint named by config.json's "dl".

Cargo waits, after uploading, until the new version is in the index; the entry is
written before the upload is answered, so the wait ends at once.

Usage: cargo_registry.py CONFIG.json, where CONFIG has "root" (a directory for
the index, the crates and the log), "tokens" (the valid tokens) and "port_file"
(where the chosen port is written, atomically, once it listens). Every request
is appended to ROOT/requests.log as a JSON line: method, path, status and
whether it carried a valid token (never the token itself).
"""
import hashlib
import json
import os
import sys
import struct
import threading

sys.dont_write_bytecode = True  # importing loopback (beside this file) leaves no __pycache__ in the source tree
import loopback  # noqa: E402


def index_path(name):
    n = name.lower()
    if len(n) == 1:
        return "1/" + n
    if len(n) == 2:
        return "2/" + n
    if len(n) == 3:
        return "3/" + n[0] + "/" + n
    return n[0:2] + "/" + n[2:4] + "/" + n


class Registry:
    def __init__(self, config):
        self.root = config["root"]
        self.tokens = set(config.get("tokens", []))
        self.lock = threading.Lock()
        self.log_path = os.path.join(self.root, "requests.log")
        os.makedirs(os.path.join(self.root, "index"), exist_ok=True)
        os.makedirs(os.path.join(self.root, "crates"), exist_ok=True)
        self.base = None

    def log(self, entry):
        with self.lock:
            with open(self.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")


def make_handler(registry):
    class Handler(loopback.Handler):
        def send(self, status, body, content_type="application/json"):
            self.reply(status, body, content_type)
            registry.log({"method": self.command, "path": self.path, "status": status,
                          "authorized": self.authorized()})

        def error(self, status, detail):
            self.send(status, json.dumps({"errors": [{"detail": detail}]}))

        def authorized(self):
            return self.headers.get("Authorization") in registry.tokens

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/index/config.json":
                base = "http://%s" % self.headers.get("Host")
                self.send(200, json.dumps({"dl": base + "/api/v1/crates", "api": base}))
                return
            if path.startswith("/index/"):
                rel = path[len("/index/"):]
                file = os.path.join(registry.root, "index", rel)
                if ".." in rel.split("/") or not os.path.isfile(file):
                    self.send(404, "not found\n", "text/plain")
                    return
                with registry.lock:
                    with open(file, "rb") as f:
                        data = f.read()
                self.send(200, data, "text/plain")
                return
            if path.startswith("/api/v1/crates/") and path.endswith("/download"):
                parts = path.split("/")
                if len(parts) == 7:
                    file = os.path.join(registry.root, "crates", "%s-%s.crate" % (parts[4], parts[5]))
                    if os.path.isfile(file):
                        with open(file, "rb") as f:
                            self.send(200, f.read(), "application/octet-stream")
                        return
            self.error(404, "no such path: " + path)

        def do_PUT(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path.split("?", 1)[0] != "/api/v1/crates/new":
                self.error(404, "no such path")
                return
            if not self.authorized():
                self.error(403, "the token is not valid for this registry")
                return
            (json_len,) = struct.unpack("<I", body[0:4])
            meta = json.loads(body[4:4 + json_len])
            (crate_len,) = struct.unpack("<I", body[4 + json_len:8 + json_len])
            crate = body[8 + json_len:8 + json_len + crate_len]
            name, vers = meta["name"], meta["vers"]
            file = os.path.join(registry.root, "index", index_path(name))
            with registry.lock:
                existing = []
                if os.path.isfile(file):
                    with open(file) as f:
                        existing = [json.loads(line) for line in f if line.strip()]
                if any(e["vers"] == vers for e in existing):
                    conflict = True
                else:
                    conflict = False
                    deps = []
                    for d in meta.get("deps", []):
                        entry = {
                            "name": d.get("explicit_name_in_toml") or d["name"],
                            "req": d["version_req"],
                            "features": d.get("features", []),
                            "optional": d.get("optional", False),
                            "default_features": d.get("default_features", True),
                            "target": d.get("target"),
                            "kind": d.get("kind", "normal"),
                        }
                        if d.get("explicit_name_in_toml"):
                            entry["package"] = d["name"]
                        if d.get("registry"):
                            entry["registry"] = d["registry"]
                        deps.append(entry)
                    line = {
                        "name": name, "vers": vers, "deps": deps,
                        "cksum": hashlib.sha256(crate).hexdigest(),
                        "features": meta.get("features", {}), "yanked": False,
                        "links": meta.get("links"), "v": 2,
                    }
                    with open(os.path.join(registry.root, "crates", "%s-%s.crate" % (name, vers)), "wb") as f:
                        f.write(crate)
                    os.makedirs(os.path.dirname(file), exist_ok=True)
                    tmp = file + ".tmp"
                    with open(tmp, "w") as f:
                        for e in existing:
                            f.write(json.dumps(e) + "\n")
                        f.write(json.dumps(line) + "\n")
                    os.rename(tmp, file)
            if conflict:
                self.error(400, "crate version `%s@%s` is already uploaded" % (name, vers))
                return
            self.send(200, json.dumps({"warnings": {"invalid_categories": [], "invalid_badges": [], "other": []}}))

    return Handler


if __name__ == "__main__":
    loopback.serve(lambda config: make_handler(Registry(config)))
