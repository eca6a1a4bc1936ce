#!/usr/bin/env bash
# One comparison of two contract schemas (compile both, compare both ways,
# find the witness for a breaking one), hyperforge's engine beside
# jsonsubschema (PyPI, installed here in a virtual environment of its own) on
# the same pairs (benchmarks/compat_pairs.py): the median of each, and the ratio.
#
#   benchmarks/compat.sh [--repeat N]
# Target (issue 15): under 1 ms median per comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=200
[ "${1:-}" = "--repeat" ] && repeat="$2"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q jsonsubschema >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product schema-bench >/dev/null
bench="$(swift build -c release --static-swift-stdlib --show-bin-path)/schema-bench"
python3 benchmarks/compat_pairs.py "$work/pairs.json"
"$bench" --pairs "$work/pairs.json" --repeat "$repeat" > "$work/swift.jsonl"
"$work/venv/bin/python" benchmarks/compat_bench.py --pairs "$work/pairs.json" --repeat "$((repeat / 10 > 5 ? repeat / 10 : 5))" > "$work/python.jsonl"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
ours = [json.loads(l) for l in open(f"{work}/swift.jsonl")]
theirs = {r["name"]: r for r in (json.loads(l) for l in open(f"{work}/python.jsonl"))}
print(f"{'pair':66} {'hyperforge':>24} {'jsonsubschema':>26} {'ratio':>8}")
worst = 0
for r in ours:
    t = theirs[r["name"]]
    worst = max(worst, r["median_ms"])
    print(f"{r['name'][:66]:66} {r['verdict']:>12} {r['median_ms']:8.3f} ms {t['verdict']:>14} {t['median_ms']:8.3f} ms {t['median_ms'] / r['median_ms']:7.1f}x")
    if r["witness"]:
        print(f"    witness: {r['witness']}")
print(f"slowest hyperforge median {worst:.3f} ms; target < 1 ms: {'met' if worst < 1 else 'MISSED'}")
PY
