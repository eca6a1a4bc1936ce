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
