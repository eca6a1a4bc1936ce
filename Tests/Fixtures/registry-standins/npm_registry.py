#!/usr/bin/env python3
"""A stand-in npm registry on loopback, for the publish tests.

It implements the parts of the public npm registry API that `npm publish`
and `npm view` use (the registry's CouchDB-style package documents, as
npm's registry documentation and libnpmpublish describe them):
  * GET /{package} (a scoped name as @scope%2fname or @scope/name): the
    packument, {"_id", "name", "dist-tags", "versions": {V: manifest with
    "dist": {"tarball", "shasum", "integrity"}}, "time"}; 404 with
    {"error": "Not found"} for an unknown package. Reading needs no token.
  * GET /{package}/-/{name}-{version}.tgz: the tarball.
  * PUT /{package}: a publish. The Authorization header must be
    "Bearer TOKEN" with a valid token (401 without one, 403 with a wrong
    one); the body is {"_id", "name", "dist-tags", "versions": {V: ...},
    "access", "_attachments": {"NAME-V.tgz": {"content_type", "data"
    (base64), "length"}}}. The attachment must match the version's
    dist.shasum (sha1) and dist.integrity (sha512) and its length (400
    otherwise). A version the registry has already is refused with 403
    "You cannot publish over the previously published versions: V." as
    registry.npmjs.org does; else 200 {"ok": true, "id", "rev"}.
  * GET /-/whoami: {"username"} for a valid token (npm whoami).

Usage: npm_registry.py CONFIG.json, where CONFIG has "root" (a directory for
the packages and the log), "tokens" (valid token -> user name) and
"port_file" (where the chosen port is written, atomically, once it listens).
Every request is appended to ROOT/requests.log as a JSON line: method, path,
status, whether it carried a valid token (never the token itself) and, for a
publish, the versions in its body.
"""
import base64
import hashlib
import json
import os
import sys
import threading
import urllib.parse

sys.dont_write_bytecode = True  # importing loopback (beside this file) leaves no __pycache__ in the source tree
import loopback  # noqa: E402


class Registry:
    def __init__(self, config):
        self.root = config["root"]
        self.tokens = dict(config.get("tokens", {}))
        self.lock = threading.Lock()
        self.log_path = os.path.join(self.root, "requests.log")
        os.makedirs(os.path.join(self.root, "packages"), exist_ok=True)
        os.makedirs(os.path.join(self.root, "tarballs"), exist_ok=True)

    def log(self, entry):
        with self.lock:
            with open(self.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def doc_path(self, name):
        return os.path.join(self.root, "packages", urllib.parse.quote(name, safe="") + ".json")

    def load(self, name):
        path = self.doc_path(name)
        if not os.path.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)

    def save(self, name, doc):
        path = self.doc_path(name)
        with open(path + ".tmp", "w") as f:
            json.dump(doc, f)
        os.rename(path + ".tmp", path)


def make_handler(registry):
    class Handler(loopback.Handler):
        def send(self, status, body, content_type="application/json", extra=None):
            self.reply(status, body, content_type)
            entry = {"method": self.command, "path": self.path, "status": status, "authorized": self.user() is not None}
            entry.update(extra or {})
            registry.log(entry)

        def error(self, status, message, extra=None):
            self.send(status, json.dumps({"error": message}), extra=extra)

        def user(self):
            header = self.headers.get("Authorization") or ""
            if not header.startswith("Bearer "):
                return None
            return registry.tokens.get(header[len("Bearer "):])

        def package_name(self, path):
            # /@scope%2fname, /@scope/name or /name; None for other paths.
            rest = urllib.parse.unquote(path[1:])
            parts = rest.split("/")
            if rest.startswith("@") and len(parts) >= 2:
                return parts[0] + "/" + parts[1], parts[2:]
            return parts[0], parts[1:]

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/-/whoami":
                user = self.user()
                if user is None:
                    self.error(401, "unauthorized")
                else:
                    self.send(200, json.dumps({"username": user}))
                return
            name, rest = self.package_name(path)
            with registry.lock:
                doc = registry.load(name)
            if doc is None:
                self.error(404, "Not found")
                return
            if not rest:
                self.send(200, json.dumps(doc))
                return
            if len(rest) == 2 and rest[0] == "-":
                file = os.path.join(registry.root, "tarballs", urllib.parse.quote(name, safe="") + "--" + rest[1])
                if os.path.isfile(file):
                    with open(file, "rb") as f:
                        self.send(200, f.read(), "application/octet-stream")
                    return
            self.error(404, "Not found")

        def do_PUT(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            name, rest = self.package_name(self.path.split("?", 1)[0])
            if rest:
                self.error(404, "Not found")
                return
            user = self.user()
            if user is None:
                if self.headers.get("Authorization"):
                    self.error(403, "Forbidden - the token is not valid for this registry")
                else:
                    self.error(401, "This command requires you to be logged in.")
                return
            try:
                doc = json.loads(body)
                versions = doc["versions"]
                attachments = doc["_attachments"]
            except (ValueError, KeyError):
                self.error(400, "a publish is a package document with versions and _attachments")
                return
            extra = {"versions": sorted(versions.keys())}
            if doc.get("name") != name or len(versions) != 1 or len(attachments) != 1:
                self.error(400, "one version of %s, with its tarball, per publish" % name, extra)
                return
            (version, manifest), = versions.items()
            (tarball_name, attachment), = attachments.items()
            data = base64.b64decode(attachment["data"])
            dist = manifest.get("dist", {})
            integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
            if (attachment.get("length") != len(data) or dist.get("shasum") != hashlib.sha1(data).hexdigest()
                    or dist.get("integrity") != integrity):
                self.error(400, "the tarball does not match its length, shasum or integrity", extra)
                return
            with registry.lock:
                existing = registry.load(name) or {"_id": name, "name": name, "dist-tags": {}, "versions": {}, "time": {}, "_rev": "0"}
                if version in existing["versions"]:
                    conflict = True
                else:
                    conflict = False
                    base = "http://%s/" % self.headers.get("Host")
                    manifest["dist"]["tarball"] = base + name + "/-/" + tarball_name.split("/")[-1]
                    existing["versions"][version] = manifest
                    existing["dist-tags"].update(doc.get("dist-tags", {}))
                    existing["time"][version] = "2026-01-01T00:00:00.000Z"
                    existing["_rev"] = str(int(existing["_rev"].split("-")[0]) + 1) + "-standin"
                    existing["description"] = doc.get("description")
                    file = os.path.join(registry.root, "tarballs", urllib.parse.quote(name, safe="") + "--" + tarball_name.split("/")[-1])
                    with open(file, "wb") as f:
                        f.write(data)
                    registry.save(name, existing)
            if conflict:
                self.error(403, "You cannot publish over the previously published versions: %s." % version, extra)
                return
            self.send(200, json.dumps({"ok": True, "id": name, "rev": existing["_rev"]}), extra=extra)

    return Handler


if __name__ == "__main__":
    loopback.serve(lambda config: make_handler(Registry(config)))
