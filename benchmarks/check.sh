#!/usr/bin/env bash
# 1. Times `git realm check` on a repository exporting 20 and importing 50
#    contracts of a 200-contract realm (benchmarks/generate_realm.py), beside
#    `git status` on the same repository, in one hyperfine run: warm (results
#    cached in .git/realm/cache.db, as after any earlier check) and cold
#    (--no-cache: every contract read, validated and every script run).
# 2. Compares validation throughput with Python's jsonschema on the same
#    schemas and documents: the JSON Schema Test Suite's required tests, and
#    a large generated document (timing validation only, not parsing).
#
#   benchmarks/check.sh [--runs N]
# Targets (issue 5): warm under 50 ms median; throughput above jsonschema's.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs=200
[ "${1:-}" = "--runs" ] && runs="$2"

. benchmarks/common.sh
python3 -c 'import jsonschema' 2>/dev/null || {
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq python3-jsonschema >/dev/null; else echo "needs Python's jsonschema: sudo apt-get install -y python3-jsonschema" >&2; exit 1; fi
}

suite="$PWD/Tests/Fixtures/JSON-Schema-Test-Suite"
isolated_home

generated_realm

# The member: the source files it exports from, the files its imports bind, the scripts.
git init -q "$work/member" && cd "$work/member"
mkdir -p src infra scripts
for d in $(seq -w 0 99); do
    for c in a b; do echo "# contract-0$d-$c" > "src/contract-0$d-$c.py"; echo "# binding" > "infra/contract-0$d-$c.py"; done
done
printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' > scripts/validate.sh && chmod +x scripts/validate.sh
git add -A && git commit -qm files
git realm admin join "$work/realm.git" --repo bench-member >/dev/null
git realm check >/dev/null || true   # fills the cache
git realm check --format json > "$work/first.json" || true
python3 - "$work/first.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"check: {r['contracts_checked']} contract checks (20 exports, 50 imports), {r['errors']} errors, {r['warnings']} warnings, {r['cache_hits']} from the cache")
PY

hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$work/warm.json" 'git status' 'git realm check' -i >/dev/null 2>&1
hyperfine -N --style none --warmup 1 --runs 5 --export-json "$work/cold.json" 'git realm check --no-cache' -i >/dev/null 2>&1

# Throughput: a generated document of records against a schema with the usual keywords.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
schema = {
    "type": "array",
    "items": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "email", "status", "tags", "scores", "address"],
        "properties": {
            "id": {"type": "integer", "minimum": 0},
            "name": {"type": "string", "minLength": 1, "maxLength": 80},
            "email": {"type": "string", "pattern": "^[a-z0-9.]+@[a-z0-9.]+$"},
            "status": {"enum": ["active", "suspended", "deleted"]},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "maxItems": 10},
            "scores": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100}},
            "address": {"type": "object", "required": ["city"], "properties": {
                "street": {"type": "string"}, "city": {"type": "string"}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}}},
        },
    },
}
records = [{"id": i, "name": f"user {i}", "email": f"user{i}@example.com", "status": ["active", "suspended", "deleted"][i % 3],
            "tags": [f"t{i % 7}", f"u{i % 11}"], "scores": [i % 100, (i * 7) % 100, 50.5],
            "address": {"street": f"{i} Main St", "city": "Springfield", "zip": f"{10000 + i % 90000:05d}"}} for i in range(20000)]
json.dump(schema, open(f"{work}/schema.json", "w"))
json.dump(records, open(f"{work}/document.json", "w"))
PY
schema_bench="$build_bin/schema-bench"
"$schema_bench" --suite "$suite" --repeat 20 > "$work/swift-suite.json"
python3 "$repo/benchmarks/schema_bench.py" --suite "$suite" --repeat 2 > "$work/python-suite.json"
"$schema_bench" --schema "$work/schema.json" --document "$work/document.json" --repeat 10 > "$work/swift-doc.json"
python3 "$repo/benchmarks/schema_bench.py" --schema "$work/schema.json" --document "$work/document.json" --repeat 2 > "$work/python-doc.json"

python3 - "$work" "$(stat -c %s "$work/document.json")" <<'PY'
import json, sys
work, size = sys.argv[1], int(sys.argv[2])
warm = {r["command"]: r for r in json.load(open(f"{work}/warm.json"))["results"]}
cold = {r["command"]: r for r in json.load(open(f"{work}/cold.json"))["results"]}
ms = lambda r: r["median"] * 1000
g, c, n = ms(warm["git status"]), ms(warm["git realm check"]), ms(cold["git realm check --no-cache"])
print(f"medians: {len(warm['git status']['times'])} runs warm, {len(cold['git realm check --no-cache']['times'])} cold")
print(f"git realm check (warm)       {c:8.2f} ms   git status {g:6.2f} ms   ratio {c / g:6.2f}x  target < 15 ms: {'met' if c < 15 else 'MISSED'}")
print(f"git realm check --no-cache   {n:8.2f} ms   git status {g:6.2f} ms   ratio {n / g:6.2f}x")
load = lambda name: json.load(open(f"{work}/{name}.json"))
for label, s, p, unit in (("suite (required tests)", load("swift-suite"), load("python-suite"), "validations/s"),
                          (f"document ({size / 1e6:.1f} MB)", load("swift-doc"), load("python-doc"), "validations/s")):
    rs, rp = s["validations"] / s["seconds"], p["validations"] / p["seconds"]
    extra = f"  ({rs * size / 1e6:.0f} vs {rp * size / 1e6:.1f} MB/s)" if "MB" in label else ""
    print(f"throughput, {label:24} hyperforge {rs:10.1f}  python jsonschema {rp:9.1f} {unit}  ratio {rs / rp:5.1f}x  target > 1x: {'met' if rs > rp else 'MISSED'}{extra}")
PY
