#!/usr/bin/env bash
# Listing an org of 5,000 repositories on the GitHub kind (50 pages of 100)
# from the stand-in forge of the tests (Tests/Fixtures/forge-standin, GitHub
# personality at /api/v3, every request checked against GitHub's description,
# repositories shaped like the recorded api.github.com answer, ~6 KB each):
# `git-hforge remote bench list --org big --include-archived --include-forks --json`
# run directly (no git in front), its own CPU time (user + system, from
# /usr/bin/time: the stand-in is another process and is not counted), beside
# curl fetching the same 50 pages (the transfer alone), in one run; medians.
# Each round lists cold (ETag cache emptied: 50 answers of 200) and then warm
# (50 answers of 304 from the cache).
#
#   benchmarks/forge-list.sh [--rounds N] [--count N]
# Target (issue 14): under 1 s of our own CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5 count=5000
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --count) count="$2"; shift 2 ;;
        *) echo "usage: benchmarks/forge-list.sh [--rounds N] [--count N]" >&2; exit 64 ;;
    esac
done

. benchmarks/common.sh
isolated_home
trap 'kill "${server:-0}" 2>/dev/null || true; git-realm coordinator stop >/dev/null 2>&1 || true; rm -rf "$work" "$bench_prefix"' EXIT

token="bench-token-$$"
start_forge_standin github "$token" big '"generate": {"owner": "big", "count": '"$count"'}'
cd "$work"

list() { git-hforge remote bench list --org big --include-archived --include-forks --json; }
pages() {
    url="$base/api/v3/orgs/big/repos?type=all&per_page=100"
    while [ -n "$url" ]; do
        url="$(curl -s -D "$work/h" -o /dev/null -H "Authorization: Bearer $token" -H "X-GitHub-Api-Version: 2022-11-28" "$url" \
            && tr -d '\r' < "$work/h" | sed -n 's/^[Ll]ink:.*<\([^>]*\)>; rel="next".*/\1/p')"
    done
}

# Once for correctness: every repository listed, every request described.
n="$(list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["repositories"]))' 2>/dev/null || true)"
[ "$n" = "$count" ] || { echo "listed ${n:-nothing} of $count repositories" >&2; list | head -c 400 >&2; exit 1; }
violations="$(grep -c '"violation": "' "$work/requests.log" || true)"
requests="$(wc -l < "$work/requests.log")"
echo "listed $n repositories in $requests requests; requests not described by GitHub's API description: $violations"

# Cold: the ETag cache emptied before each listing (every page a 200 and
# written to the cache); warm: the next listing right after (every page a 304
# answered from the cache).
cache="$XDG_STATE_HOME/hyperforge/forge-api"
ours=() oursWall=() warm=() curls=()
for _ in $(seq "$rounds"); do
    rm -rf "$cache"
    /usr/bin/time -f '%U %S %e %M' -o "$work/t" bash -c "$(declare -f list); list > /dev/null"
    read -r u s e m < "$work/t"; ours+=("$(awk "BEGIN {print $u + $s}")"); oursWall+=("$e"); rss="$m"
    /usr/bin/time -f '%U %S' -o "$work/t" bash -c "$(declare -f list); list > /dev/null"
    read -r u s < "$work/t"; warm+=("$(awk "BEGIN {print $u + $s}")")
    /usr/bin/time -f '%U %S' -o "$work/t" bash -c "$(declare -f pages); base=$base token=$token work=$work pages"
    read -r u s < "$work/t"; curls+=("$(awk "BEGIN {print $u + $s}")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "git-hforge remote bench list ($count repositories, $((count / 100)) pages): CPU $(median "${ours[@]}") s (user+sys, median of $rounds; all: ${ours[*]}), wall $(median "${oursWall[@]}") s, peak RSS ${rss} KB"
echo "the same listing again, every page 304 from the ETag cache:          CPU $(median "${warm[@]}") s (all: ${warm[*]})"
echo "curl over the same pages (transfer only, no parsing):               CPU $(median "${curls[@]}") s"
echo "target: under 1 s of our own CPU time"
