#!/usr/bin/env bash
# `git hforge remote bench pull --org bench --all` of 200 repositories from a
# GitHub-kind stand-in (the tests' Tests/Fixtures/forge-standin/forge_standin.py
# with git_root: the org's listing, 100 a page, every request checked against
# GitHub's description, and git's smart HTTP for the repositories) beside a shell loop of
# `git clone` over the same 200 URLs from the same server, alternating, in one
# run; prints the medians of wall time and the ratio, and pull's own peak
# resident memory (VmHWM of the hforge process, sampled until it exits) at 50
# and at 200 repositories.
#
#   benchmarks/forge-pull.sh [--rounds N] [--jobs N]
# Target (issue 14): pull at least 1.8x faster than the loop on this 2-core
# machine; resident memory flat in the number of repositories.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3 jobs=8
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        *) echo "usage: benchmarks/forge-pull.sh [--rounds N] [--jobs N]" >&2; exit 64 ;;
    esac
done

. benchmarks/common.sh
isolated_home
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work" "$bench_prefix"' EXIT

# 200 small repositories (a few files and commits each) in org "bench", the
# first 50 also in org "half".
git init -q "$work/seed"
for c in 1 2 3; do
    for f in a b c d; do printf 'line %s of %s\n' "$c" "$f" >> "$work/seed/$f.txt"; done
    git -C "$work/seed" add -A && git -C "$work/seed" commit -qm "commit $c"
done
mkdir -p "$work/srv/bench" "$work/srv/half"
for i in $(seq -w 1 200); do
    git clone -q --bare "$work/seed" "$work/srv/bench/repo-$i.git"
    [ "$i" -le 50 ] && cp -r "$work/srv/bench/repo-$i.git" "$work/srv/half/"
done

start_forge_standin github bench-token bench,half '"git_root": "'"$work/srv"'"'
# Clones over https (git's smart HTTP of the stand-in), as the loop's.
mkdir -p "$work/ws/.hyperforge"
printf 'protocol = "https"\n' > "$work/ws/.hyperforge/defaults.toml"
for i in $(seq -w 1 200); do echo "$base/bench/repo-$i.git"; done > "$work/urls"

# Runs a command, printing "WALL_SECONDS PEAK_KIB": the peak is the VmHWM of
# the process named (its own, not its children's), sampled every 20 ms.
measure() { # measure NAME COMMAND...
    local name="$1"; shift
    local start end pid peak=0 hwm
    start="$(date +%s.%N)"
    "$@" > "$work/out.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        for p in $(pgrep -f -- "$name" 2>/dev/null); do
            hwm="$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)"
            [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak="$hwm"
        done
        sleep 0.02
    done
    wait "$pid" || { cat "$work/out.log" >&2; exit 1; }
    end="$(date +%s.%N)"
    echo "$(echo "$end - $start" | bc) $peak"
}

pull() { # pull ORG DIR
    rm -rf "$2"; mkdir -p "$2"
    measure "git-hforge remote bench pull" "$bin/git-hforge" remote bench pull --org "$1" --all --path "$2" --jobs "$jobs" --no-defaults
}
loop() { # loop DIR
    rm -rf "$2"; mkdir -p "$2"
    measure "forge-pull-loop" bash -c 'cd "$1" && while read -r url; do git clone -q "$url"; done < "$2"' forge-pull-loop "$2" "$work/urls"
}

# One pull and one loop first (warms the caches), then rounds alternating.
pull bench "$work/ws/p" > /dev/null
loop x "$work/ws/l" > /dev/null
n=$(find "$work/ws/p" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n" -eq 200 ] || { echo "pull made $n repositories, not 200" >&2; cat "$work/out.log" >&2; exit 1; }
: > "$work/pull.times"; : > "$work/loop.times"
for _ in $(seq "$rounds"); do
    pull bench "$work/ws/p" >> "$work/pull.times"
    loop x "$work/ws/l" >> "$work/loop.times"
done
pull half "$work/ws/h" > "$work/half.times"

python3 - "$work" "$jobs" <<'PY'
import statistics, sys
work, jobs = sys.argv[1], sys.argv[2]
def read(name):
    return [tuple(float(x) for x in line.split()) for line in open(f"{work}/{name}") if line.strip()]
pull, loop, half = read("pull.times"), read("loop.times"), read("half.times")
p = statistics.median(w for w, _ in pull)
l = statistics.median(w for w, _ in loop)
print(f"200 repositories, {len(pull)} rounds, --jobs {jobs}, 2 cores:")
print(f"  git hforge remote bench pull --all   median {p:.2f} s")
print(f"  shell loop of git clone              median {l:.2f} s")
print(f"  ratio (loop / pull)                  {l / p:.2f}x (target >= 1.8x)")
print(f"  pull's peak RSS:  50 repositories {half[0][1] / 1024:.1f} MiB, 200 repositories {max(r for _, r in pull) / 1024:.1f} MiB")
PY
