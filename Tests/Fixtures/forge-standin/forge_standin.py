#!/usr/bin/env python3
"""A stand-in forge REST API for hyperforge's tests and benchmarks.

One process is one forge of one personality: github (api.github.com's paths,
or GHES's under /api/v3), gitea or forgejo (/api/v1), gitlab (/api/v4). Every
request is checked against the forge's API description copied into
Tests/Fixtures/forge-apis/ (the OpenAPI / Swagger files; for GitLab the
endpoint table of gitlab.md, transcribed below): method, path, query
parameters (names, enums, integer types), authentication header and JSON
body (declared properties, required ones, types, enums). A request the
description does not describe is answered 400 with a message starting
"stand-in:" and recorded as a violation; tests fail on any violation.

Usage: forge_standin.py CONFIG.json
CONFIG: {"personality", "base_path", "port_file", "log", "faults", "specs",
         "tokens": {TOKEN: {"label", "user", "id", "owners": [...]}},
         "orgs": [names], "users": [names],
         "repos": [{"owner", "name", "private", "archived", "fork", "description",
                    "default_branch", "clone_url", "ssh_url"}],
         "generate": {"owner", "count"}   (repositories r00000... for benchmarks),
         "git_root": DIR  (git's smart HTTP, without authentication, for every
                           bare repository DIR/OWNER/NAME.git; each is also a
                           repository of the API, OWNER an org: benchmarks),
         "settings_api": false  (Gitea/Forgejo: GET /settings/api answers 404),
         "max_page_size", "tls_cert", "tls_key", "clone_url_template"}

The log is one JSON object per line: method, path, query, token label,
status, violation, body. Faults (a JSON file re-read on every request): a
list of {"match": "METHOD PATH-PREFIX", "times": N, "status", "headers",
"body", "delay", "reset_in", "drop"}; "drop": do the request, then close
the connection without answering (an outcome the client cannot know).
"""
import hashlib, json, os, re, socket, ssl, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qsl, unquote, quote

config = json.load(open(sys.argv[1]))
P = config["personality"]
# Where the repositories' git directories are (OWNER/NAME.git, served over
# smart HTTP by the tests): pull requests then have their branch's real head
# and a merge writes a real merge commit on the base branch.
GIT_ROOT = config.get("git_root")


def git_dir(repo):
    return os.path.join(GIT_ROOT, repo["owner"], repo["name"] + ".git")


def git_rev(repo, ref):
    r = subprocess.run(["git", "--git-dir=" + git_dir(repo), "rev-parse", "--verify", "--quiet", ref + "^{commit}"], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def git_merge(repo, pr):
    """Merges the head into the base as the forge would (a merge commit); None when they conflict or the head moved."""
    base = git_rev(repo, "refs/heads/" + pr["base"])
    head = git_rev(repo, "refs/heads/" + pr["head"])
    if base is None or head is None or head != pr["sha"]:
        return None
    env = dict(os.environ, GIT_AUTHOR_NAME="stand-in", GIT_AUTHOR_EMAIL="standin@example.invalid",
               GIT_COMMITTER_NAME="stand-in", GIT_COMMITTER_EMAIL="standin@example.invalid")
    gd = "--git-dir=" + git_dir(repo)
    tree = subprocess.run(["git", gd, "merge-tree", "--write-tree", base, head], capture_output=True, text=True, env=env)
    if tree.returncode != 0:
        return None
    commit = subprocess.run(["git", gd, "commit-tree", tree.stdout.split()[0], "-p", base, "-p", head,
                             "-m", "Merge pull request #%d from %s" % (pr["number"], pr["head"])], capture_output=True, text=True, env=env)
    if commit.returncode != 0:
        return None
    sha = commit.stdout.strip()
    moved = subprocess.run(["git", gd, "update-ref", "refs/heads/" + pr["base"], sha, base], capture_output=True, env=env)
    return sha if moved.returncode == 0 else None
BASE = config.get("base_path", {"github": "", "gitea": "/api/v1", "forgejo": "/api/v1", "gitlab": "/api/v4"}[P])
SPECS = config["specs"]
LOG = config["log"]
FAULTS = config.get("faults")
TOKENS = config.get("tokens", {})
MAX_PAGE = config.get("max_page_size") or {"github": 100, "gitea": 50, "forgejo": 50, "gitlab": 100}[P]
lock = threading.RLock()
fault_counts = {}


def load(path):
    with open(os.path.join(SPECS, path)) as f:
        return json.load(f)


# ---------------------------------------------------------------- descriptions

class Operation:
    def __init__(self, method, template, query, body_schema, resolve, path_params=None):
        self.method = method
        self.template = template
        names = re.findall(r"\{([^}]+)\}", template)
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
        self.regex = re.compile(pattern)
        self.names = names
        self.query = query            # name -> schema
        self.body_schema = body_schema
        self.resolve = resolve

    def match(self, method, path):
        if method != self.method:
            return None
        m = self.regex.match(path)
        if not m:
            return None
        return dict(zip(self.names, [unquote(g) for g in m.groups()]))


def openapi_operations(doc):
    def resolve(obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = doc
            for part in obj["$ref"][2:].split("/"):
                node = node[part]
            obj = node
        return obj
    ops = []
    for template, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            query = {}
            for p in op.get("parameters", []) + item.get("parameters", []):
                p = resolve(p)
                if p.get("in") == "query":
                    query[p["name"]] = resolve(p.get("schema", {}))
            body = None
            rb = op.get("requestBody")
            if rb:
                body = resolve(resolve(rb)["content"]["application/json"]["schema"])
            ops.append(Operation(method.upper(), template, query, body, resolve))
    return ops


def swagger_operations(doc):
    def resolve(obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = doc
            for part in obj["$ref"][2:].split("/"):
                node = node[part]
            obj = node
        return obj
    ops = []
    for template, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            query, body = {}, None
            for p in op.get("parameters", []):
                p = resolve(p)
                if p.get("in") == "query":
                    query[p["name"]] = {k: v for k, v in p.items() if k in ("type", "enum", "items")}
                elif p.get("in") == "body":
                    body = resolve(p["schema"])
            ops.append(Operation(method.upper(), template, query, body, resolve))
    return ops


def gitlab_operations():
    """The endpoints of gitlab.md's table (plus GET /groups/:id, doc/api/groups.md
    "Details of a group", and GET /users?username=, doc/api/users.md)."""
    s, i, b, a = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "array"}
    page = {"page": i, "per_page": i}
    def obj(props, required=()):
        return {"type": "object", "properties": props, "required": list(required)}
    project_create = obj({"name": s, "path": s, "description": s, "namespace_id": i,
                          "visibility": {"type": "string", "enum": ["private", "internal", "public"]},
                          "default_branch": s, "initialize_with_readme": b})
    mr_update = obj({"reviewer_ids": a, "state_event": {"type": "string", "enum": ["close", "reopen"]},
                     "title": s, "description": s, "target_branch": s})
    table = [
        ("GET", "/user", {}, None),
        ("POST", "/projects", {}, project_create),
        ("GET", "/projects/{id}", {}, None),
        ("DELETE", "/projects/{id}", {"full_path": s, "permanently_remove": b}, None),
        ("GET", "/groups/{id}", {}, None),
        ("GET", "/groups/{id}/projects", dict(page, archived=b, include_subgroups=b, with_shared=b,
                                                visibility=s, owned=b, search=s, simple=b,
                                                order_by={"type": "string", "enum": ["id", "name", "path", "created_at", "updated_at", "last_activity_at"]},
                                                sort={"type": "string", "enum": ["asc", "desc"]}), None),
        ("GET", "/users/{user_id}/projects", dict(page, archived=b, owned=b, visibility=s, simple=b,
                                                   order_by={"type": "string", "enum": ["id", "name", "path", "created_at", "updated_at", "last_activity_at"]},
                                                   sort={"type": "string", "enum": ["asc", "desc"]}, id_after=i, id_before=i), None),
        ("GET", "/users", {"username": s}, None),
        ("GET", "/projects/{id}/merge_requests", dict(page, state={"type": "string", "enum": ["opened", "closed", "locked", "merged", "all"]},
                                                       source_branch=s, target_branch=s, view=s, order_by=s, sort=s,
                                                       reviewer_id=i, reviewer_username=s), None),
        ("GET", "/projects/{id}/merge_requests/{iid}", {}, None),
        ("POST", "/projects/{id}/merge_requests", {}, obj({"source_branch": s, "target_branch": s, "title": s, "description": s,
                                                           "assignee_id": i, "assignee_ids": a, "reviewer_ids": a, "target_project_id": i,
                                                           "labels": s, "milestone_id": i, "remove_source_branch": b, "squash": b,
                                                           "allow_collaboration": b}, ["source_branch", "target_branch", "title"])),
        ("PUT", "/projects/{id}/merge_requests/{iid}", {}, mr_update),
        ("PUT", "/projects/{id}/merge_requests/{iid}/merge", {}, obj({"merge_commit_message": s, "squash_commit_message": s, "squash": b,
                                                                      "should_remove_source_branch": b, "merge_when_pipeline_succeeds": b, "sha": s})),
        ("POST", "/projects/{id}/merge_requests/{iid}/notes", {}, obj({"body": s}, ["body"])),
        ("GET", "/projects/{id}/merge_requests/{iid}/approvals", {}, None),
        ("POST", "/projects/{id}/merge_requests/{iid}/approve", {}, obj({"sha": s})),
        ("GET", "/version", {}, None),
    ]
    return [Operation(m, t, q, body, lambda x: x) for (m, t, q, body) in table]


if P == "github":
    OPS = openapi_operations(load("github.openapi.json"))
elif P in ("gitea", "forgejo"):
    OPS = swagger_operations(load(P + ".swagger.json"))
else:
    OPS = gitlab_operations()


def type_ok(value, schema):
    t = schema.get("type")
    if t is None:
        return True
    if isinstance(t, list):
        return any(type_ok(value, dict(schema, type=x)) for x in t)
    return {"string": isinstance(value, str), "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "array": isinstance(value, list), "object": isinstance(value, dict),
            "null": value is None}.get(t, True)


def check_body(op, body):
    schema = op.body_schema
    if schema is None:
        return None if body is None else "a body where the description takes none"
    if body is None:
        return None if not schema.get("required") else "no body; the description requires %s" % schema.get("required")
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    props = {k: op.resolve(v) for k, v in schema.get("properties", {}).items()}
    for key, value in body.items():
        if key not in props:
            return "body property %r is not in the description (%s)" % (key, ", ".join(sorted(props)))
        ps = props[key]
        if not type_ok(value, ps) and not (value is None and ps.get("nullable")):
            return "body property %r should be %s" % (key, ps.get("type"))
        if "enum" in ps and value not in ps["enum"]:
            return "body property %r = %r is not one of %s" % (key, value, ps["enum"])
    for key in schema.get("required", []):
        if key not in body:
            return "body property %r is required" % key
    return None


def check_query(op, query):
    for key, value in query:
        name = key[:-2] if key.endswith("[]") else key
        if name not in op.query:
            return "query parameter %r is not in the description (%s)" % (key, ", ".join(sorted(op.query)) or "none")
        schema = op.query[name]
        if "enum" in schema and value not in schema["enum"]:
            return "query parameter %r = %r is not one of %s" % (key, value, schema["enum"])
        if schema.get("type") == "integer" and not re.fullmatch(r"-?\d+", value):
            return "query parameter %r = %r is not an integer" % (key, value)
        if schema.get("type") == "boolean" and value not in ("true", "false"):
            return "query parameter %r = %r is not a boolean" % (key, value)
    return None


def auth_token(headers):
    """The token the personality's documented header carries, or why not."""
    auth = headers.get("Authorization")
    if P == "github":
        if auth and (auth.startswith("Bearer ") or auth.startswith("token ")):
            return auth.split(" ", 1)[1], None
        return None, "no Authorization: Bearer header"
    if P == "gitea":
        if auth and auth.split(" ", 1)[0].lower() in ("token", "bearer"):
            return auth.split(" ", 1)[1], None
        return None, "no Authorization: token header"
    if P == "forgejo":
        # Forgejo: "token" exactly (lowercase), or Bearer in any case.
        if auth and (auth.startswith("token ") or auth.split(" ", 1)[0].lower() == "bearer"):
            return auth.split(" ", 1)[1], None
        return None, "no Authorization: token header (Forgejo accepts exactly 'token' or Bearer)"
    if headers.get("PRIVATE-TOKEN"):
        return headers["PRIVATE-TOKEN"], None
    if auth and auth.startswith("Bearer "):
        return auth.split(" ", 1)[1], None
    return None, "no PRIVATE-TOKEN header"


# ---------------------------------------------------------------- state

examples = os.path.join(SPECS, "examples")
def example(kind, name):
    with open(os.path.join(examples, kind, "recorded", name)) as f:
        return json.load(f)

TEMPLATES = {}
if P == "github":
    TEMPLATES["repo"] = example("github", "get-repository.json")
    TEMPLATES["pull"] = example("github", "list-pull-requests.json")[0]
    TEMPLATES["review"] = example("github", "list-pull-request-reviews.json")[0]
    TEMPLATES["comment"] = example("github", "list-issue-comments.json")[0]
elif P in ("gitea", "forgejo"):
    TEMPLATES["repo"] = example("gitea", "get-repository.json")
    TEMPLATES["pull"] = example(P, "list-pull-requests.json")[0]
    TEMPLATES["review"] = example("gitea", "list-pull-reviews.json")[0]
    TEMPLATES["comment"] = example("gitea", "list-issue-comments.json")[0]
else:
    TEMPLATES["repo"] = example("gitlab", "get-project-by-path.json")
    TEMPLATES["pull"] = example("gitlab", "get-merge-request.json")
    TEMPLATES["approvals"] = example("gitlab", "get-merge-request-approvals.json")

state = {"repos": {}, "next_id": 1000, "pulls": {}, "users": {}, "groups": {}}
for t in TOKENS.values():
    state["users"][t["user"].lower()] = {"login": t["user"], "id": t.get("id", 100 + len(state["users"]))}
for u in config.get("users", []):
    state["users"].setdefault(u.lower(), {"login": u, "id": 100 + len(state["users"])})
for g in config.get("orgs", []):
    state["groups"][g.lower()] = {"name": g, "id": 500 + len(state["groups"])}


def new_id():
    state["next_id"] += 1
    return state["next_id"]


def add_repo(r):
    key = (r["owner"].lower(), r["name"].lower())
    repo = {"owner": r["owner"], "name": r["name"], "private": r.get("private", False),
            "visibility": r.get("visibility") or ("private" if r.get("private") else "public"),
            "archived": r.get("archived", False), "fork": r.get("fork", False),
            "description": r.get("description", ""), "default_branch": r.get("default_branch", "main"),
            "id": r.get("id") or new_id(), "clone_url": r.get("clone_url"), "ssh_url": r.get("ssh_url")}
    state["repos"][key] = repo
    state["pulls"].setdefault(key, [])
    return repo

for r in config.get("repos", []):
    add_repo(r)
# Every bare repository under GIT_ROOT is also one of the API's (those the
# config names keep what it says of them).
if GIT_ROOT:
    for owner in sorted(os.listdir(GIT_ROOT)):
        if not os.path.isdir(os.path.join(GIT_ROOT, owner)):
            continue
        state["groups"].setdefault(owner.lower(), {"name": owner, "id": 500 + len(state["groups"])})
        for entry in sorted(os.listdir(os.path.join(GIT_ROOT, owner))):
            if entry.endswith(".git") and (owner.lower(), entry[:-4].lower()) not in state["repos"]:
                add_repo({"owner": owner, "name": entry[:-4]})
gen = config.get("generate")
if gen:
    for n in range(gen["count"]):
        add_repo({"owner": gen["owner"], "name": "r%05d" % n, "archived": n % 10 == 9, "fork": n % 7 == 6})


def origin(handler):
    scheme = "https" if config.get("tls_cert") else "http"
    return "%s://%s" % (scheme, handler.headers.get("Host") or "127.0.0.1")


def clone_urls(handler, repo):
    tpl = config.get("clone_url_template")
    http = repo["clone_url"] or (tpl.format(owner=repo["owner"], name=repo["name"]) if tpl
                                 else "%s/%s/%s.git" % (origin(handler), repo["owner"], repo["name"]))
    ssh = repo["ssh_url"] or "git@127.0.0.1:%s/%s.git" % (repo["owner"], repo["name"])
    return http, ssh


def owner_kind(name):
    return "Organization" if name.lower() in state["groups"] else "User"


def repo_json(handler, repo):
    t = json.loads(json.dumps(TEMPLATES["repo"]))
    http, ssh = clone_urls(handler, repo)
    web = "%s/%s/%s" % (origin(handler), repo["owner"], repo["name"])
    full = "%s/%s" % (repo["owner"], repo["name"])
    if P == "gitlab":
        t.update({"id": repo["id"], "name": repo["name"], "path": repo["name"], "path_with_namespace": full,
                  "name_with_namespace": full.replace("/", " / "), "description": repo["description"],
                  "visibility": repo["visibility"], "archived": repo["archived"], "default_branch": repo["default_branch"],
                  "http_url_to_repo": http, "ssh_url_to_repo": ssh, "web_url": web, "empty_repo": False})
        ns = repo["owner"]
        group = state["groups"].get(ns.lower())
        t["namespace"] = {"id": group["id"] if group else state["users"].get(ns.lower(), {"id": 1})["id"],
                          "name": ns.split("/")[-1], "path": ns.split("/")[-1], "kind": "group" if group else "user",
                          "full_path": ns, "parent_id": None, "avatar_url": None, "web_url": "%s/%s" % (origin(handler), ns)}
        if repo["fork"]:
            t["forked_from_project"] = {"id": 1, "path_with_namespace": "upstream/" + repo["name"]}
        else:
            t.pop("forked_from_project", None)
        return t
    owner = dict(t["owner"])
    owner.update({"login": repo["owner"], "id": state["users"].get(repo["owner"].lower(), {"id": 7})["id"]})
    if P == "github":
        owner["type"] = owner_kind(repo["owner"])
    t.update({"id": repo["id"], "name": repo["name"], "full_name": full, "owner": owner, "private": repo["private"],
              "description": repo["description"], "fork": repo["fork"], "archived": repo["archived"],
              "default_branch": repo["default_branch"], "clone_url": http, "ssh_url": ssh, "html_url": web})
    if P == "github":
        t["visibility"] = repo["visibility"]
    else:
        t["internal"] = repo["visibility"] == "internal"
        t["empty"] = False
    return t


def user_json(handler, u):
    if P == "gitlab":
        return {"id": u["id"], "username": u["login"], "name": u["login"].title(), "state": "active", "locked": False,
                "avatar_url": None, "web_url": "%s/%s" % (origin(handler), u["login"])}
    if P == "github":
        return {"login": u["login"], "id": u["id"], "node_id": "U_%d" % u["id"], "type": "User", "site_admin": False,
                "name": u["login"].title(), "html_url": "%s/%s" % (origin(handler), u["login"]),
                "url": "%s/users/%s" % (origin(handler), u["login"])}
    return {"id": u["id"], "login": u["login"], "username": u["login"], "full_name": u["login"].title(), "email": "",
            "is_admin": False, "active": True}


def pull_json(handler, key, pr):
    t = json.loads(json.dumps(TEMPLATES["pull"]))
    repo = state["repos"][key]
    web = "%s/%s/%s/pull/%d" % (origin(handler), repo["owner"], repo["name"], pr["number"])
    if P == "gitlab":
        t.update({"id": pr["id"], "iid": pr["number"], "project_id": repo["id"], "title": pr["title"], "description": pr["body"],
                  "state": {"open": "opened"}.get(pr["state"], pr["state"]), "draft": pr["title"].startswith("Draft:"),
                  "source_branch": pr["head"], "target_branch": pr["base"], "sha": pr["sha"], "web_url": web,
                  "merge_commit_sha": pr.get("merge_sha"), "author": {"id": 1, "username": pr["author"], "name": pr["author"]},
                  "reviewers": [{"id": state["users"].get(r.lower(), {"id": 9})["id"], "username": r, "name": r} for r in pr["reviewers"]]})
        return t
    merged = pr["state"] == "merged"
    user = dict(t["user"]); user["login"] = pr["author"]
    head = json.loads(json.dumps(t["head"])); head.update({"ref": pr["head"], "sha": pr["sha"], "label": "%s:%s" % (repo["owner"], pr["head"])})
    base = json.loads(json.dumps(t["base"])); base.update({"ref": pr["base"], "label": "%s:%s" % (repo["owner"], pr["base"])})
    t.update({"id": pr["id"], "number": pr["number"], "title": pr["title"], "body": pr["body"],
              "state": "open" if pr["state"] == "open" else "closed", "user": user, "head": head, "base": base,
              "html_url": web, "merge_commit_sha": pr.get("merge_sha"),
              "requested_reviewers": [dict(user, login=r) for r in pr["reviewers"]]})
    if P == "github":
        t["merged_at"] = "2024-11-05T10:00:00Z" if merged else None
        t["draft"] = pr.get("draft", False)
    else:
        t["merged"] = merged
        # Gitea/Forgejo: a title with a work-in-progress prefix (WORK_IN_PROGRESS_PREFIXES, default "WIP:", "[WIP]") is a draft.
        t["draft"] = is_wip(pr["title"])
    return t


def is_wip(title):
    return title.lower().startswith("wip:") or title.lower().startswith("[wip]")


# ---------------------------------------------------------------- handler

class Dropped(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass

    def setup(self):
        super().setup()

    def note(self, entry):
        with lock:
            with open(LOG, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def send(self, status, body=None, headers=None, raw=None):
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        if self.entry.get("drop_after"):
            # Done, but the answer never leaves: the connection is closed instead.
            raise Dropped()
        # Recorded before the answer leaves: a client that has its answer finds its request in the log.
        self.status = status
        self.entry["status"] = status
        self.note(self.entry)
        self.send_response(status)
        h = {}
        if P == "github":
            h.update({"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-used": "1",
                      "x-ratelimit-reset": str(int(time.time()) + 3600), "x-ratelimit-resource": "core",
                      "X-GitHub-Api-Version-Selected": "2022-11-28"})
        elif P == "gitlab":
            h.update({"RateLimit-Limit": "2000", "RateLimit-Remaining": "1999", "RateLimit-Observed": "1",
                      "RateLimit-Reset": str(int(time.time()) + 60), "RateLimit-Name": "throttle_authenticated_api"})
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json; charset=utf-8" if raw is None else "text/plain"
        h.update(headers or {})
        for k, v in h.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, message):
        if P == "github":
            body = {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}
        elif P == "gitlab":
            body = {"message": message if status != 404 else "404 %s" % message}
        else:
            body = {"message": message, "url": "%s%s/swagger" % (origin(self), BASE)}
        self.send(status, body)

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                raw += self.rfile.read(size)
                self.rfile.readline()
        return raw

    def serve_git(self, raw):
        """git http-backend as CGI for GIT_ROOT (not logged: the API's requests are)."""
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=GIT_ROOT, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path, QUERY_STRING=query,
                   REQUEST_METHOD=self.command, REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(raw)),
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""),
                   HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""))
        out = subprocess.run(["git", "http-backend"], input=raw, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def handle_any(self):
        raw = self.read_body()
        split = urlsplit(self.path)
        path, query = split.path, parse_qsl(split.query, keep_blank_values=True)
        if GIT_ROOT and path.endswith((".git/info/refs", ".git/git-upload-pack", ".git/git-receive-pack")):
            return self.serve_git(raw)
        entry = {"method": self.command, "path": path, "query": split.query, "token": None, "status": None,
                 "violation": None, "body": None, "time": time.time(),
                 "conditional": self.headers.get("If-None-Match") is not None}
        self.status = None
        self.entry = entry
        try:
            self.dispatch(entry, path, query, raw)
        except Dropped:
            entry["status"] = "dropped"
            self.note(entry)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return

    def violation(self, entry, why):
        entry["violation"] = why
        self.error(400, "stand-in: request not described by the %s API description: %s" % (P, why))

    def dispatch(self, entry, path, query, raw):
        if not path.startswith(BASE + "/") and path != BASE:
            return self.violation(entry, "path %s is outside the API base %s" % (path, BASE or "/"))
        rel = path[len(BASE):] or "/"
        # GitLab's ids are URL-encoded paths ("group%2Fname"): match on the raw segments.
        # The most literal template wins (/pulls/{index}/reviews over /pulls/{base}/{head}).
        op, params, best = None, None, -1
        for candidate in OPS:
            m = candidate.match(self.command, rel)
            if m is not None:
                literal = len(re.sub(r"\{[^}]+\}", "", candidate.template))
                if literal > best:
                    op, params, best = candidate, m, literal
        if op is None:
            return self.violation(entry, "%s %s matches no operation" % (self.command, rel))
        entry["operation"] = "%s %s" % (op.method, op.template)
        why = check_query(op, query)
        if why:
            return self.violation(entry, why)
        body = None
        if raw:
            if "application/json" not in (self.headers.get("Content-Type") or ""):
                return self.violation(entry, "a body without Content-Type: application/json")
            try:
                body = json.loads(raw)
            except ValueError:
                return self.violation(entry, "the body is not JSON")
        entry["body"] = body
        why = check_body(op, body)
        if why:
            return self.violation(entry, why)
        if P == "github" and self.headers.get("X-GitHub-Api-Version") not in (None, "2022-11-28"):
            return self.violation(entry, "X-GitHub-Api-Version %s is not the described 2022-11-28" % self.headers.get("X-GitHub-Api-Version"))
        token, why = auth_token(self.headers)
        if token is None:
            entry["violation"] = None
            return self.error(401, "Requires authentication" if P == "github" else "401 Unauthorized")
        ident = TOKENS.get(token)
        entry["token"] = ident["label"] if ident else "unknown"
        if ident is None:
            return self.error(401, "Bad credentials" if P == "github" else "401 Unauthorized")
        if self.fault(entry):
            return
        with lock:
            self.serve(op, params, dict(query), body, ident, entry)

    def fault(self, entry):
        if not FAULTS or not os.path.exists(FAULTS):
            return False
        try:
            rules = json.load(open(FAULTS))
        except ValueError:
            return False
        for index, rule in enumerate(rules):
            method, _, prefix = rule["match"].partition(" ")
            if method != self.command or not entry["path"][len(BASE):].startswith(prefix):
                continue
            key = json.dumps(rule, sort_keys=True)
            with lock:
                used = fault_counts.get(key, 0)
                if used >= rule.get("times", 1):
                    continue
                fault_counts[key] = used + 1
            entry["fault"] = index
            if rule.get("delay"):
                time.sleep(rule["delay"])
            if rule.get("drop"):
                entry["drop_after"] = True
                return False
            if "status" not in rule:
                return False
            headers = dict(rule.get("headers", {}))
            if rule.get("reset_in") is not None:
                headers["x-ratelimit-reset"] = str(int(time.time() + rule["reset_in"]))
            if isinstance(rule.get("body"), str):
                self.send(rule["status"], raw=rule["body"].encode(), headers=headers)
            else:
                self.send(rule["status"], rule.get("body", {"message": "stand-in fault"}), headers=headers)
            if P == "github" and headers.get("x-ratelimit-remaining") is not None:
                pass
            return True
        return False

    # ------------------------------------------------------------ behaviour

    def can_see(self, ident, owner):
        """The token's owners, and (GitLab) their subgroups."""
        owner = owner.lower()
        mine = [o.lower() for o in ident.get("owners", [])] + [ident["user"].lower()]
        return any(owner == o or owner.startswith(o + "/") for o in mine)

    def paginate(self, items, query, render):
        size_key = "limit" if P in ("gitea", "forgejo") else "per_page"
        default = {"github": 30, "gitea": 30, "forgejo": 30, "gitlab": 20}[P]
        size = min(int(query.get(size_key, default)), MAX_PAGE)
        page = max(int(query.get("page", 1)), 1)
        total = len(items)
        pages = max((total + size - 1) // size, 1)
        chunk = items[(page - 1) * size: page * size]
        def url(n):
            q = dict(query); q["page"] = str(n)
            if size_key in query:
                q[size_key] = str(size)
            return "%s%s?%s" % (origin(self), self.path.split("?")[0], "&".join("%s=%s" % (k, quote(v, safe="")) for k, v in q.items()))
        links = []
        if page < pages:
            links.append('<%s>; rel="next"' % url(page + 1))
            links.append('<%s>; rel="last"' % url(pages))
        if page > 1:
            links.append('<%s>; rel="first"' % url(1))
            links.append('<%s>; rel="prev"' % url(page - 1))
        headers = {}
        data = [render(x) for x in chunk]
        if P == "github":
            if links:
                headers["Link"] = ", ".join(links)
            # GitHub sends an ETag on every page; If-None-Match with it is answered 304 (no rate limit used).
            etag = 'W/"%s"' % hashlib.sha1((json.dumps(data, sort_keys=True) + headers.get("Link", "")).encode()).hexdigest()
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, headers={"ETag": etag})
        elif P in ("gitea", "forgejo"):
            if links and not self.path.split("?")[0].endswith(("/reviews", "/comments")):
                headers["Link"] = ",".join(links)   # Gitea joins with "," and no space
            headers["X-Total-Count"] = str(total)
        else:
            if links:
                headers["Link"] = ", ".join(links)
            headers.update({"X-Page": str(page), "X-Per-Page": str(size), "X-Total": str(total), "X-Total-Pages": str(pages),
                            "X-Next-Page": str(page + 1) if page < pages else "", "X-Prev-Page": str(page - 1) if page > 1 else ""})
        self.send(200, data, headers)

    def repo_for(self, ident, owner, name):
        repo = state["repos"].get((owner.lower(), name.lower()))
        if repo is None or (repo["private"] and not self.can_see(ident, owner)):
            return None
        return repo

    def serve(self, op, params, query, body, ident, entry):
        t = op.template
        m = op.method
        me = state["users"][ident["user"].lower()]
        if t == "/user" and m == "GET":
            data = user_json(self, me)
            etag = 'W/"%s"' % hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()
            if P == "github" and self.headers.get("If-None-Match") == etag:
                return self.send(304, headers={"ETag": etag})
            return self.send(200, data, {"ETag": etag} if P == "github" else {})
        if t == "/version":
            return self.send(200, {"version": "17.4.0-pre"})
        if t == "/settings/api":
            # GeneralAPISettings; "settings_api": false answers 404 as an instance without it would.
            if config.get("settings_api", True) is False:
                return self.error(404, "not found")
            return self.send(200, {"max_response_items": MAX_PAGE, "default_paging_num": 30,
                                   "default_git_trees_per_page": 1000, "default_max_blob_size": 10485760,
                                   "default_max_response_size": 104857600})
        if P == "gitlab":
            return self.serve_gitlab(t, m, params, query, body, ident, me)
        owner = params.get("owner") or params.get("org") or params.get("username")
        # Repositories: create, get, list.
        if m == "POST" and t in ("/user/repos", "/orgs/{org}/repos"):
            owner = params.get("org") or me["login"]
            if params.get("org") and not self.can_see(ident, owner):
                return self.error(404 if P == "github" else 403, "Not Found" if P == "github" else "user is not allowed to create repos in this org")
            if (owner.lower(), body["name"].lower()) in state["repos"]:
                if P == "github":
                    return self.send(422, {"message": "Repository creation failed.", "errors": [{"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account"}],
                                           "documentation_url": "https://docs.github.com/rest/repos/repos#create-an-organization-repository", "status": "422"})
                return self.error(409, "The repository with the same name already exists.")
            private = body.get("private", False) or body.get("visibility") == "private"
            repo = add_repo({"owner": owner, "name": body["name"], "private": private, "description": body.get("description", ""),
                             "default_branch": body.get("default_branch", "main"), "visibility": body.get("visibility")})
            return self.send(201, repo_json(self, repo))
        if t == "/repos/{owner}/{repo}" and m == "GET":
            repo = self.repo_for(ident, owner, params["repo"])
            if repo is None:
                return self.error(404, "Not Found" if P == "github" else "not found")
            data = repo_json(self, repo)
            etag = 'W/"%s"' % hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()
            if P == "github" and self.headers.get("If-None-Match") == etag:
                return self.send(304, headers={"ETag": etag})
            return self.send(200, data, {"ETag": etag} if P == "github" else {})
        if m == "GET" and t in ("/orgs/{org}/repos", "/users/{username}/repos", "/user/repos"):
            if t == "/orgs/{org}/repos" and (owner.lower() not in state["groups"] or not self.can_see(ident, owner)):
                return self.error(404, "Not Found" if P == "github" else "not found")
            if t == "/user/repos":
                repos = [r for r in state["repos"].values() if self.can_see(ident, r["owner"])]
                if query.get("affiliation") == "owner":
                    repos = [r for r in repos if r["owner"].lower() == me["login"].lower()]
            else:
                repos = [r for r in state["repos"].values() if r["owner"].lower() == owner.lower()
                         and (not r["private"] or self.can_see(ident, owner))]
            if P == "github" and query.get("type") == "sources":
                repos = [r for r in repos if not r["fork"]]
            if P == "github" and query.get("type") == "forks":
                repos = [r for r in repos if r["fork"]]
            repos.sort(key=lambda r: r["id"])
            return self.paginate(repos, query, lambda r: repo_json(self, r))
        # Pull requests.
        key = (owner.lower(), params.get("repo", "").lower()) if owner else None
        repo = self.repo_for(ident, owner, params["repo"]) if key else None
        if repo is None:
            return self.error(404, "Not Found" if P == "github" else "not found")
        if not self.can_see(ident, owner):
            return self.error(403 if m != "GET" else 404, "Must have admin rights to Repository." if P == "github" else "forbidden")
        pulls = state["pulls"][key]
        number = int(params.get("pull_number") or params.get("index") or params.get("issue_number") or 0)
        pr = next((p for p in pulls if p["number"] == number), None)
        if t.endswith("/pulls") and m == "POST":
            if any(p["head"] == body["head"] and p["base"] == body["base"] and p["state"] == "open" for p in pulls):
                if P == "github":
                    return self.send(422, {"message": "Validation Failed", "errors": [{"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for %s:%s." % (owner, body["head"])}], "status": "422"})
                return self.error(409, "pull request already exists for these targets")
            sha = hashlib.sha1(body["head"].encode()).hexdigest()
            if GIT_ROOT:
                # A repository served over smart HTTP: the head is its branch's commit.
                sha = git_rev(repo, "refs/heads/" + body["head"].split(":")[-1])
                if sha is None or git_rev(repo, "refs/heads/" + body["base"]) is None:
                    return self.send(422, {"message": "Validation Failed", "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}]}
                                     if P == "github" else {"message": "branch does not exist", "url": ""})
            pr = {"number": len(pulls) + 1, "id": new_id(), "title": body.get("title", ""), "body": body.get("body", ""), "state": "open",
                  "head": body["head"].split(":")[-1], "base": body["base"], "sha": sha,
                  "author": me["login"], "reviewers": list(body.get("reviewers", [])), "reviews": [], "comments": [], "draft": body.get("draft", False)}
            pulls.append(pr)
            return self.send(201, pull_json(self, key, pr))
        if t.endswith("/pulls") and m == "GET":
            chosen = pulls
            st = query.get("state", "open")
            if st == "open":
                chosen = [p for p in pulls if p["state"] == "open"]
            elif st == "closed":
                chosen = [p for p in pulls if p["state"] != "open"]
            if P == "github" and query.get("head"):
                user, _, ref = query["head"].partition(":")
                chosen = [p for p in chosen if p["head"] == ref and user.lower() == owner.lower()]
            return self.paginate(chosen, query, lambda p: pull_json(self, key, p))
        if pr is None:
            return self.error(404, "Not Found" if P == "github" else "not found")
        if t.endswith("/pulls/{pull_number}") or t.endswith("/pulls/{index}"):
            if m == "GET":
                return self.send(200, pull_json(self, key, pr))
            if m == "PATCH":
                if body.get("state") == "closed" and pr["state"] == "open":
                    pr["state"] = "closed"
                return self.send(200 if P == "github" else 201, pull_json(self, key, pr))
        if t.endswith("/requested_reviewers") and m == "POST":
            for r in body.get("reviewers", []):
                if r.lower() not in state["users"]:
                    return self.send(422, {"message": "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s/%s repository." % (owner, params["repo"])}
                                     if P == "github" else {"message": "user does not exist", "url": ""})
                if r not in pr["reviewers"]:
                    pr["reviewers"].append(r)
            return self.send(201, pull_json(self, key, pr) if P == "github" else [])
        if t.endswith("/reviews") and m == "GET":
            def render(rv):
                tr = json.loads(json.dumps(TEMPLATES["review"]))
                user = dict(tr["user"]); user["login"] = rv["user"]
                tr.update({"id": rv["id"], "user": user, "state": rv["state"], "body": rv["body"], "commit_id": pr["sha"]})
                if P != "github":
                    tr.update({"dismissed": False, "stale": False, "official": True})
                return tr
            return self.paginate(pr["reviews"], query, render)
        if t.endswith("/reviews") and m == "POST":
            event = body.get("event")
            wanted = "APPROVE" if P == "github" else "APPROVED"
            if event != wanted:
                return self.error(422, "stand-in: only approvals are modelled (event %r)" % event)
            rv = {"id": new_id(), "user": me["login"], "state": "APPROVED", "body": body.get("body", "")}
            pr["reviews"].append(rv)
            tr = json.loads(json.dumps(TEMPLATES["review"]))
            tr.update({"id": rv["id"], "state": "APPROVED", "body": rv["body"], "commit_id": pr["sha"]})
            tr["user"] = dict(tr["user"], login=me["login"])
            return self.send(200, tr)
        if t.endswith("/comments") and m == "POST":
            c = {"id": new_id(), "body": body["body"], "user": me["login"]}
            pr["comments"].append(c)
            tc = json.loads(json.dumps(TEMPLATES["comment"]))
            tc.update({"id": c["id"], "body": c["body"]})
            tc["user"] = dict(tc["user"], login=me["login"])
            return self.send(201, tc)
        if t.endswith("/merge") and m in ("PUT", "POST"):
            if pr["state"] == "open" and (pr.get("draft") if P == "github" else is_wip(pr["title"])):
                # A draft does not merge (GitHub: 405; Gitea/Forgejo: 405 for a work-in-progress pull request).
                return self.send(405, {"message": "Pull Request is still a draft", "documentation_url": "https://docs.github.com/rest"} if P == "github"
                                 else {"message": "The pull request is a work in progress", "url": ""})
            if pr["state"] != "open":
                return self.send(405, {"message": "Pull Request is not mergeable", "documentation_url": "https://docs.github.com/rest"} if P == "github"
                                 else {"message": "The PR is already merged or closed", "url": ""})
            if body.get("sha") and body["sha"] != pr["sha"] or body.get("head_commit_id") and body["head_commit_id"] != pr["sha"]:
                return self.send(409, {"message": "Head branch was modified. Review and try the merge again.", "documentation_url": "https://docs.github.com/rest"} if P == "github"
                                 else {"message": "head out of date", "url": ""})
            if GIT_ROOT:
                merged_sha = git_merge(repo, pr)
                if merged_sha is None:
                    return self.send(405, {"message": "Pull Request is not mergeable", "documentation_url": "https://docs.github.com/rest"} if P == "github"
                                     else {"message": "Please try again later", "url": ""})
                pr["merge_sha"] = merged_sha
            pr["state"] = "merged"
            pr["merge_sha"] = pr.get("merge_sha") or hashlib.sha1(("merge" + pr["sha"]).encode()).hexdigest()
            if P == "github":
                return self.send(200, {"sha": pr["merge_sha"], "merged": True, "message": "Pull Request successfully merged"})
            return self.send(200)
        if t.endswith("/merge") and m == "GET":
            return self.send(204) if pr["state"] == "merged" else self.error(404, "Not Found")
        return self.violation(entry, "the stand-in does not model %s %s" % (m, t))

    def serve_gitlab(self, t, m, params, query, body, ident, me):
        if t == "/groups/{id}" and m == "GET":
            g = state["groups"].get(params["id"].lower())
            if g is None or not self.can_see(ident, g["name"]):
                return self.error(404, "Group Not Found")
            return self.send(200, {"id": g["id"], "name": g["name"].split("/")[-1], "path": g["name"].split("/")[-1], "full_path": g["name"],
                                   "full_name": g["name"].replace("/", " / "), "visibility": "private", "parent_id": None,
                                   "web_url": "%s/groups/%s" % (origin(self), g["name"])})
        if t == "/users" and m == "GET":
            u = state["users"].get(query.get("username", "").lower())
            return self.send(200, [user_json(self, u)] if u else [])
        if t == "/projects" and m == "POST":
            if "namespace_id" in body:
                g = next((g for g in state["groups"].values() if g["id"] == body["namespace_id"]), None)
                if g is None or not self.can_see(ident, g["name"]):
                    return self.error(404, "Namespace Not Found")
                owner = g["name"]
            else:
                owner = me["login"]
            name = body.get("path") or body.get("name")
            if (owner.lower(), name.lower()) in state["repos"]:
                return self.send(400, {"message": {"name": ["has already been taken"], "path": ["has already been taken"]}})
            repo = add_repo({"owner": owner, "name": name, "private": body.get("visibility", "private") != "public",
                             "visibility": body.get("visibility", "private"), "description": body.get("description", ""),
                             "default_branch": body.get("default_branch", "main")})
            return self.send(201, repo_json(self, repo))
        if t in ("/groups/{id}/projects", "/users/{user_id}/projects") and m == "GET":
            owner = params.get("id") or params.get("user_id")
            if t.startswith("/groups") and (owner.lower() not in state["groups"] or not self.can_see(ident, owner)):
                return self.error(404, "Group Not Found")
            repos = [r for r in state["repos"].values() if r["owner"].lower() == owner.lower()
                     and (not r["private"] or self.can_see(ident, owner))]
            if query.get("archived") == "false":
                repos = [r for r in repos if not r["archived"]]
            if query.get("archived") == "true":
                repos = [r for r in repos if r["archived"]]
            repos.sort(key=lambda r: r["id"])
            return self.paginate(repos, query, lambda r: repo_json(self, r))
        full = params.get("id", "")
        owner, _, name = full.rpartition("/")
        repo = self.repo_for(ident, owner, name) if owner else None
        if repo is None:
            return self.error(404, "Project Not Found")
        key = (owner.lower(), name.lower())
        if t == "/projects/{id}" and m == "GET":
            return self.send(200, repo_json(self, repo))
        if not self.can_see(ident, owner):
            return self.error(403, "403 Forbidden")
        pulls = state["pulls"][key]
        iid = int(params.get("iid", 0))
        pr = next((p for p in pulls if p["number"] == iid), None)
        if t == "/projects/{id}/merge_requests" and m == "POST":
            if any(p["head"] == body["source_branch"] and p["base"] == body["target_branch"] and p["state"] == "open" for p in pulls):
                return self.send(409, {"message": ["Another open merge request already exists for this source branch: !1"]})
            # With a git root, the source branch's real head (and it must exist, as on GitLab).
            sha = hashlib.sha1(body["source_branch"].encode()).hexdigest()
            if GIT_ROOT:
                sha = git_rev(repo, "refs/heads/" + body["source_branch"])
                if sha is None:
                    return self.send(422, {"message": ["Source branch does not exist"]})
            pr = {"number": len(pulls) + 1, "id": new_id(), "title": body["title"], "body": body.get("description", ""), "state": "open",
                  "head": body["source_branch"], "base": body["target_branch"], "sha": sha,
                  "author": me["login"], "reviewers": [], "approvals": [], "notes": []}
            pulls.append(pr)
            return self.send(201, pull_json(self, key, pr))
        if t == "/projects/{id}/merge_requests" and m == "GET":
            st = query.get("state", "all")
            chosen = [p for p in pulls if st == "all" or {"opened": "open"}.get(st, st) == p["state"]]
            if query.get("source_branch"):
                chosen = [p for p in chosen if p["head"] == query["source_branch"]]
            return self.paginate(chosen, query, lambda p: pull_json(self, key, p))
        if pr is None:
            return self.error(404, "Not found")
        if t == "/projects/{id}/merge_requests/{iid}":
            if m == "GET":
                return self.send(200, pull_json(self, key, pr))
            if "reviewer_ids" in body:
                byid = {u["id"]: u["login"] for u in state["users"].values()}
                pr["reviewers"] = [byid[i] for i in body["reviewer_ids"] if i in byid]
            if body.get("state_event") == "close" and pr["state"] == "open":
                pr["state"] = "closed"
            return self.send(200, pull_json(self, key, pr))
        if t.endswith("/approvals"):
            ta = json.loads(json.dumps(TEMPLATES["approvals"]))
            ta.update({"id": pr["id"], "iid": pr["number"], "approved": bool(pr["approvals"]),
                       "approved_by": [{"user": user_json(self, state["users"][a.lower()])} for a in pr["approvals"]]})
            return self.send(200, ta)
        if t.endswith("/approve"):
            if me["login"] in pr["approvals"]:
                return self.send(401, {"message": "401 Unauthorized"})
            pr["approvals"].append(me["login"])
            ta = json.loads(json.dumps(TEMPLATES["approvals"]))
            ta.update({"approved": True, "approved_by": [{"user": user_json(self, state["users"][a.lower()])} for a in pr["approvals"]]})
            return self.send(201, ta)
        if t.endswith("/notes"):
            note = {"id": new_id(), "body": body["body"], "author": user_json(self, me), "system": False, "noteable_iid": pr["number"]}
            pr["notes"].append(note)
            return self.send(201, note)
        if t.endswith("/merge"):
            if pr["state"] != "open" or pr["title"].startswith("Draft:"):
                return self.send(405, {"message": "405 Method Not Allowed"})
            if body.get("sha") and body["sha"] != pr["sha"]:
                return self.send(409, {"message": "SHA does not match HEAD of source branch: %s" % pr["sha"]})
            if GIT_ROOT:
                # A real merge commit on the target branch; 406 when the branches conflict (gitlab.md: merge errors).
                merged_sha = git_merge(repo, pr)
                if merged_sha is None:
                    return self.send(406, {"message": "Branch cannot be merged"})
                pr["merge_sha"] = merged_sha
            pr["state"] = "merged"
            pr["merge_sha"] = pr.get("merge_sha") or hashlib.sha1(("merge" + pr["sha"]).encode()).hexdigest()
            return self.send(200, pull_json(self, key, pr))
        return self.send(400, {"message": "stand-in: not modelled"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


server = Server(("127.0.0.1", 0), Handler)
if config.get("tls_cert"):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(config["tls_cert"], config["tls_key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(config["port_file"] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(config["port_file"] + ".tmp", config["port_file"])
server.serve_forever()
