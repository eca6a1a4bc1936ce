#!/usr/bin/env bash
# Lays out an installation under PREFIX from a built `hyperforge` executable:
# the executable, the tools' links to it, the MCP server beside it
# (hyperforge-mcp, from the same build directory), man pages and shell completions,
# each where its shell looks. install.sh runs it after the release build;
# the tests run it with --link on the debug build, to complete in real shells
# from the files as installed.
#
#   scripts/install-files.sh [--link] PREFIX EXECUTABLE
#
# --link makes PREFIX/bin/hyperforge a symbolic link to EXECUTABLE instead of
# a stripped copy. Prints, for each shell that would not find the completions
# in PREFIX by itself, the line that makes it.
set -euo pipefail

link=false
if [ "${1:-}" = "--link" ]; then link=true; shift; fi
[ $# -eq 2 ] || { echo "usage: scripts/install-files.sh [--link] PREFIX EXECUTABLE" >&2; exit 64; }
prefix="$1" executable="$2"
[ -x "$executable" ] || { echo "install-files.sh: $executable is not an executable" >&2; exit 1; }
cd "$(dirname "$0")/.."

tools=(git-hforge git-realm git-scope git-credential-hforge)
share="$prefix/share"
install -d "$prefix/bin" "$share/man/man1" "$share/bash-completion/completions" "$share/zsh/site-functions" \
    "$share/fish/vendor_completions.d" "$share/fish/vendor_conf.d"
if $link; then
    ln -sfn "$(cd "$(dirname "$executable")" && pwd)/$(basename "$executable")" "$prefix/bin/hyperforge"
else
    # Stripped: the symbol table is most of a static Swift binary's size.
    install -s -m 0755 "$executable" "$prefix/bin/hyperforge"
fi
# The MCP server `git realm mcp` execs in its place: its own executable,
# beside hyperforge (it links the MCP SDK and Foundation, which hyperforge
# does not), outside hyperforge's size budget. Built with it by `swift build`.
mcp="$(dirname "$executable")/hyperforge-mcp"
if [ -x "$mcp" ]; then
    if $link; then
        ln -sfn "$(cd "$(dirname "$mcp")" && pwd)/hyperforge-mcp" "$prefix/bin/hyperforge-mcp"
    else
        install -s -m 0755 "$mcp" "$prefix/bin/hyperforge-mcp"
    fi
else
    echo "install-files.sh: no hyperforge-mcp beside $executable: 'git realm mcp' will say it is not installed" >&2
fi
# The coordinator the tools start on demand is one more name of it.
ln -sfn hyperforge "$prefix/bin/hyperforge-coordinator"
for tool in "${tools[@]}"; do
    # Each tool is a link to the one executable, which dispatches on the name
    # it was started by. Relative, so the prefix can move.
    ln -sfn hyperforge "$prefix/bin/$tool"
    # bash-completion loads completions/git-hforge both for `git-hforge <TAB>`
    # and, asked by git's completion, for `git hforge <TAB>` (_git_hforge).
    install -m 0644 "completions/bash/$tool" "$share/bash-completion/completions/$tool"
    # zsh's _git completes `git hforge` with _git-hforge from fpath.
    install -m 0644 "completions/zsh/_$tool" "$share/zsh/site-functions/_$tool"
    install -m 0644 "completions/fish/$tool.fish" "$share/fish/vendor_completions.d/$tool.fish"
done
# fish: `git hforge <TAB>` through git's completion (read at start-up).
install -m 0644 completions/fish/vendor_conf.d/hyperforge.fish "$share/fish/vendor_conf.d/hyperforge.fish"
install -m 0644 man/*.1 "$share/man/man1/"

# Where each shell looks by itself, and what to add when PREFIX is elsewhere.
real() { (cd "$1" 2>/dev/null && pwd -P) || printf '%s\n' "$1"; }
here="$(real "$share")"
searched() { # searched DIR...: whether $here is one of them
    local d
    for d in "$@"; do [ "$(real "$d")" = "$here" ] && return 0; done
    return 1
}
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
IFS=: read -ra data_dirs <<< "${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
bash_user="${BASH_COMPLETION_USER_DIR:-$data_home/bash-completion}"
if ! { [ "$(real "$bash_user/completions")" = "$(real "$share/bash-completion/completions")" ] || searched "${data_dirs[@]}"; }; then
    echo "bash: bash-completion does not look in $share; add to ~/.bashrc (before bash-completion is loaded):"
    echo "  export XDG_DATA_DIRS=\"$share:\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}\""
fi
zsh_fpath=(/usr/local/share/zsh/site-functions)
if command -v zsh >/dev/null 2>&1; then mapfile -t zsh_fpath < <(zsh -fc 'print -rl -- $fpath'); fi
zsh_found=false
for d in "${zsh_fpath[@]}"; do [ "$(real "$d")" = "$(real "$share/zsh/site-functions")" ] && zsh_found=true; done
if ! $zsh_found; then
    echo "zsh: add to ~/.zshrc, before compinit:  fpath=(\"$share/zsh/site-functions\" \$fpath)"
fi
if ! searched "$data_home" "${data_dirs[@]}"; then
    echo "fish: fish does not look in $share; link the files where it does:"
    echo "  mkdir -p ~/.config/fish/completions ~/.config/fish/conf.d"
    echo "  ln -sf \"$share\"/fish/vendor_completions.d/*.fish ~/.config/fish/completions/"
    echo "  ln -sf \"$share/fish/vendor_conf.d/hyperforge.fish\" ~/.config/fish/conf.d/"
fi
