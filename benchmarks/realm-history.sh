#!/usr/bin/env bash
# Times `git realm check --realm` over a realm history of N commits (default
# 200: the RFC's two domains, then N-5 contract versions pushed with plain
# git, each a patch bump), beside `git log -p` over the same history (git
# reading every commit's changes), in one hyperfine run; and the pre-receive
# hook's cost: a push of one commit to a guarded realm beside the same push to
# an unguarded copy; each pair's ratio of means is printed after it.
#
#   benchmarks/realm-history.sh [--commits N] [--runs R]
set -euo pipefail
cd "$(dirname "$0")/.."
commits=200
runs=10
while [ $# -gt 0 ]; do
    case "$1" in
        --commits) commits="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        *) echo "usage: $0 [--commits N] [--runs R]" >&2; exit 64 ;;
    esac
done
. benchmarks/common.sh
isolated_home

git realm admin init --name bench >/dev/null
realm="$XDG_DATA_HOME/hyperforge/realms/bench.git"
for m in aperture fungal ml-infra; do
    git init -q "$work/$m" && git -C "$work/$m" commit -q --allow-empty -m first
    (cd "$work/$m" && git realm admin join bench >/dev/null)
done
(cd "$work/aperture" && git realm admin domain create s3-access --repos aperture,fungal --contract s3-permissions >/dev/null)
(cd "$work/fungal" && git realm admin domain create training-pipeline --repos fungal,ml-infra --contract training-config >/dev/null)
git clone -q "$realm" "$work/clone"
contract="$work/clone/domains/s3-access/contracts/s3-permissions.yaml"
for i in $(seq 1 $((commits - 5))); do
    sed -i "s/^version: .*/version: \"1.0.$i\"/" "$contract"
    git -C "$work/clone" commit -qam "s3-permissions 1.0.$i"
done
git -C "$work/clone" push -q origin HEAD:main
echo "realm history: $(git --git-dir="$realm" rev-list --count main) commits"

# ratio JSON: the first command's mean over the second's, from hyperfine's export.
ratio() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("ratio: %s / %s = %.2fx (means %.1f ms / %.1f ms; medians %.1f ms / %.1f ms)" % (r[0]["command"], r[1]["command"], r[0]["mean"]/r[1]["mean"], r[0]["mean"]*1e3, r[1]["mean"]*1e3, r[0]["median"]*1e3, r[1]["median"]*1e3))' "$1"
}

hyperfine --warmup 2 --runs "$runs" -N --export-json "$work/history.json" \
    -n "git realm check --realm" "git-realm check --realm --path $realm" \
    -n "git log -p" "git --git-dir=$realm log -p main"
ratio "$work/history.json"

# The hook: one commit pushed to a guarded realm and to an unguarded copy.
git clone -q --bare "$realm" "$work/unguarded.git"
(cd "$work/aperture" && git realm admin guard install >/dev/null)
git -C "$work/clone" remote add unguarded "$work/unguarded.git"
# Each timed push takes one new commit: a patch bump (the guard lets it through).
echo 0 > "$work/n"
cat > "$work/next.sh" <<NEXT
#!/bin/sh
n=\$(( \$(cat $work/n) + 1 )); echo \$n > $work/n
sed -i "s/^version: .*/version: \\"2.0.\$n\\"/" $contract
git -C $work/clone commit -qam "s3-permissions 2.0.\$n"
NEXT
chmod +x "$work/next.sh"
hyperfine --warmup 1 --runs "$runs" --prepare "$work/next.sh" --export-json "$work/push.json" \
    -n "push, guarded" "git -C $work/clone push -q origin HEAD:main" \
    -n "push, unguarded" "git -C $work/clone push -q unguarded HEAD:main"
ratio "$work/push.json"
# What the hook itself costs: check --realm on one pushed commit (OLD..NEW,
# as the hook reads it) beside the whole history.
tip=$(git --git-dir="$realm" rev-parse main)
hyperfine --warmup 2 --runs "$runs" -N --export-json "$work/one.json" \
    -n "check --realm, the last commit" "git-realm check --realm --path $realm --range $tip~1..$tip" \
    -n "git log -p, the last commit" "git --git-dir=$realm log -p $tip~1..$tip"
ratio "$work/one.json"
echo "load: $(cat /proc/loadavg)"
