#!/usr/bin/env bash
# Times `git hforge status` beside `git remote -v` on the same repository, and
# each executable's start-up (`--version`) beside `git --version`, in one run
# with hyperfine, and prints medians and ratios.
#
#   benchmarks/hforge.sh [--runs N]
# Targets (issue 2): status within 3x of `git remote -v`; start-up under 10 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=300
[ "${1:-}" = "--runs" ] && runs="$2"

. benchmarks/common.sh

isolated_home
git init -q -b main "$work/repo" && cd "$work/repo"
for i in 1 2 3; do git commit -q --allow-empty -m "commit $i"; done
git hforge init --forges github,codeberg,gitlab --org alice --repo-name tool >/dev/null
git update-ref refs/remotes/github/main HEAD~2    # github: last fetched two commits ago
git update-ref refs/remotes/codeberg/main HEAD
# status caches its report only for inputs older than its racy window (3 s,
# git's rule for timestamps too coarse to see a second change): a user's
# repository is in that state; a repository made a moment ago is not yet.
sleep 4

hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$work/results.json" \
    'git remote -v' 'git hforge status' \
    'git --version' 'git-hforge --version' 'git-realm --version' 'git-scope --version' 'git-credential-hforge --version' \
    >/dev/null

python3 - "$work/results.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = lambda c: results[c]["median"] * 1000
def row(ours, base, target=None, absolute=None):
    ratio = ms(ours) / ms(base)
    note = ""
    if target: note = f"  target <= {target}x: {'met' if ratio <= target else 'MISSED'}"
    if absolute: note = f"  target < {absolute} ms: {'met' if ms(ours) < absolute else 'MISSED'}"
    print(f"{ours:34} {ms(ours):7.2f} ms   {base:16} {ms(base):6.2f} ms   ratio {ratio:5.2f}x{note}")
print(f"medians of {results['git remote -v']['times'].__len__()} runs each")
row("git hforge status", "git remote -v", target=3)
for tool in ["git-hforge", "git-realm", "git-scope", "git-credential-hforge"]:
    row(f"{tool} --version", "git --version", absolute=10)
PY
