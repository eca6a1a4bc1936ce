#!/usr/bin/env bash
# Times `git realm status` on a member of a generated realm (200 contracts,
# 400 bindings, 100 member repositories, 100 domains: benchmarks/generate_realm.py)
# beside `git status` on the same repository, in one hyperfine run, and prints medians and ratios:
#   warm: the realm's index cached (keyed by the realm commit), as after any
#         earlier status or fetch;
#   cold: --no-cache, every YAML file of the realm read and checked again.
#
#   benchmarks/realm.sh [--runs N]
# Targets (issue 4): warm under 50 ms median; cold under 500 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=200
[ "${1:-}" = "--runs" ] && runs="$2"

. benchmarks/common.sh

isolated_home

# The realm, written in the RFC's formats.
generated_realm
echo "realm: $(git -C "$work/realm" ls-files | grep -c /contracts/) contracts, $(git -C "$work/realm" ls-files | grep -c /bindings/) bindings, $(git -C "$work/realm" ls-files | grep -c ^repos/) repositories"

# A member repository with some history and files, joined (already registered).
joined_member   # its realm read once: the index is cached from here on

hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$work/warm.json" \
    'git status' 'git realm status' >/dev/null
hyperfine -N --style none --warmup 2 --runs 20 --export-json "$work/cold.json" \
    'git realm status --no-cache' >/dev/null

python3 - "$work/warm.json" "$work/cold.json" <<'PY'
import json, sys
warm = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
cold = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
ms = lambda r: r["median"] * 1000
g, s, c = ms(warm["git status"]), ms(warm["git realm status"]), ms(cold["git realm status --no-cache"])
print(f"medians: {len(warm['git status']['times'])} runs warm, {len(cold['git realm status --no-cache']['times'])} cold")
print(f"git realm status (warm)        {s:7.2f} ms   git status {g:6.2f} ms   ratio {s / g:5.2f}x  target < 15 ms: {'met' if s < 15 else 'MISSED'}")
print(f"git realm status --no-cache    {c:7.2f} ms   git status {g:6.2f} ms   ratio {c / g:5.2f}x  target < 500 ms: {'met' if c < 500 else 'MISSED'}")
PY
