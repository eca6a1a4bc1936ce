#!/usr/bin/env bash
# Times `git hforge status` (warm: its cached report) beside `git remote -v` on
# the same repository, and each tool's start-up (`--version`) beside
# `git --version`, in alternating pairs in one run, and prints the medians of
# wall and CPU time and the ratios; also the installed size.
#
#   benchmarks/hforge.sh [--pairs N]
# Targets (issue 11): status within 3x of `git remote -v`; --version within 3x
# of `git --version`; the installed executables under 40 MB in all.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=300
[ "${1:-}" = "--pairs" ] && pairs="$2"

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

python3 "$repo_root/benchmarks/pairs.py" "$(python3 - "$pairs" <<'PY'
import json, sys
print(json.dumps({"pairs": int(sys.argv[1]), "target_wall": 3,
                  "baseline": ["git remote -v", ["git", "remote", "-v"]],
                  "ours": [["git hforge status", ["git", "hforge", "status"]]]}))
PY
)"
python3 "$repo_root/benchmarks/pairs.py" "$(python3 - "$pairs" <<'PY'
import json, sys
print(json.dumps({"pairs": int(sys.argv[1]), "target_wall": 3,
                  "baseline": ["git --version", ["git", "--version"]],
                  "ours": [[f"{t} --version", [t, "--version"]] for t in ["git-hforge", "git-realm", "git-scope", "git-credential-hforge"]]}))
PY
)"
size=$(du -b "$bin/hyperforge" | cut -f1)
echo "installed executables: hyperforge $size bytes (every tool and the coordinator are links to it) = $((size / 1000000)) MB  target < 40 MB: $([ "$size" -lt 40000000 ] && echo met || echo MISSED)"
