#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (as root; else
# prints the apt-get line), builds, and runs `swift test`. The end-to-end
# tests start their own sshd on loopback and drive the real git.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(git openssh-client openssh-server pkg-config libgit2-dev libcurl4-openssl-dev libsqlite3-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "test.sh: missing system packages; run:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

swift build --build-tests
swift test --skip-build "$@"
