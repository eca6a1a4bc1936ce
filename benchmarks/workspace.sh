#!/usr/bin/env bash
# `git hforge workspace status` on generated workspaces of small repositories,
# each with a committed .hyperforge/config.toml and two remotes (both fetched),
# side by side in one run with `mr -j2 status` (myrepos), `gita ll` and a shell
# loop of `git status --porcelain` over the same repositories, in rounds (each
# round runs every command once, so all see the same machine load). Prints the
# medians of wall time, CPU time (user + system, children included) and peak
# resident memory, the ratios, and our time per repository at each size.
#
#   benchmarks/workspace.sh [--rounds N] [--sizes "100 1000 5000"]
# Targets (issue 16), at 1,000 repositories: median wall under 0.5 s, at least
# 20x faster than `mr -j2 status` and 3x faster than the shell loop; resident
# memory under 100 MiB; time linear in the number of repositories.
# Installs myrepos (Debian) and gita (PyPI, in a virtualenv under
# ~/.cache/hyperforge-bench) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
sizes="100 1000 5000"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --sizes) sizes="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--sizes \"100 1000 5000\"]" >&2; exit 64 ;;
    esac
done

if ! command -v mr >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq myrepos >/dev/null || { apt-get update -qq; apt-get install -y -qq myrepos >/dev/null; }
    else echo "needs myrepos: sudo apt-get install -y myrepos" >&2; exit 1; fi
fi
gita_venv="${XDG_CACHE_HOME:-$HOME/.cache}/hyperforge-bench/gita-venv"
if [ ! -x "$gita_venv/bin/gita" ]; then
    python3 -m venv "$gita_venv" && "$gita_venv/bin/pip" install -q gita
fi
gita="$gita_venv/bin/gita"

. benchmarks/common.sh
isolated_home

# generate DIR N: N repositories as DIR/orgK/repoNNN, 100 to an org, copied
# from one template (git builds the template; cp makes the copies).
generate() {
    local dir="$1" n="$2" t="$work/template"
    rm -rf "$t" && mkdir -p "$t/.hyperforge" "$t/src"
    git init -q -b main "$t"
    printf 'forges = ["github", "codeberg"]\norg = "bench"\nrepo_name = "tool"\n' > "$t/.hyperforge/config.toml"
    printf '# tool\n' > "$t/README.md"; printf 'print("hi")\n' > "$t/src/main.py"
    git -C "$t" add -A && git -C "$t" commit -q -m first
    git -C "$t" remote add github git@github.com:bench/tool.git
    git -C "$t" remote add codeberg git@codeberg.org:bench/tool.git
    git -C "$t" update-ref refs/remotes/github/main HEAD
    git -C "$t" update-ref refs/remotes/codeberg/main HEAD
    mkdir -p "$dir/org0"
    local per=$(( n < 100 ? n : 100 )) i k
    for i in $(seq -w 1 "$per"); do cp -a "$t" "$dir/org0/repo$i"; done
    for k in $(seq 1 $(( n / 100 - 1 ))); do cp -a "$dir/org0" "$dir/org$k"; done
    rm -rf "$t"
}

timer() {
    python3 - "$rounds" "$@" <<'PY'
import json, os, statistics, sys, time
rounds = int(sys.argv[1]); spec = json.loads(sys.argv[2])
def run(argv, cwd):
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd); os.dup2(devnull, 0); os.dup2(devnull, 1); os.dup2(devnull, 2)
        try: os.execvp(argv[0], argv)
        finally: os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0: sys.exit(f"{' '.join(argv)} failed with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
for name, argv, cwd in spec["commands"]: run(argv, cwd)          # warm-up (and the caches)
samples = {name: [] for name, _, _ in spec["commands"]}
for _ in range(rounds):
    for name, argv, cwd in spec["commands"]: samples[name].append(run(argv, cwd))
out = {}
for name, s in samples.items():
    out[name] = [statistics.median(x[i] for x in s) for i in range(3)]
print(json.dumps(out))
PY
}

declare -A wall
echo "rounds: $rounds (medians); $(nproc) CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
    ws="$work/ws$n"
    generate "$ws" "$n"
    # status caches a report only once its inputs are older than its racy
    # window (3 s, git's rule); a user's repositories are in that state.
    sleep 4
    if [ "$n" = 1000 ]; then
        # myrepos: every repository registered in ~/.mrconfig; gita: added recursively.
        for d in "$ws"/org*/repo*; do printf '[%s]\ncheckout = git clone x %s\n\n' "$d" "$(basename "$d")"; done > "$HOME/.mrconfig"
        "$gita" add -r "$ws" >/dev/null
        spec=$(python3 - "$ws" "$gita" <<'PY'
import json, sys
ws, gita = sys.argv[1], sys.argv[2]
print(json.dumps({"commands": [
    ["git hforge workspace status", ["git", "hforge", "workspace", "status"], ws],
    ["mr -j2 status", ["mr", "-j2", "status"], ws],
    ["gita ll", [gita, "ll"], ws],
    ["shell loop of git status --porcelain", ["sh", "-c", 'for d in org*/repo*/; do git -C "$d" status --porcelain; done'], ws],
]}))
PY
)
    else
        spec=$(python3 - "$ws" <<'PY'
import json, sys
print(json.dumps({"commands": [["git hforge workspace status", ["git", "hforge", "workspace", "status"], sys.argv[1]]]}))
PY
)
    fi
    result=$(timer "$spec")
    python3 - "$n" "$result" <<'PY'
import json, sys
n = int(sys.argv[1]); r = json.loads(sys.argv[2])
ours = r["git hforge workspace status"]
print(f"{n} repositories:")
for name, (w, c, m) in r.items():
    line = f"  {name:40} wall {w*1000:8.1f} ms   CPU {c*1000:8.1f} ms   peak RSS {m:6.1f} MiB"
    if name != "git hforge workspace status": line += f"   ours is {w/ours[0]:5.1f}x faster (wall)"
    print(line)
print(f"  ours per repository: wall {ours[0]*1e6/n:6.1f} us, CPU {ours[1]*1e6/n:6.1f} us")
if n == 1000:
    checks = [("median wall < 0.5 s", ours[0] < 0.5), ("peak RSS < 100 MiB", ours[2] < 100)]
    if "mr -j2 status" in r: checks.append(("20x faster than mr -j2 status", r["mr -j2 status"][0] / ours[0] >= 20))
    sl = "shell loop of git status --porcelain"
    if sl in r: checks.append(("3x faster than the shell loop", r[sl][0] / ours[0] >= 3))
    for label, ok in checks: print(f"  target {label}: {'met' if ok else 'MISSED'}")
PY
    rm -rf "$ws"
done
