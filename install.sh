#!/usr/bin/env bash
# Installs hyperforge on a Debian machine: the system packages it needs (when
# run as root; else it prints the exact apt-get line), a release build, and
# under PREFIX (default ~/.local) one stripped executable, `hyperforge`, with
# git-hforge, git-realm, git-scope, git-credential-hforge and
# hyperforge-coordinator as links to it, the MCP server `hyperforge-mcp`
# beside it (what `git realm mcp` runs), man pages and shell completions.
#
#   ./install.sh [--prefix DIR]
set -euo pipefail

prefix="${PREFIX:-$HOME/.local}"
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
cd "$(dirname "$0")"

# System packages: libraries to build against and load, git and ssh to run.
. scripts/ensure-packages.sh
ensure_packages git openssh-client pkg-config libgit2-dev libcurl4-openssl-dev libsqlite3-dev libyaml-dev

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        echo "install.sh: no Swift toolchain on PATH (Swift 6.2 or later is needed: https://www.swift.org/install/)" >&2
        exit 1
    fi
fi

echo "building (release)..."
# A failed build stops here: nothing stale from an earlier build is installed.
status=0
swift build -c release --static-swift-stdlib 2>&1 | { grep -vE "warning: the use of .mktemp|^/opt/swift/.*mktemp" || true; } || status=$?
[ "$status" -eq 0 ] || { echo "install.sh: the release build failed (exit status $status); nothing was installed" >&2; exit "$status"; }
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

[ -x "$bin/hyperforge" ] || { echo "install.sh: build did not produce hyperforge" >&2; exit 1; }
[ -x "$bin/hyperforge-mcp" ] || { echo "install.sh: build did not produce hyperforge-mcp" >&2; exit 1; }
scripts/install-files.sh "$prefix" "$bin/hyperforge"

size=$(du -b "$prefix/bin/hyperforge" | cut -f1)
echo "installed hyperforge (as git-hforge, git-realm, git-scope, git-credential-hforge and hyperforge-coordinator) into $prefix/bin ($((size / 1000000)) MB)"
if [ -x "$prefix/bin/hyperforge-mcp" ]; then
    mcp_size=$(du -b "$prefix/bin/hyperforge-mcp" | cut -f1)
    echo "installed hyperforge-mcp, the MCP server 'git realm mcp' runs, beside it ($((mcp_size / 1000000)) MB)"
fi
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "add it to your PATH:  export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
