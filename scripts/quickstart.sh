#!/usr/bin/env bash
# The README's quick start, run offline in a new temporary directory, with
# HOME, the XDG directories and git's global config pointed into it (nothing
# of yours is read or changed): two repositories, a realm in the embedded
# default location, a domain with a contract, `git realm check` and
# `status`, then `git hforge init` with two forges and a dry-run push.
# Prints each command and what it showed; stops at the first that fails.
#
#   scripts/quickstart.sh [--keep]
#
# --keep leaves the directory (it says where) instead of removing it. The
# tools must be on PATH (./install.sh puts them in ~/.local/bin). The lines
# between QUICKSTART marks are the README's quick start, word for word (a
# test compares the two).
set -euo pipefail

keep=false
case "${1:-}" in
    "") ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "quickstart.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
esac
for tool in git git-hforge git-realm ssh-keygen; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "quickstart.sh: $tool is not on PATH (./install.sh installs the tools; then: export PATH=\"\$HOME/.local/bin:\$PATH\")" >&2
        exit 1
    }
done
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

dir="$(mktemp -d "${TMPDIR:-/tmp}/hyperforge-quickstart.XXXXXX")"
# A world of its own: nothing of the caller's environment chooses a file,
# a repository or a program for git or the tools.
export HOME="$dir/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_STATE_HOME="$HOME/.local/state"
export XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$dir/run"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_CEILING_DIRECTORIES GIT_CONFIG_PARAMETERS \
    GIT_CONFIG_COUNT GIT_SSH GIT_SSH_COMMAND GIT_ASKPASS SSH_ASKPASS
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 0700 "$dir" "$XDG_RUNTIME_DIR"
git config --global user.name "Alice Example"
git config --global user.email "alice@example.com"
git config --global init.defaultBranch main

finish() {
    local status=$?
    # The coordinator the realm commands started: stopped, not left to idle out.
    (cd "$dir" && git realm coordinator stop >/dev/null 2>&1) || true
    if $keep; then
        echo "kept $dir (HOME=$HOME)"
    else
        rm -rf "$dir"
    fi
    exit $status
}
trap finish EXIT
cd "$dir"
echo "quick start in $dir (HOME and XDG directories inside it)"

# Each line of the quick start, printed as typed and run in this shell (so
# `cd` carries over); comments and blank lines are printed as they are.
while IFS= read -r line <&3; do
    case "$line" in
        QUICKSTART) break ;;
        "" | "#"*) printf '%s\n' "$line"; continue ;;
    esac
    printf '$ %s\n' "$line"
    if ! eval "$line"; then
        echo "quickstart.sh: this step failed: $line" >&2
        exit 1
    fi
done 3< <(sed -n '/^: <<.QUICKSTART.$/,/^QUICKSTART$/p' "$script" | sed '1d')
echo
echo "quick start done: every step above ran, offline, inside $dir"
exit 0

# The quick start, as the README shows it.
: <<'QUICKSTART'
mkdir -p projects/alice && cd projects
# Defaults for every repository below this directory.
mkdir -p .hyperforge && printf 'org = "alice"\nforges = ["github", "codeberg"]\n' > .hyperforge/defaults.toml
# One ssh key per forge (init checks that each key file exists).
mkdir -p ~/.ssh && ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/alice_github && ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/alice_codeberg

# Two repositories, each with a first commit.
git init -q alice/aperture && git -C alice/aperture commit -q --allow-empty -m "first commit"
git init -q alice/fungal && git -C alice/fungal commit -q --allow-empty -m "first commit"

# A realm in the embedded default location, $XDG_DATA_HOME/hyperforge/realms/letemcook.git.
git realm admin init --name letemcook
cd alice/aperture && git realm admin join letemcook
git realm admin domain create s3-access --repos aperture,fungal --contract s3-permissions
cd ../fungal && git realm admin join letemcook       # "Detected import: s3-permissions ..."
git realm check                                      # the import's range is satisfied
git realm status                                     # domains, roles, versions, ranges, news

# aperture on two forges, one key each (quoted: the committed config keeps ~ as written).
cd ../aperture
git hforge init --ssh 'github=~/.ssh/alice_github' --ssh 'codeberg=~/.ssh/alice_codeberg' --dry-run   # the plan
git hforge init --ssh 'github=~/.ssh/alice_github' --ssh 'codeberg=~/.ssh/alice_codeberg'
git remote -v                 # github git@github.com:alice/aperture.git, codeberg git@codeberg.org:alice/aperture.git
git hforge config             # every effective value and the file:line it came from
git add .hyperforge && git commit -q -m "hyperforge config"
git hforge status             # in-sync / missing / wrong-url / wrong-key / extra, ahead/behind
git hforge push --dry-run     # what would be pushed where, in order
QUICKSTART
