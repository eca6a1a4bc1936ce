# Sourced by the benchmark scripts: hyperfine present (installed when root),
# the tools installed by install.sh into a temporary prefix ($bin: the
# stripped multi-call executable and its links, exactly what users run), the
# release build directory ($build_bin: the benchmark helpers), and
# isolated_home (below) for a temporary HOME.
if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq hyperfine >/dev/null || { apt-get update -qq; apt-get install -y -qq hyperfine >/dev/null; }
    else echo "needs hyperfine: sudo apt-get install -y hyperfine" >&2; exit 1; fi
fi
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
repo_root="$PWD"
bench_prefix="$(mktemp -d)"
trap 'rm -rf "$bench_prefix"' EXIT
./install.sh --prefix "$bench_prefix" > "$bench_prefix/install.log" 2>&1 || { cat "$bench_prefix/install.log" >&2; exit 1; }
tail -1 "$bench_prefix/install.log"
bin="$bench_prefix/bin"
build_bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

# isolated_home: a temporary HOME with its own XDG directories, git config
# (identity, main as the first branch) and coordinator runtime directory,
# in $work, removed (after stopping any coordinator started in it) on exit.
isolated_home() {
    work="$(mktemp -d)"
    trap 'git-realm coordinator stop >/dev/null 2>&1 || true; rm -rf "$work" "$bench_prefix"' EXIT
    export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
        XDG_STATE_HOME="$work/home/.local/state" XDG_RUNTIME_DIR="$work/run" \
        GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/home/.gitconfig" GIT_TERMINAL_PROMPT=0 PATH="$bin:$PATH"
    mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
    git config --global user.name bench && git config --global user.email bench@example.com
    git config --global init.defaultBranch main
}

# generated_realm: the 200-contract realm of benchmarks/generate_realm.py
# (written in the RFC's formats, member bench-member), committed in
# $work/realm and cloned bare to $work/realm.git.
generated_realm() {
    python3 benchmarks/generate_realm.py "$work/realm" bench-member
    git -C "$work/realm" init -q && git -C "$work/realm" add -A && git -C "$work/realm" commit -qm realm
    git clone -q --bare "$work/realm" "$work/realm.git"
}

# joined_member: $work/member, a repository with 200 files, joined to the
# generated realm as bench-member, its realm read once (the index cached
# from here on); the current directory is the member afterwards.
joined_member() {
    git init -q "$work/member" && cd "$work/member"
    for i in $(seq 1 200); do mkdir -p "src/d$((i % 10))" && echo "line $i" > "src/d$((i % 10))/f$i.txt"; done
    git add -A && git commit -qm files
    git realm admin join "$work/realm.git" --repo bench-member >/dev/null
    git realm status >/dev/null
}

# start_forge_standin PERSONALITY TOKEN OWNERS [JSON-FIELDS]: the tests' stand-in
# forge (Tests/Fixtures/forge-standin/forge_standin.py, every request checked
# against the forge's API description, logged to $work/requests.log) on
# loopback, TOKEN accepted for the comma-separated OWNERS, with JSON-FIELDS
# (e.g. '"git_root": "/srv"') added to its configuration; then the custom
# forge "bench" of that kind in the isolated auth.toml, pointing at it, and
# TOKEN stored for each owner's scope. Sets $server (its pid) and $base.
start_forge_standin() {
    local personality="$1" token="$2" owners="$3" extra="${4:-}" api owner list=""
    case "$personality" in github) api=/api/v3 ;; gitlab) api=/api/v4 ;; *) api=/api/v1 ;; esac
    for owner in ${owners//,/ }; do list="$list${list:+, }\"$owner\""; done
    cat > "$work/standin.json" <<JSON
{"personality": "$personality", "base_path": "$api", "port_file": "$work/port", "log": "$work/requests.log",
 "specs": "$repo_root/Tests/Fixtures/forge-apis", "orgs": [$list],
 "tokens": {"$token": {"label": "bench", "user": "bench", "owners": [$list]}}${extra:+, $extra}}
JSON
    python3 "$repo_root/Tests/Fixtures/forge-standin/forge_standin.py" "$work/standin.json" 2>"$work/standin.err" &
    server=$!
    for _ in $(seq 400); do [ -s "$work/port" ] && break; sleep 0.05; done
    [ -s "$work/port" ] || { cat "$work/standin.err" >&2; exit 1; }
    base="http://127.0.0.1:$(cat "$work/port")"
    mkdir -p "$XDG_CONFIG_HOME/hyperforge"
    cat > "$XDG_CONFIG_HOME/hyperforge/auth.toml" <<TOML
[custom_forges.bench]
kind = "$personality"
host = "127.0.0.1"
web_url = "$base"
api_url = "$base$api"
TOML
    for owner in ${owners//,/ }; do printf '%s' "$token" | "$bin/git-scope" set "git/bench/$owner/token"; done
}
