#!/usr/bin/env python3
"""Writes a realm in the RFC's formats for the benchmarks: 100 repositories,
100 domains, 200 contracts, 400 bindings. Domain i is owned by repo-i (two
contracts) and consumed by the next three repositories, except that MEMBER
owns domains 0-9 (20 exported contracts) and consumes both contracts of
domains 10-34 (50 imports).

    generate_realm.py DIR MEMBER
"""
import os
import sys

root, member = sys.argv[1], sys.argv[2]


def write(path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)


write("realm.yaml", 'name: bench\nversion: "1.0.0"\ncreated_at: 2026-01-24T10:00:00Z\ngovernance:\n  admission: approval\n  approvers: [bench@example.com]\n')
repos = [f"repo-{i:03d}" for i in range(99)] + [member]
for r in repos:
    write(f"repos/{r}.yaml", f"name: {r}\norg: bench\nurl: git@example.com:bench/{r}.git\nmaintainers:\n  - bench@example.com\njoined_at: 2026-01-24T10:00:00Z\n")
for d in range(100):
    owner = member if d < 10 else repos[d % 99]
    consumers = [repos[(d + k) % 99] for k in (1, 2, 3)]
    if 10 <= d < 35:
        consumers[0] = member
    consumers = [c for c in consumers if c != owner]
    members = [owner] + consumers
    name = f"domain-{d:03d}"
    write(f"domains/{name}/domain.yaml", f"name: {name}\ndescription: generated\ncreated_at: 2026-01-24T10:00:00Z\nmembers:\n" + "".join(f"  - {m}\n" for m in members))
    contracts = [f"contract-{d:03d}-{c}" for c in "ab"]
    for c in contracts:
        write(f"domains/{name}/contracts/{c}.yaml", f'''name: {c}
version: "1.{d % 7}.0"
owner: {owner}
compatibility:
  backwards: true
  forwards: false
schema:
  type: object
  required: [read]
  properties:
    read:
      type: array
      items: {{ type: string, pattern: "^[a-z*/.-]+$" }}
    write:
      type: array
      items: {{ type: string }}
      default: []
    limits:
      type: object
      properties:
        max: {{ type: integer, minimum: 0 }}
value:
  read: ["jobs/*/masks/*", "training-runs/*"]
  write: ["jobs/*/*/manifest.json"]
  limits: {{ max: 10 }}
validation:
  exporter: scripts/validate.sh
  importer: scripts/validate.sh
evolution:
  - version: "1.0.0"
    changes: ["Initial"]
    compatible: true
  - version: "1.{d % 7}.0"
    changes: ["Current"]
    compatible: true
''' if d % 7 else f'''name: {c}
version: "1.0.0"
owner: {owner}
compatibility:
  backwards: true
  forwards: false
schema:
  type: object
  required: [read]
  properties:
    read:
      type: array
      items: {{ type: string }}
value:
  read: ["jobs/*"]
validation:
  exporter: scripts/validate.sh
  importer: scripts/validate.sh
evolution:
  - version: "1.0.0"
    changes: ["Initial"]
    compatible: true
''')
    write(f"domains/{name}/bindings/{owner}.yaml", f"repo: {owner}\nrole: provider\nexports:\n" + "".join(f"  - contract: {c}\n    source_files: [src/{c}.py]\n" for c in contracts))
    for m in consumers:
        write(f"domains/{name}/bindings/{m}.yaml", f"repo: {m}\nrole: consumer\nimports:\n" + "".join(
            f'  - contract: {c}\n    version: ">=1.0.0, <2.0.0"\n    binding: infra/{c}.py\n    status: current\n    resolved_version: "1.{d % 7}.0"\n    resolved_at: 2026-01-24T12:00:00Z\n' for c in contracts))
