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
complete -c git -f -n __fish_git_needs_command -a hforge -d 'Keep one repository in step across many forges.'
complete -c git -f -n __fish_git_needs_command -a realm -d 'Coordinate repositories that depend on each other through versioned contracts.'
complete -c git -f -n __fish_git_needs_command -a scope -d 'Granular secret scopes: which provider holds a scope, lazy requests, approvals.'
complete -c git -f -n __fish_git_needs_command -a credential-hforge -d 'git\'s credential helper: answers with the token of the right scope.'
