#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (as root; else
# prints the apt-get line), builds, and runs `swift test`. The end-to-end
# tests start their own sshd on loopback and drive the real git; the
# completion tests run bash (with bash-completion), zsh and fish, and the man
# page tests groff; the publish tests run cargo, python -m build, twine and
# a pypiserver.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/ensure-packages.sh
ensure_packages git openssh-client openssh-server pkg-config libgit2-dev libcurl4-openssl-dev libsqlite3-dev libyaml-dev \
    python3 dbus gnome-keyring libsecret-tools \
    bash-completion zsh fish groff-base
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

# The publish tests' Python side (a real pypiserver, twine, and python -m
# build offline with --no-isolation, so the back-end must be installed):
# one import when all are present, a pip install once otherwise.
if command -v python3 >/dev/null 2>&1 \
    && ! python3 -c "import build, setuptools, wheel, twine, pypiserver, passlib, pytest" >/dev/null 2>&1; then
    echo "installing build setuptools wheel twine pypiserver passlib pytest (pip)"
    python3 -m pip install -q --disable-pip-version-check build setuptools wheel twine pypiserver passlib pytest \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages build setuptools wheel twine pypiserver passlib pytest
fi

swift build --build-tests
swift test --skip-build "$@"
