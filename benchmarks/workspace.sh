#!/usr/bin/env bash
# `git hforge workspace status` on generated workspaces of small repositories,
# each with a committed .hyperforge/config.toml and two remotes (both fetched),
# side by side in one run with `mr -j2 status` (myrepos), `gita ll` and a shell
# loop of `git status --porcelain` over the same repositories, in rounds (each
# round runs every command once, so all see the same machine load).
#
# Ours is timed warm (every repository's line cached, as after any earlier
# run) and cold (no cache at all: the workspace status cache and each
# repository's .git/hforge/status-cache.json removed before each timed run,
# untimed). Prints the medians of wall time, CPU time (user + system) and
# peak resident memory (the child's ru_maxrss, what /usr/bin/time -v calls
# "Maximum resident set size"), how many cores the CPU time used (CPU/wall),
# the ratios, our time per repository at each size, and the load average
# before and after.
#
#   benchmarks/workspace.sh [--rounds N] [--sizes "100 1000 5000"]
#   WORKSPACE_SIZES="100 1000" benchmarks/workspace.sh   # the same, by environment
# mr and gita (about 10 s a run each at 1,000 repositories) run at 1,000 only
# (WORKSPACE_COMPARE_AT=N to change it); the shell loop runs at every size.
# Targets (issue 16), at 1,000 repositories: median wall under 0.5 s (warm), at
# least 20x faster than `mr -j2 status` and 3x faster than the shell loop;
# resident memory under 100 MiB (also at 5,000); time linear in the number of
# repositories. Installs myrepos (Debian) and gita (PyPI, in a virtualenv
# under ~/.cache/hyperforge-bench) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
sizes="${WORKSPACE_SIZES:-100 1000 5000}"
compare_at="${WORKSPACE_COMPARE_AT:-1000}"
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

# The caches a cold run starts without.
clear_caches() { printf 'rm -rf "%s/hyperforge/workspace-status"; rm -f "%s"/org*/repo*/.git/hforge/status-cache.json' "$XDG_STATE_HOME" "$1"; }

timer() {
    python3 - "$rounds" "$@" <<'PY'
import json, os, statistics, subprocess, sys, time
rounds = int(sys.argv[1]); spec = json.loads(sys.argv[2])
def run(argv, cwd, before):
    if before: subprocess.run(["sh", "-c", before], check=True)
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
commands = spec["commands"]
for c in commands: run(*c[1:])          # warm-up (and the caches)
samples = {c[0]: [] for c in commands}
for _ in range(rounds):
    for c in commands: samples[c[0]].append(run(*c[1:]))
print(json.dumps({name: [statistics.median(x[i] for x in s) for i in range(3)] for name, s in samples.items()}))
PY
}

ours_warm="git hforge workspace status (warm)"
ours_cold="git hforge workspace status (cold)"
loop="shell loop of git status --porcelain"
results="$work/results.jsonl"
: > "$results"
echo "rounds: $rounds (medians); $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
    ws="$work/ws$n"
    generate "$ws" "$n"
    # As in a user's repositories: git has refreshed each index once (the
    # copies' stat data is the template's), and nothing changed in the last
    # few seconds (status keeps a line only once its inputs are older than
    # its racy window, 3 s, git's rule).
    (cd "$ws" && for d in org*/repo*/; do git -C "$d" status --porcelain; done) >/dev/null
    sleep 4
    if [ "$n" = "$compare_at" ]; then
        # myrepos: every repository registered in ~/.mrconfig; gita: added recursively.
        for d in "$ws"/org*/repo*; do printf '[%s]\ncheckout = git clone x %s\n\n' "$d" "$(basename "$d")"; done > "$HOME/.mrconfig"
        "$gita" add -r "$ws" >/dev/null
    fi
    spec=$(python3 - "$ws" "$gita" "$(clear_caches "$ws")" "$n" "$compare_at" "$ours_warm" "$ours_cold" "$loop" <<'PY'
import json, sys
ws, gita, clear, n, compare_at, warm, cold, loop = sys.argv[1:]
ours = ["git", "hforge", "workspace", "status"]
commands = [[warm, ours, ws, None], [cold, ours, ws, clear]]
if n == compare_at:
    commands += [["mr -j2 status", ["mr", "-j2", "status"], ws, None], ["gita ll", [gita, "ll"], ws, None]]
commands.append([loop, ["sh", "-c", 'for d in org*/repo*/; do git -C "$d" status --porcelain; done'], ws, None])
print(json.dumps({"commands": commands}))
PY
)
    result=$(timer "$spec")
    echo "{\"n\": $n, \"result\": $result}" >> "$results"
    python3 - "$n" "$result" "$ours_warm" "$ours_cold" "$loop" <<'PY'
import json, sys
n = int(sys.argv[1]); r = json.loads(sys.argv[2]); warm_name, cold_name, loop = sys.argv[3:]
warm, cold = r[warm_name], r[cold_name]
print(f"{n} repositories:")
for name, (w, c, m) in r.items():
    line = f"  {name:40} wall {w*1000:8.1f} ms   CPU {c*1000:8.1f} ms ({c/w:4.2f} cores)   peak RSS {m:6.1f} MiB"
    if name not in (warm_name, cold_name): line += f"   warm is {w/warm[0]:6.1f}x faster, cold {w/cold[0]:5.1f}x (wall)"
    print(line)
print(f"  ours per repository: warm wall {warm[0]*1e6/n:6.1f} us, CPU {warm[1]*1e6/n:6.1f} us; cold wall {cold[0]*1e6/n:6.1f} us, CPU {cold[1]*1e6/n:6.1f} us")
checks = [(f"peak RSS < 100 MiB (warm {warm[2]:.1f}, cold {cold[2]:.1f})", max(warm[2], cold[2]) < 100)]
if n == 1000:
    checks.insert(0, ("median wall < 0.5 s (warm)", warm[0] < 0.5))
    if "mr -j2 status" in r: checks.append(("20x faster than mr -j2 status (warm)", r["mr -j2 status"][0] / warm[0] >= 20))
    if loop in r: checks.append(("3x faster than the shell loop (warm)", r[loop][0] / warm[0] >= 3))
for label, ok in checks: print(f"  target {label}: {'met' if ok else 'MISSED'}")
PY
    rm -rf "$ws"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Linear: time per repository at each size against the smallest (1.00 is linear).
python3 - "$results" "$ours_warm" "$ours_cold" "$loop" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
if len(rows) < 2: sys.exit(0)
print("time per repository relative to the smallest size (1.00: linear):")
for name in sys.argv[2:]:
    base = rows[0]["result"][name][0] / rows[0]["n"]
    print(f"  {name:40} " + "   ".join(f"{r['n']}: {r['result'][name][0] / r['n'] / base:4.2f}" for r in rows))
PY
