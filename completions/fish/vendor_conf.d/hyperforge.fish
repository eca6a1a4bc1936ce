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
