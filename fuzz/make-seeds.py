#!/usr/bin/env python3
"""Writes the committed seed corpus, fuzz/corpus/TARGET/, from the project's
own examples: the RFC's realm (Tests/HyperforgeTests/Support/RFCExamples.swift),
the README's TOML, the official JSON Schema Test Suite (Tests/Fixtures), the
URLs and versions the unit tests use, RFC 8259's examples, and the requests
the coordinator's clients send. Run it again after changing those; the
output is committed (scripts/fuzz.sh only reads it)."""
import json, os, re, shutil, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "fuzz", "corpus")


def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def rfc_examples():
    """The files of RFCExamples.swift: multi-line literals, indentation removed as Swift does."""
    text = open(os.path.join(root, "Tests/HyperforgeTests/Support/RFCExamples.swift")).read()
    files = {}
    for m in re.finditer(r'"([^"]+)": """\n(.*?)\n( *)""",', text, re.S):
        indent = len(m.group(3))
        files[m.group(1)] = "\n".join(l[indent:] for l in m.group(2).split("\n")) + "\n"
    for m in re.finditer(r'"([^"]+\.yaml)": "((?:[^"\\]|\\.)*)",', text):
        files[m.group(1)] = m.group(2).encode().decode("unicode_escape")
    return files


def readme_toml():
    text = open(os.path.join(root, "README.md")).read()
    return re.findall(r"```toml\n(.*?)```", text, re.S)


for d in os.listdir(out) if os.path.isdir(out) else []:
    shutil.rmtree(os.path.join(out, d))

# realm: the RFC's files, and a few the writer produces.
for path, text in rfc_examples().items():
    write("realm", "rfc-" + path.replace("/", "-"), text)
write("realm", "flow-and-quoting.yaml", 'name: "x"\nversion: \'1.0.0\'\nmaintainers: [a, "b c", \'d\']\nvalue: {a: 1, b: [true, null, 1.5, -7, "017"]}\n')
write("realm", "numbers-contract.yaml", 'name: limits\nversion: "2.0.0-rc.1+b5"\nowner: aperture\ncompatibility: {backwards: false, forwards: true}\n'
      'schema:\n  type: object\n  properties:\n    ratio: {type: number, minimum: -1.5e+3, exclusiveMaximum: 0x10, multipleOf: 0.25}\n    count: {type: integer, maximum: 9223372036854775807}\n'
      '    name: {type: string, pattern: "^[a-z]+$", maxLength: 15}\nvalue: {ratio: .5, count: -0, name: abc}\n')
write("realm", "block-scalars.yaml", "name: d\ndescription: |\n  two\n  lines\nmembers: >-\n  folded\n")

# json: RFC 8259 section 13's examples, edge cases, and realm-index-like documents.
write("json", "rfc8259-object.json", '{\n  "Image": {\n    "Width":  800,\n    "Height": 600,\n    "Title":  "View from 15th Floor",\n    "Thumbnail": {\n      "Url":    "http://www.example.com/image/481989943",\n      "Height": 125,\n      "Width":  100\n    },\n    "Animated" : false,\n    "IDs": [116, 943, 234, 38793]\n  }\n}\n')
write("json", "rfc8259-array.json", '[\n  {\n    "precision": "zip",\n    "Latitude":  37.7668,\n    "Longitude": -122.3959,\n    "Address":   "",\n    "City":      "SAN FRANCISCO",\n    "State":     "CA",\n    "Zip":       "94107",\n    "Country":   "US"\n  }\n]\n')
write("json", "rfc8259-scalars.json", '"Hello world!"')
write("json", "numbers.json", '[0, -0, 1.5e3, -2E-2, 9223372036854775807, -9223372036854775808, 9223372036854775808, 1e308, 0.1]')
write("json", "escapes.json", '["\\u00e9\\ud834\\udd1e", "\\"\\\\\\/\\b\\f\\n\\r\\t", "\u00e9\U0001d11e", "\\u0000"]')
write("json", "bom.json", b'\xef\xbb\xbf{"a":[[],{}]}')
write("json", "nested.json", "[" * 40 + "]" * 40)
write("json", "index.json", json.dumps({"commit": "0" * 40, "domains": {"s3-access": {"members": ["aperture"], "contracts": {}}}, "repos": {"aperture": {"org": "cultivarium"}}}))

# schema: the JSON Schema Test Suite, one seed per keyword file (its first group), as [schema, data...].
suite = os.path.join(root, "Tests/Fixtures/JSON-Schema-Test-Suite/tests")
for draft in ("draft2020-12", "draft7"):
    for name in sorted(os.listdir(os.path.join(suite, draft))):
        if not name.endswith(".json"):
            continue
        groups = json.load(open(os.path.join(suite, draft, name)))
        g = groups[0]
        write("schema", "suite-%s-%s" % (draft, name), json.dumps([g["schema"]] + [t["data"] for t in g["tests"]]))
# The RFC contract's schema and value.
write("schema", "rfc-s3-permissions.json", json.dumps([
    {"type": "object", "required": ["read"], "properties": {
        "read": {"type": "array", "items": {"type": "string"}},
        "write": {"type": "array", "items": {"type": "string"}, "default": []},
        "delete": {"type": "array", "items": {"type": "string"}, "default": []}}},
    {"read": ["jobs/*/masks/*"], "write": [], "delete": []},
    {"write": []}]))

# config: the README's config.toml / defaults.toml.
blocks = readme_toml()
write("config", "readme-config.toml", blocks[0])
write("config", "readme-custom-forge.toml", 'forges = ["work", "github"]\norg = "team/sub"\nprotocol = "https"\n\n' + blocks[1])
write("config", "defaults.toml", 'org = "alice"\nforges = ["github", "codeberg"]\n')
write("config", "gitlab-nested.toml", 'forges = ["gitlab"]\norg = "group/sub/deeper"\nrepo_name = "app"\nvisibility = "internal"\n[ssh]\ngitlab = "~/.ssh/gl"\n')
write("config", "plain-http-forge.toml", 'forges = ["lab"]\norg = "o"\n[custom_forges.lab]\nkind = "forgejo"\nhost = "127.0.0.1"\nweb_url = "http://127.0.0.1:3000/"\n')

# auth: the README's auth.toml.
write("auth", "readme-auth.toml", blocks[2])
write("auth", "minimal.toml", '[auth]\ndefault_policy = "approve"\napproval_timeout = 0.5\n[auth.policy]\n"git/*/*/repo/*/token" = "deny"\n"cargo/?/*" = "auto"\n')

# semver: the versions and requirements of SemverTests and the RFC's import range.
write("semver", "versions.txt", "1.0.0-alpha\n1.0.0-alpha.1\n1.0.0-alpha.beta\n1.0.0-beta.2\n1.0.0-beta.11\n1.0.0-rc.1\n1.0.0\n1.2.3+build.5\n18446744073709551615.0.0\n")
write("semver", "requirements.txt", ">=1.0.0, <2.0.0\n1.4.0\n^0.2.3\n~1.2\n=1.2.*\n*\n<=1.2.3-rc.1\n>1\n")
write("semver", "rfc-binding.txt", ">=1.0.0, <2.0.0\n1.4.0\n")

# remote-url: what the unit tests parse, and credentials in URLs.
urls = ["git@github.com:alice/my-tool.git", "ssh://git@git.example.com:2222/team/app", "git+ssh://git@gitlab.com/group/sub/lib.git",
        "https://user:secret@gitlab.com/a/b/c.git/", "https://ghp_0123456789abcdefghij@github.com/alice/tool.git",
        "http://127.0.0.1:8080/alice/tool.git", "ssh://[::1]:22/~/repo.git", "file:///srv/x.git", "../other",
        "https://oauth2:glpat-x%40y@gitlab.com/g/sub/x.git"]
for i, u in enumerate(urls):
    write("remote-url", "url-%02d.txt" % i, u)

# credential: git-credential(1) requests.
write("credential", "get-github.txt", "protocol=https\nhost=github.com\npath=alice/my-tool.git\n\n")
write("credential", "store.txt", "protocol=https\nhost=example.com:8443\nusername=bob\npassword=s3cret\ncapability[]=authtype\n\n")
write("credential", "url.txt", "url=https://alice:pw%0Aline@gitlab.com/group/sub/app.git\nwwwauth[]=Bearer realm=\"x\"\n")
write("credential", "crlf.txt", "protocol=http\r\nhost=127.0.0.1\r\npath=o/r\r\n\r\n")

# http: what the coordinator's clients send (first byte: how it arrives, see HTTPTarget).
requests = {
    "health": "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "session": 'POST /sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 48\r\n\r\n{"repo":"aperture","realm":"letemcook","pid":42}',
    "notifications-query": "GET /notifications?realm=letemcook&repo=fungal%2Dimage&all=1 HTTP/1.1\r\nConnection: close\r\n\r\n",
    "pipelined": "GET /realms HTTP/1.1\r\n\r\nDELETE /sessions/7 HTTP/1.1\r\nAuthorization: Bearer 0123456789abcdef\r\n\r\n",
    "http10-keepalive": "\r\nGET /health HTTP/1.0\nConnection: keep-alive\n\nGET /realms/x HTTP/1.0\n\n",
    "chunked": "PUT /realms/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "content-lengths": "POST /notifications/3/ack HTTP/1.1\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\n{}",
}
for i, (name, req) in enumerate(sorted(requests.items())):
    write("http", name + ".http", bytes([[0x0B, 0x00, 0x24, 0x0F, 0x13, 0x2A, 0x06][i % 7]]) + req.encode())
