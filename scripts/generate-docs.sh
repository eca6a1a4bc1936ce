#!/usr/bin/env bash
# Regenerates the man pages (man/) and shell completions (completions/) from
# the commands' own definitions, so they always match --help. Run after
# changing any command, flag or help text, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=(git-hforge git-realm git-scope git-credential-hforge)
rm -rf man completions
mkdir -p man completions/bash completions/zsh completions/fish
# swift-argument-parser's generate-manual, run on each tool through a link to
# the multi-call executable (named as installed, so each page is the tool's).
swift build --configuration debug --product hyperforge >/dev/null
swift build --configuration debug --product generate-manual >/dev/null
links="$(mktemp -d)"
trap 'rm -rf "$links"' EXIT
for tool in "${tools[@]}"; do
    ln -s "$PWD/.build/debug/hyperforge" "$links/$tool"
    out="$links/pages-$tool"
    mkdir -p "$out"
    .build/debug/generate-manual "$links/$tool" --multi-page --date 2026-11-21 \
        --authors "hyperforge developers" --output-directory "$out" >/dev/null
    for page in "$out"/*.1; do
        case "$page" in *.help.1) continue ;; esac
        cp "$page" man/
    done
    "$links/$tool" --generate-completion-script bash > completions/bash/"$tool"
    "$links/$tool" --generate-completion-script zsh > completions/zsh/_"$tool"
    "$links/$tool" --generate-completion-script fish > completions/fish/"$tool".fish
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
POST /notifications/{id}/ack, GET /members (member repositories and their
background fetches). Its state is SQLite (WAL) in
.IR $XDG_STATE_HOME/hyperforge/coordinator.db ;
its log is coordinator.log beside it.
.PP
It exits after
.B idle_timeout
seconds (default 300) with no sessions and no requests, and on SIGTERM or
SIGINT after the requests in flight are answered (new ones get 503 meanwhile). Sessions whose process is
gone are removed when it starts and every few seconds.
.PP
While it runs, it fetches each registered realm into each member repository
whose last fetch is more than
.B background_fetch_age
seconds old, one at a time, by running itself as
.B hyperforge-coordinator --background-fetch PATH REALM
(internal: git realm fetch's own fetch and checks, no terminal, no prompts,
stopped after 60 s). That work is not activity: it does not keep the
coordinator running, and when it stops, no new fetch starts and the one
running ends first. See
.BR git-realm.coordinator (1).
.SH LIMITS
Every request is read through bounded buffers, and refused as soon as it
exceeds a limit, without reading the rest; the connection is then closed and
other clients are served as before:
.TP
.B request line over 8 KiB
414 URI Too Long.
.TP
.B headers over 32 KiB in all, or over 100 header lines
431 Request Header Fields Too Large.
.TP
.B a body over 1 MiB
413 Content Too Large, decided from Content-Length before any of the body is
read. Request bodies must have a Content-Length: chunked ones get 411 Length
Required, other transfer codings 501.
.TP
.B 10 seconds per request
the whole request (line, headers and body) must arrive within it, and an idle
keep-alive connection must send its next request within it; otherwise 408
Request Timeout (or, when no byte of a request was sent, the connection just
closes).
.B HFORGE_COORDINATOR_READ_TIMEOUT=SECONDS
changes it (for tests).
.TP
.B 256 connections at once
(the socket and TCP together); one more gets 503 Service Unavailable and is
closed.
.PP
On TCP the token is checked as soon as the headers are read: without it the
answer is 401 and no byte of the body is read. Connections are kept alive
unless the client sends
.B Connection: close
(HTTP/1.1) or speaks HTTP/1.0 without keep-alive.
.SH CONFIGURATION
.I $XDG_CONFIG_HOME/hyperforge/coordinator.toml:
.B enabled = false
keeps tools from starting or calling it;
.B idle_timeout = SECONDS;
.B background_fetch_age = SECONDS
(default 300, from 1 to 604800) or
.B false
(no background fetches);
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
.B HFORGE_COORDINATOR_READ_TIMEOUT
the 10 s request deadline (see LIMITS);
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
# The multi-call executable's own page.
cat > man/hyperforge.1 <<'PAGE'
.TH HYPERFORGE 1 2026-12-01 hyperforge
.SH NAME
hyperforge \- the executable behind git hforge, git realm, git scope and git-credential-hforge
.SH SYNOPSIS
.B hyperforge
.I TOOL
.RI [ ARGS ...]
.br
.B git-hforge
.RI [ ARGS ...]
(and git-realm, git-scope, git-credential-hforge)
.SH DESCRIPTION
One executable serves the four tools. install.sh installs it once and makes
.BR git-hforge ,
.BR git-realm ,
.B git-scope
and
.B git-credential-hforge
links to it; it dispatches on the name it was started by, so git finds each
tool on PATH and
.B git hforge status
runs git-hforge. Started as
.BR hyperforge ,
the first argument names the tool
.RB ( hforge ,
.BR realm ,
.BR scope ,
.BR credential-hforge ,
.BR coordinator ,
or the same with a
.B git-
prefix) and the rest are its arguments.
.B hyperforge-coordinator
(the coordinator the tools start on demand) is one more link to it.
.SH EXIT STATUS
That of the tool; 64 when started as hyperforge with an unknown tool.
.SH SEE ALSO
.BR git-hforge (1),
.BR git-realm (1),
.BR git-scope (1),
.BR git-credential-hforge (1),
.BR hyperforge-coordinator (1)
PAGE
echo "man pages: $(ls man | wc -l), completions: $(find completions -type f | wc -l)"
