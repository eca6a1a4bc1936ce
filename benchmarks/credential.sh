#!/usr/bin/env bash
# Times `git credential fill` answered by git-credential-hforge (file provider,
# a forge scope already granted) beside the same answered by git's own
# `credential-store`, in one hyperfine run, and prints medians and the ratio.
#
#   benchmarks/credential.sh [--runs N]
# Target (issue 3): within 1.5x of git credential-store.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=300
[ "${1:-}" = "--runs" ] && runs="$2"
. benchmarks/common.sh

isolated_home
touch "$GIT_CONFIG_GLOBAL"
printf 'tok-123' | git scope set git/github/alice/repo/tool/token >/dev/null
git scope get git/github/alice/repo/tool/token >/dev/null          # granted (auto) once, as after first use
printf 'protocol=https\nhost=github.com\nusername=x-access-token\npassword=tok-123\n' |
    git -c credential.helper="store --file=$work/store" credential approve
printf 'protocol=https\nhost=github.com\npath=alice/tool.git\n\n' > "$work/request"

# Both must answer the same token.
ours=$(git -c credential.helper=hforge -c credential.useHttpPath=true credential fill < "$work/request" | grep password)
theirs=$(git -c credential.helper="store --file=$work/store" credential fill < "$work/request" | grep password)
[ "$ours" = "password=tok-123" ] && [ "$theirs" = "password=tok-123" ] || { echo "helpers disagree: $ours / $theirs" >&2; exit 1; }

# hyperfine runs each through a shell (for the '<' redirection) and subtracts
# the shell's own start-up, measured in the same run.
hyperfine --style none --warmup 20 --runs "$runs" --export-json "$work/results.json" \
    "git -c credential.helper='store --file=$work/store' credential fill < $work/request" \
    "git -c credential.helper=hforge -c credential.useHttpPath=true credential fill < $work/request" >/dev/null

python3 - "$work/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base, ours = r[0]["median"] * 1000, r[1]["median"] * 1000
ratio = ours / base
print(f"medians of {len(r[0]['times'])} runs each")
print(f"git credential fill, credential-store        {base:6.2f} ms")
print(f"git credential fill, git-credential-hforge   {ours:6.2f} ms   ratio {ratio:4.2f}x  target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}")
PY
