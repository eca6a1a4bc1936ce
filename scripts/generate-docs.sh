#!/usr/bin/env bash
# Regenerates the man pages (man/) and shell completions (completions/) from
# the commands' own definitions, so they always match --help. Run after
# changing any command, flag or help text, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=(git-hforge git-realm git-scope git-credential-hforge)
rm -rf man completions
mkdir -p man completions/bash completions/zsh completions/fish

# Completion through git: `git hforge <TAB>` completes as `git-hforge <TAB>`.
# ArgumentParser's scripts complete the tool run by its own name; each shell's
# git completion finds a third-party command's completion its own way:
# - bash: git's completion (/usr/share/bash-completion/completions/git) calls
#   _git_hforge, after asking bash-completion to load completions/git-hforge
#   (this file, which bash-completion finds in the directories it searches).
#   _git_hforge rewrites COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT to
#   start at `git-hforge` and calls ArgumentParser's _git-hforge.
# - zsh: _git calls _git-hforge (compinit autoloads it from fpath; line 2's
#   #description is what `git <TAB>` shows) with `hforge` as the first word,
#   which ArgumentParser's script would run to ask for dynamic completions:
#   the program is git-hforge then.
# - fish: git.fish (3.6) means to forward `git hforge ...` to git-hforge's
#   completions but compares the command with `git-hforge`, so never does; a
#   snippet in vendor_conf.d (read at start-up) does it (newer fish forwarding
#   too only offers the same candidates twice, which fish shows once).
through_git() {
    local tool="$1" command="${1#git-}"
    local abstract
    abstract="$(sed -n 's/^\.Nd "\(.*\)"$/\1/p' "$links/pages-$tool/$tool.1")"
    cat >> completions/bash/"$tool" <<BASH

# \`git $command ...\`: git's completion calls _git_${command//-/_} for a command it does not
# know, after asking bash-completion to load this file (as completions/$tool).
_git_${command//-/_}() {
    __hyperforge_complete_git_command $tool $command _$tool
}
BASH
    cat >> completions/bash/"$tool" <<'BASH'

# __hyperforge_complete_git_command PROGRAM COMMAND FUNCTION: completes
# `git [OPTIONS] COMMAND ARGS...` as FUNCTION completes `PROGRAM ARGS...`,
# with the COMP_* variables rewritten to start at COMMAND, named PROGRAM.
__hyperforge_complete_git_command() {
    local -r program="$1" command="$2" function="$3"
    # COMMAND's index in COMP_WORDS. git's completion found it at
    # __git_cmd_idx in its own words, which join what bash split at
    # COMP_WORDBREAKS (= and :), so walk both; else the first COMMAND.
    local -i i=1 j
    if [[ -n "${__git_cmd_idx-}" && "${__git_cmd_idx}" -gt 0 && ${#words[@]} -gt 0 ]]; then
        i=0
        for ((j = 0; j < __git_cmd_idx; j++)); do
            local joined=""
            while ((i < ${#COMP_WORDS[@]})) && [[ "$joined" != "${words[j]}" ]]; do
                joined+="${COMP_WORDS[i]}"
                i+=1
            done
        done
    else
        while ((i < COMP_CWORD)) && [[ "${COMP_WORDS[i]}" != "$command" ]]; do i+=1; done
    fi
    [[ "${COMP_WORDS[i]}" == "$command" ]] && ((i < COMP_CWORD)) || return 0
    # The line after COMMAND, and the cursor's place in it.
    local rest="$COMP_LINE"
    local -i k
    for ((k = 0; k <= i; k++)); do rest="${rest#*"${COMP_WORDS[k]}"}"; done
    local -a new_words=("$program" "${COMP_WORDS[@]:i+1}")
    local -i new_cword=$((COMP_CWORD - i)) new_point=$((COMP_POINT - ${#COMP_LINE} + ${#rest} + ${#program}))
    local COMP_LINE="$program$rest"
    local -i COMP_CWORD=$new_cword COMP_POINT=$new_point
    local -a COMP_WORDS=("${new_words[@]}")
    # As `complete -o filenames -F FUNCTION PROGRAM` completes (git's own
    # completion asks for nospace and a fall-back to file names).
    compopt +o nospace +o default +o bashdefault -o filenames 2>/dev/null
    "$function" "$program" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}
BASH
    # fish: ArgumentParser's script passes the cursor's place in the current
    # token (commandline -tC) to the tool; while completing for `complete -C`
    # (the forwarding from git above; fish 3.6) fish knows no cursor and
    # prints nothing, so the tool was asked without it: take the token's end.
    if grep -qF -- "(__${tool}_tokens -tC)" completions/fish/"$tool".fish; then
        sed -i "s/(__${tool}_tokens -tC)/(__${tool}_cursor_index_in_current_token)/g" completions/fish/"$tool".fish
        cat >> completions/fish/"$tool".fish <<FISH

function __${tool}_cursor_index_in_current_token
    set -l index (__${tool}_tokens -tC 2>/dev/null)
    if test -n "\$index"
        echo \$index
    else
        set -l token (commandline -ct)
        string length -- "\$token"
    end
end
FISH
    fi
    # zsh: the program to ask is the tool, also when _git passes `hforge`.
    awk -v tool="$tool" -v command="$command" -v abstract="$abstract" '
        NR == 1 { print; print "#description " abstract; next }
        $0 == "    local -r command_name=\"${words[1]}\"" {
            print "    # Through git (`git " command " ...`), _git passes `" command "` as the first word."
            print "    local -r command_name=\"${${words[1]:#" command "}:-" tool "}\""
            found = 1
            next
        }
        { print }
        END { if (!found) { print "generate-docs.sh: ArgumentParser'"'"'s zsh script for " tool " has no command_name line" > "/dev/stderr"; exit 1 } }
    ' completions/zsh/_"$tool" > "$links/zsh" && mv "$links/zsh" completions/zsh/_"$tool"
}

# `git hforge remote FORGE VERB ...`: the tool reads it as `remote VERB FORGE ...`
# (ArgumentParser wants a subcommand right after its parent; GitHforge.arguments);
# each shell's script is taught the same swap, so both orders complete.
remote_forge_first() {
    local verbs="list|pull|create"
    awk -v verbs="$verbs" '
        { print }
        /^_git-hforge_remote\(\) \{$/ { inside = 1 }
        inside && /^    __git-hforge_offer_flags_options 0$/ {
            print "    # `remote FORGE VERB ...` completes as `remote VERB FORGE ...`, as the tool reads it."
            print "    if [[ ${#unparsed_words[@]} -ge 2 && \"${unparsed_words[1]}\" =~ ^(" verbs ")$ && ! \"${unparsed_words[0]}\" =~ ^(" verbs "|-.*)$ ]]; then"
            print "        unparsed_words=(\"${unparsed_words[1]}\" \"${unparsed_words[0]}\" \"${unparsed_words[@]:2}\")"
            print "    fi"
            inside = 0; done = 1
        }
        END { if (!done) { print "generate-docs.sh: no _git-hforge_remote in the bash script" > "/dev/stderr"; exit 1 } }
    ' completions/bash/git-hforge > "$links/bash" && mv "$links/bash" completions/bash/git-hforge
    awk -v verbs="$verbs" '
        /^_git-hforge_remote\(\) \{$/ { inside = 1 }
        inside && /^        case "\$\{words\[1\]\}" in$/ {
            print "        # `remote FORGE VERB ...` completes as `remote VERB FORGE ...`, as the tool reads it."
            print "        if [[ \"${words[2]}\" == (" verbs ") && \"${words[1]}\" != (" verbs "|-*) ]]; then"
            print "            words[1,2]=(\"${words[2]}\" \"${words[1]}\")"
            print "        fi"
            inside = 0; done = 1
        }
        { print }
        END { if (!done) { print "generate-docs.sh: no _git-hforge_remote in the zsh script" > "/dev/stderr"; exit 1 } }
    ' completions/zsh/_git-hforge > "$links/zsh" && mv "$links/zsh" completions/zsh/_git-hforge
    awk -v verbs="$verbs" '
        { print }
        /^        case .remote.$/ { inside = 1 }
        inside && /^            __git-hforge_parse_subcommand 0 / {
            n = split(verbs, v, "|"); words = ""
            for (i = 1; i <= n; i++) words = words " " v[i]
            print "            # `remote FORGE VERB ...` completes as `remote VERB FORGE ...`, as the tool reads it."
            print "            if contains -- \"$unparsed_tokens[2]\"" words "; and not contains -- \"$unparsed_tokens[1]\"" words "; and not string match -q -- \"-*\" \"$unparsed_tokens[1]\""
            print "                set unparsed_tokens $unparsed_tokens[2] $unparsed_tokens[1] $unparsed_tokens[3..-1]"
            print "            end"
            inside = 0; done = 1
        }
        END { if (!done) { print "generate-docs.sh: no remote case in the fish script" > "/dev/stderr"; exit 1 } }
    ' completions/fish/git-hforge.fish > "$links/fish" && mv "$links/fish" completions/fish/git-hforge.fish
}

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
    through_git "$tool"
done
remote_forge_first
# fish: read at start-up from vendor_conf.d (see through_git above).
mkdir -p completions/fish/vendor_conf.d
cat > completions/fish/vendor_conf.d/hyperforge.fish <<'FISH'
# `git hforge ...`, `git realm ...`, `git scope ...` and `git credential-hforge ...`
# complete as `git-hforge ...` (and so on) do, through the tools' own
# completions in vendor_completions.d. Installed by hyperforge's install.sh.
function __hyperforge_complete_git_command -a command
    set -l tokens (commandline -opc)
    set -e tokens[1] # git
    # git's options before the command (-C DIR, -c NAME=VALUE, --git-dir=...).
    if functions -q __fish_git_global_optspecs; and argparse -s (__fish_git_global_optspecs) -- $tokens 2>/dev/null
        set tokens $argv
    end
    set -e tokens[1] # the command
    set -l line git-$command
    if set -q tokens[1]
        set -a line (string escape -- $tokens)
    end
    set -l current (commandline -ct)
    complete -C (string join ' ' -- $line "$current")
end
for command in hforge realm scope credential-hforge
    complete -c git -f -n "__fish_git_using_command $command" -a "(__hyperforge_complete_git_command $command)"
end
# `git <TAB>` offers the commands too (fish 3.6's list of git-* commands on PATH comes out empty).
FISH
for tool in "${tools[@]}"; do
    abstract="$(sed -n 's/^\.Nd "\(.*\)"$/\1/p' "$links/pages-$tool/$tool.1")"
    printf "complete -c git -f -n __fish_git_needs_command -a %s -d '%s'\n" "${tool#git-}" "${abstract//\'/\\\'}" \
        >> completions/fish/vendor_conf.d/hyperforge.fish
done

# Man pages: ArgumentParser leaves a paragraph break of a discussion as an
# empty line (mdoc warns: "Empty input line") and lists in SEE ALSO every
# subcommand, help included, whose page is not installed. Each page gets
# .Pp for a paragraph break, and a SEE ALSO of git(1), the page one level up
# (hyperforge(1) for a tool's own page) and the pages one level down.
exit_paragraph() {
    awk '/^Exit status:/ { p = 1 } p && (/^$/ || /^\./) { exit } p { print }' "$1"
}
for page in man/git-*.1; do
    name="$(basename "$page" .1)"
    see=(git)
    if [[ "$name" == *.* ]]; then see+=("${name%.*}"); else see+=(hyperforge); fi
    for child in man/"$name".*.1; do
        [ -e "$child" ] || continue
        child="$(basename "$child" .1)"
        [[ "${child#"$name".}" == *.* ]] || see+=("$child")
    done
    # EXIT STATUS: ArgumentParser writes mdoc's generic ".Ex -std" (0 on
    # success, >0 on error); each page says its tool's (or its own) statuses,
    # the paragraph its discussion begins with "Exit status:".
    exits="$(exit_paragraph "$page")"
    [ -n "$exits" ] || exits="$(exit_paragraph "man/${name%%.*}.1")"
    [ -n "$exits" ] || { echo "generate-docs.sh: no 'Exit status:' paragraph for $name" >&2; exit 1; }
    awk -v see="${see[*]}" -v exits="$exits" '
        function seeAlso(   n, refs, i) {
            print ".Sh \"SEE ALSO\""
            n = split(see, refs, " ")
            for (i = 1; i <= n; i++) print ".Xr " refs[i] " 1" (i < n ? " ," : "")
            done = 1
        }
        /^\.Sh "SEE ALSO"/ { seeAlso(); skipping = 1; next }
        skipping && /^\.Sh / { skipping = 0 }
        skipping { next }
        /^\.Sh AUTHORS/ && !done { seeAlso() }
        /^\.Ex -std$/ { print exits; next }
        /^$/ { print ".Pp"; next }
        { print }
        END { if (!done) { print "generate-docs.sh: " FILENAME " has no AUTHORS section" > "/dev/stderr"; exit 1 } }
    ' "$page" > "$links/page" && mv "$links/page" "$page"
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
running ends after it has given up its socket and lock (a new coordinator
may start meanwhile). See
.BR git-realm.coordinator (1).
.PP
The database records its schema version (SQLite's user_version): an older one
is migrated in one transaction, one written by a newer hyperforge is refused
(it does not start, and says so in its log). A damaged one is moved to
.I coordinator.db.corrupt-TIME
(kept for inspection) and a new one started, with a warning in the log and on
stderr: sessions register again, and fetches announce changes again.
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
changes it (for tests; more than 0 and at most 3600 seconds, other values are ignored).
.TP
.B 256 connections at once
(the socket and TCP together); one more gets 503 Service Unavailable and is
closed.
.PP
On TCP the token is checked as soon as the headers are read: without it the
answer is 401 and no byte of the body is read. A request body must be JSON of at
most 512 levels.
.PP
Its configuration is checked before it is used:
.I coordinator.toml
is read only as a regular file of at most 4 MiB;
.B idle_timeout
(and
.BR HFORGE_COORDINATOR_IDLE_TIMEOUT )
takes a number of seconds from 1 to 86400,
.B background_fetch_age
one from 1 to 604800 (or false),
.B [tcp] port
a port from 1 to 65535. Anything else (inf, nan, a negative number, a fraction
of a port) stops it at start with exit status 3 and a log line naming the file,
the line and the accepted range; a tool that would start it checks the same
file first and reports that error itself instead of waiting for an answer. Connections are kept alive
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
.SH INTERRUPTIONS AND STATE
Every write leaves the old state or the new one, never half: files
(config.toml, the secrets file, hooks, caches) are written beside the target as
.I .NAME.PID-N.tmp
and renamed over it; the SQLite databases change in transactions; a realm
changes only by a push. On SIGINT, SIGTERM or SIGHUP the tools remove their
temporary files, scratch repositories
.RI ( $TMPDIR/git-realm-PID-XXXXXX ,
.IR $TMPDIR/hforge-realm-script-PID-XXXXXX )
and temporary refs
.RI ( refs/realm-incoming/PID-N ),
stop the process groups of the programs they started with a time limit, and
end by the same signal (exit status 130 for Ctrl-C, 143 for SIGTERM, as seen by
a shell). What a
.B kill -9
left is removed by the next run that makes the same kind of thing, only when
the process in its name is gone, it belongs to the user, and it is a regular
file or directory (a symbolic link is never followed).
.PP
A program started with a time limit (a command provider, secret-tool, a
validation script) runs in a process group of its own; at the limit the whole
group gets SIGTERM, and SIGKILL a second later, so nothing it started
survives it. (A command provider has the terminal while it runs, so it can ask
for a passphrase.)
.PP
The databases (state.db, .git/realm/cache.db, coordinator.db) record their
schema version: older ones are migrated in one transaction, newer ones are
refused naming the file and both versions (exit 4). A damaged cache or
coordinator database is moved to
.I NAME.corrupt-TIME
and rebuilt, with a warning; a damaged state.db (grants are your decisions) is
an error naming it, and is never replaced.
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
