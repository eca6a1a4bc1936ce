#!/usr/bin/env bash
# Times `git realm fetch` in a realm that requires signed commits (every
# fetch checks who wrote the commits it brings: RealmIntake.checkWriters)
# beside the same fetch of an unsigned realm with the same history, and beside
# plain `git fetch` of that history, in one hyperfine run each: a first fetch
# of an N-commit realm (default 200: the RFC's two domains, then contract
# versions pushed with plain git, each signed by its owner's ssh key in the
# signed realm), and a fetch of 1 new commit. Each run's ratios are printed.
#
#   benchmarks/realm-fetch.sh [--commits N] [--runs R]
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
ssh-keygen -q -t ed25519 -N "" -C aperture -f "$work/aperture-key"
pub=$(cat "$work/aperture-key.pub")

# make_realm NAME signed|unsigned: the realm NAME with three members in two
# domains, aperture's key listed, signatures required (signed) or not, then
# versions of s3-permissions up to $commits commits, signed by aperture's key
# in the signed realm. Leaves a clone in $work/NAME-clone and the member
# aperture's realm configuration in $work/NAME-config (for fresh members).
make_realm() {
    local name="$1" kind="$2" realm="$XDG_DATA_HOME/hyperforge/realms/$1.git" sign=()
    git realm admin init --name "$name" >/dev/null
    for m in aperture fungal ml-infra; do
        git init -q "$work/$name-$m" && git -C "$work/$name-$m" commit -q --allow-empty -m first
        (cd "$work/$name-$m" && git realm admin join "$name" --repo "$m" >/dev/null)
    done
    (cd "$work/$name-aperture" && git realm admin domain create s3-access --repos aperture,fungal --contract s3-permissions >/dev/null)
    (cd "$work/$name-fungal" && git realm admin domain create training-pipeline --repos fungal,ml-infra --contract training-config >/dev/null)
    git clone -q "$realm" "$work/$name-clone"
    local clone="$work/$name-clone"
    if [ "$kind" = signed ]; then sign=(-c gpg.format=ssh -c user.signingkey="$work/aperture-key" -c commit.gpgsign=true); fi
    printf 'signing_keys:\n- maintainer: bench@example.com\n  key: "%s"\n' "$pub" >> "$clone/repos/aperture.yaml"
    git -C "$clone" "${sign[@]}" commit -qam "aperture's key"
    if [ "$kind" = signed ]; then
        sed -i 's/require_signed_commits: false/require_signed_commits: true/' "$clone/realm.yaml"
        git -C "$clone" "${sign[@]}" commit -qam "signatures required"
    fi
    local have; have=$(git -C "$clone" rev-list --count HEAD)
    for i in $(seq 1 $((commits - have))); do
        sed -i "s/^version: .*/version: \"1.0.$i\"/" "$clone/domains/s3-access/contracts/s3-permissions.yaml"
        git -C "$clone" "${sign[@]}" commit -qam "s3-permissions 1.0.$i"
    done
    git -C "$clone" push -q origin HEAD:main
    git -C "$work/$name-aperture" config --local --get-regexp '^realm\.' > "$work/$name-config"
    echo "realm $name ($kind): $(git --git-dir="$realm" rev-list --count main) commits"
}
make_realm signed signed
make_realm plain unsigned

# fresh NAME: $work/fresh-NAME, a repository that has the realm's membership in
# git config (as a fresh clone of a member that rejoined) but never fetched it.
cat > "$work/fresh.sh" <<FRESH
#!/bin/sh
rm -rf $work/fresh-\$1 && git init -q $work/fresh-\$1
while read -r k v; do git -C $work/fresh-\$1 config "\$k" "\$v"; done < $work/\$1-config
FRESH
chmod +x "$work/fresh.sh"

# ratios JSON: every command's mean over the last command's (plain git), from hyperfine's export.
ratios() {
    python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"]; b=r[-1]
for x in r[:-1]: print("ratio: %s / %s = %.2fx (means %.1f ms / %.1f ms; medians %.1f ms / %.1f ms)" % (x["command"], b["command"], x["mean"]/b["mean"], x["mean"]*1e3, b["mean"]*1e3, x["median"]*1e3, b["median"]*1e3))
print("ratio: %s / %s = %.2fx" % (r[0]["command"], r[1]["command"], r[0]["mean"]/r[1]["mean"]))' "$1"
}

plainrealm="$XDG_DATA_HOME/hyperforge/realms/plain.git"
cp "$work/plain-config" "$work/git-config"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/first.json" \
    --prepare "$work/fresh.sh signed" --prepare "$work/fresh.sh plain" --prepare "$work/fresh.sh git" \
    -n "first fetch, signed realm ($commits commits)" "git -C $work/fresh-signed realm fetch" \
    -n "first fetch, unsigned realm" "git -C $work/fresh-plain realm fetch" \
    -n "git fetch" "git -C $work/fresh-git fetch -q $plainrealm main:refs/realm/plain/fetched"
ratios "$work/first.json"

# One new commit in the realm before each timed fetch (a patch bump, signed in the signed realm).
"$work/fresh.sh" git
git -C "$work/fresh-git" fetch -q "$plainrealm" main:refs/realm/plain/fetched
for n in signed plain; do (cd "$work/$n-aperture" && git realm fetch >/dev/null); done
cat > "$work/next.sh" <<NEXT
#!/bin/sh
clone=$work/\$1-clone; n=\$(( \$(cat \$clone/.n 2>/dev/null || echo 0) + 1 )); echo \$n > \$clone/.n
sed -i "s/^version: .*/version: \\"2.0.\$n\\"/" \$clone/domains/s3-access/contracts/s3-permissions.yaml
if [ \$1 = signed ]; then git -C \$clone -c gpg.format=ssh -c user.signingkey=$work/aperture-key commit -S -qam "s3-permissions 2.0.\$n"
else git -C \$clone commit -qam "s3-permissions 2.0.\$n"; fi
git -C \$clone push -q origin HEAD:main
NEXT
chmod +x "$work/next.sh"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/one.json" \
    --prepare "$work/next.sh signed" --prepare "$work/next.sh plain" --prepare "$work/next.sh plain" \
    -n "fetch of 1 commit, signed realm" "git -C $work/signed-aperture realm fetch" \
    -n "fetch of 1 commit, unsigned realm" "git -C $work/plain-aperture realm fetch" \
    -n "git fetch of 1 commit" "git -C $work/fresh-git fetch -q $plainrealm main:refs/realm/plain/fetched"
ratios "$work/one.json"
echo "load: $(cat /proc/loadavg)"
