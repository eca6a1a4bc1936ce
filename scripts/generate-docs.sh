#!/usr/bin/env bash
# Regenerates the man pages (man/) and shell completions (completions/) from
# the commands' own definitions, so they always match --help. Run after
# changing any command, flag or help text, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=(git-hforge git-realm git-scope git-credential-hforge)
rm -rf man completions
mkdir -p man completions/bash completions/zsh completions/fish
# The plugin writes one page per command of every executable product.
swift package --allow-writing-to-package-directory generate-manual --configuration debug \
    --multi-page --date 2026-11-21 --authors "hyperforge developers" >/dev/null
for tool in "${tools[@]}"; do
    for page in .build/plugins/GenerateManual/outputs/"$tool"/*.1; do
        case "$page" in *.help.1) continue ;; esac
        cp "$page" man/
    done
done
swift build --configuration debug >/dev/null
for tool in "${tools[@]}"; do
    .build/debug/"$tool" --generate-completion-script bash > completions/bash/"$tool"
    .build/debug/"$tool" --generate-completion-script zsh > completions/zsh/_"$tool"
    .build/debug/"$tool" --generate-completion-script fish > completions/fish/"$tool".fish
done
# The coordinator takes no arguments; its page is written here.
cat > man/hyperforge-coordinator.1 <<'PAGE'
.TH HYPERFORGE-COORDINATOR 1 2026-11-21 hyperforge
.SH NAME
hyperforge-coordinator \- sessions and notifications for git realm, started on demand
.SH SYNOPSIS
.B hyperforge-coordinator
.SH DESCRIPTION
Started by git realm (and read by git scope) when it is not running; never
needs to be started by hand. At most one runs per user: it holds
.I coordinator.lock
in the runtime directory
.RI ( $XDG_RUNTIME_DIR/hyperforge ,
else
.IR /tmp/hyperforge-UID ,
mode 0700), and a second one exits at once. It serves an HTTP API with JSON
bodies on
.I coordinator.sock
there: GET /health, GET /realms, GET|PUT /realms/{name}, POST /realms/{name}/sync,
GET|POST /sessions, GET|DELETE /sessions/{id}, GET|POST /notifications,
POST /notifications/{id}/ack. Its state is SQLite (WAL) in
.IR $XDG_STATE_HOME/hyperforge/coordinator.db ;
its log is coordinator.log beside it.
.PP
It exits after
.B idle_timeout
seconds (default 300) with no sessions and no requests, and on SIGTERM or
SIGINT after the requests in flight are answered. Sessions whose process is
gone are removed when it starts and every few seconds.
.SH CONFIGURATION
.I $XDG_CONFIG_HOME/hyperforge/coordinator.toml:
.B enabled = false
keeps tools from starting or calling it;
.B idle_timeout = SECONDS;
a
.B [tcp]
table with
.B port = N
also listens on 127.0.0.1:N, where every request needs
.B Authorization: Bearer TOKEN
with the token in
.I $XDG_STATE_HOME/hyperforge/coordinator.token
(mode 0600, made on first use).
.B HFORGE_COORDINATOR=off
turns it off for one command;
.B HFORGE_COORDINATOR_IDLE_TIMEOUT
overrides idle_timeout;
.B HFORGE_COORDINATOR_PROGRAM
names the executable tools start.
.SH EXIT STATUS
0 stopped normally, or another coordinator already runs; 3 its configuration
is malformed; 4 its directories are unusable or it cannot listen. Its
directories and files (and coordinator.toml) must belong to the user (or root)
and must not be writable by group or others; otherwise it stops, naming the
file, its owner and mode and the chown/chmod that fixes it.
.SH SEE ALSO
.BR git-realm.coordinator (1),
.BR git-realm.session (1),
.BR git-realm.ack (1)
PAGE
echo "man pages: $(ls man | wc -l), completions: $(find completions -type f | wc -l)"
