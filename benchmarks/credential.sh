#!/usr/bin/env bash
# Times `git credential fill` answered by git-credential-hforge (file provider,
# a forge scope already granted) beside the same answered by git's own
# `credential-store`, in alternating pairs in one run, and prints the medians
# of wall and CPU time and the ratios. Ours is measured configured by absolute
# path (what `git hforge init` writes: git runs it directly) and, for
# comparison, by name (git then starts a second git to run it).
#
#   benchmarks/credential.sh [--pairs N]
# Then the same with an auth.toml in place (the helper reads it through its
# compiled copy, auth-compiled.json, once the file has settled). Both are
# measured in the steady state: the helper's memo (credential-memo) written.
# Target (issue 11): within 1.3x of git credential-store, median CPU and wall.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=300
[ "${1:-}" = "--pairs" ] && pairs="$2"
. benchmarks/common.sh

isolated_home
touch "$GIT_CONFIG_GLOBAL"
printf 'tok-123' | git scope set git/github/alice/repo/tool/token >/dev/null
git scope get git/github/alice/repo/tool/token >/dev/null          # granted (auto) once, as after first use
printf 'protocol=https\nhost=github.com\npath=alice/tool.git\nusername=x-access-token\npassword=tok-123\n' |
    git -c credential.helper="store --file=$work/store" -c credential.useHttpPath=true credential approve
printf 'protocol=https\nhost=github.com\npath=alice/tool.git\n\n' > "$work/request"
helper="$bin/git-credential-hforge"

# The steady state git sees: once the grant is a few seconds old, the helper
# keeps what it worked out in its memo (git's racy rule keeps it from doing so
# sooner); wait for that, as for the compiled copy below.
memo="$XDG_STATE_HOME/hyperforge/credential-memo"
deadline=$((SECONDS + 30))
until [ -f "$memo" ]; do
    [ $SECONDS -lt $deadline ] || { echo "the helper never kept its memo" >&2; exit 1; }
    git -c credential.helper= -c credential.helper="$helper" -c credential.useHttpPath=true credential fill < "$work/request" >/dev/null
done

# All must answer the same token.
for h in "store --file=$work/store" "$helper" hforge; do
    got=$(git -c credential.helper= -c credential.helper="$h" -c credential.useHttpPath=true credential fill < "$work/request" | grep password)
    [ "$got" = "password=tok-123" ] || { echo "helper '$h' answered '$got'" >&2; exit 1; }
done

python3 "$repo_root/benchmarks/pairs.py" "$(python3 - "$work" "$helper" "$pairs" <<'PY'
import json, sys
work, helper, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
fill = lambda h: ["git", "-c", "credential.helper=", "-c", f"credential.helper={h}", "-c", "credential.useHttpPath=true", "credential", "fill"]
print(json.dumps({"pairs": pairs, "stdin": f"{work}/request", "target_cpu": 1.3, "target_wall": 1.3,
                  "baseline": ["git credential fill, credential-store", fill(f"store --file={work}/store")],
                  "ours": [["git credential fill, hforge by absolute path", fill(helper)],
                           ["git credential fill, hforge by name", fill("hforge")]]}))
PY
)"

# With an auth.toml: the helper answers from its compiled copy while the file
# is unchanged (written once the file is a few seconds old: git's racy rule).
mkdir -p "$XDG_CONFIG_HOME/hyperforge"
printf '[auth]\ndefault = "local"\ndefault_policy = "auto"\n\n[auth.providers.local]\ntype = "file"\n\n[auth.policy]\n"git/github/alice/*" = "auto"\n' > "$XDG_CONFIG_HOME/hyperforge/auth.toml"
printf 'tok-123' | git scope set git/github/alice/repo/tool/token >/dev/null
git scope get git/github/alice/repo/tool/token >/dev/null
compiled="$XDG_STATE_HOME/hyperforge/auth-compiled.json"
rm -f "$memo"
deadline=$((SECONDS + 30))
until [ -f "$compiled" ] && [ -f "$memo" ]; do
    [ $SECONDS -lt $deadline ] || { echo "the helper never compiled auth.toml" >&2; exit 1; }
    git -c credential.helper= -c credential.helper="$helper" -c credential.useHttpPath=true credential fill < "$work/request" >/dev/null
done
echo "with auth.toml (compiled copy in use):"
python3 "$repo_root/benchmarks/pairs.py" "$(python3 - "$work" "$helper" "$pairs" <<'PY'
import json, sys
work, helper, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
fill = lambda h: ["git", "-c", "credential.helper=", "-c", f"credential.helper={h}", "-c", "credential.useHttpPath=true", "credential", "fill"]
print(json.dumps({"pairs": pairs, "stdin": f"{work}/request", "target_cpu": 1.3, "target_wall": 1.3,
                  "baseline": ["git credential fill, credential-store", fill(f"store --file={work}/store")],
                  "ours": [["git credential fill, hforge by absolute path, auth.toml", fill(helper)]]}))
PY
)"
