#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (as root; else
# prints the apt-get line), builds, and runs `swift test`. The end-to-end
# tests start their own sshd on loopback and drive the real git; the
# completion tests run bash (with bash-completion), zsh and fish, and the man
# page tests groff.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/ensure-packages.sh
ensure_packages git openssh-client openssh-server pkg-config libgit2-dev libcurl4-openssl-dev libsqlite3-dev libyaml-dev \
    python3 dbus gnome-keyring libsecret-tools \
    bash-completion zsh fish groff-base
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

swift build --build-tests
swift test --skip-build "$@"
