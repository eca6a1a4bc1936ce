#!/usr/bin/env bash
# `git hforge publish --bump patch` of a small crate to a local Cargo registry
# (the tests' stand-in: sparse index and publish endpoint, token auth), side by
# side in one run with a shell script doing the same steps by hand (edit the
# version, cargo build, cargo test, cargo publish, git commit, git tag, git push
# to two forges). Rounds alternate the two, so both see the same machine load;
# each round releases the next patch version of its own crate. Prints the
# medians of wall time and our overhead beyond the commands themselves: the
# median of the per-round differences (ours - by hand).
#
#   benchmarks/publish.sh [--rounds N]
# Target (issue 18): overhead under 150 ms (median).
# The forges are two local bare repositories reached through url.insteadOf
# (the push is git's either way); cargo must be on PATH (rustup's is fine).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=11
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N]" >&2; exit 64 ;;
    esac
done
command -v cargo >/dev/null 2>&1 || export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null 2>&1 || { echo "needs cargo" >&2; exit 1; }
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
fixtures="$PWD/Tests/Fixtures/registry-standins"

. benchmarks/common.sh
isolated_home
export CARGO_HOME="$work/cargo-home" CARGO_TERM_COLOR=never
mkdir -p "$CARGO_HOME" "$work/registry"

# The registry.
printf '{"root": "%s", "tokens": ["bench-token"], "port_file": "%s"}\n' "$work/registry" "$work/registry/port" > "$work/registry.json"
python3 "$fixtures/cargo_registry.py" "$work/registry.json" 2> "$work/registry.log" &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true; git-realm coordinator stop >/dev/null 2>&1 || true; rm -rf "$work" "$bench_prefix"' EXIT
for _ in $(seq 1 500); do [ -s "$work/registry/port" ] && break; sleep 0.02; done
port=$(cat "$work/registry/port")
printf '[registries.local]\nindex = "sparse+http://127.0.0.1:%s/index/"\n' "$port" > "$CARGO_HOME/config.toml"

# Two forges, local bare repositories behind their ssh addresses.
mkdir -p "$XDG_CONFIG_HOME/hyperforge"
cat > "$XDG_CONFIG_HOME/hyperforge/auth.toml" <<'TOML'
[registries.cargo.local]
user = "bench"

[custom_forges.forgea]
kind = "gitea"
host = "forgea.invalid"

[custom_forges.forgeb]
kind = "gitea"
host = "forgeb.invalid"
TOML
for f in a b; do
    mkdir -p "$work/forge-$f/bench"
    git config --global url."$work/forge-$f/".insteadOf "git@forge$f.invalid:"
done

# make_crate NAME: a crate with a test, committed, its forges' bare repositories created.
make_crate() {
    local name="$1" dir="$work/$1"
    mkdir -p "$dir/src"
    git init -q -b main "$dir"
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\npublish = ["local"]\ndescription = "bench"\nlicense = "MIT"\n\n[dependencies]\n' "$name" > "$dir/Cargo.toml"
    printf 'pub fn answer() -> u32 { 42 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() { assert_eq!(super::answer(), 42); }\n}\n' > "$dir/src/lib.rs"
    printf '/target\nCargo.lock\n' > "$dir/.gitignore"
    for f in a b; do git init -q --bare "$work/forge-$f/bench/$name.git"; done
    (cd "$dir" && git hforge init --forges forgea,forgeb --org bench >/dev/null && git add -A && git commit -q -m first \
        && git push -q forgea main && git push -q forgeb main)
}
make_crate tool-ours
make_crate tool-hand
printf 'bench-token' | git scope set cargo/bench/tool-ours/token >/dev/null

cat > "$work/by-hand.sh" <<'SH'
#!/bin/sh
# The same release, by hand.
set -e
old=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
new=$(echo "$old" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
sed -i "s/^version = \"$old\"$/version = \"$new\"/" Cargo.toml
cargo build
cargo test
CARGO_REGISTRIES_LOCAL_TOKEN=bench-token cargo publish --allow-dirty --no-verify --registry local
git commit -q -am "release: tool-hand $new"
git tag -a "v$new" -m "tool-hand $new"
git push -q --porcelain forgea refs/heads/main:refs/heads/main "refs/tags/v$new:refs/tags/v$new"
git push -q --porcelain forgeb refs/heads/main:refs/heads/main "refs/tags/v$new:refs/tags/v$new"
SH
chmod +x "$work/by-hand.sh"

echo "rounds: $rounds (medians, alternating); $(nproc) CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$rounds" "$work" <<'PY'
import os, statistics, sys, time
rounds, work = int(sys.argv[1]), sys.argv[2]
env_ours = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_REGISTRIES_")}
def run(argv, cwd, env):
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd); os.dup2(devnull, 0); os.dup2(devnull, 1); os.dup2(devnull, 2)
        try: os.execvpe(argv[0], argv, env)
        finally: os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0: sys.exit(f"{' '.join(argv)} in {cwd} failed with {os.waitstatus_to_exitcode(status)}")
    return wall
ours_cmd = (["git", "hforge", "publish", "--bump", "patch"], work + "/tool-ours", env_ours)
hand_cmd = ([work + "/by-hand.sh"], work + "/tool-hand", env_ours)
run(*ours_cmd); run(*hand_cmd)   # warm-up: the first builds fill the target directories
ours, hand, diff = [], [], []
for i in range(rounds):
    order = [ours_cmd, hand_cmd] if i % 2 == 0 else [hand_cmd, ours_cmd]
    t = {id(c): run(*c) for c in order}
    ours.append(t[id(ours_cmd)]); hand.append(t[id(hand_cmd)]); diff.append(t[id(ours_cmd)] - t[id(hand_cmd)])
o, h, d = statistics.median(ours), statistics.median(hand), statistics.median(diff)
print(f"  git hforge publish --bump patch   wall {o*1000:8.1f} ms (median)")
print(f"  the same steps by hand (sh)       wall {h*1000:8.1f} ms (median)")
print(f"  overhead (median of ours - by hand per round): {d*1000:+.1f} ms; ratio {o/h:.3f}")
print(f"  target overhead < 150 ms: {'met' if d < 0.150 else 'MISSED'}")
PY
