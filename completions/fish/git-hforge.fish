function __git-hforge_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-hforge_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __git-hforge_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-hforge_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __git-hforge_parse_tokens -S
    set -l unparsed_tokens (__git-hforge_tokens -pc)
    switch $unparsed_tokens[1]
    case 'git-hforge'
        __git-hforge_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __git-hforge_parse_subcommand 0 'path=' 'forges=' 'org=' 'repo-name=' 'visibility=' 'protocol=' 'ssh=+' 'import-from-git' 'create' 'dry-run' 'force' 'version' 'h/help'
        case 'sync'
            __git-hforge_parse_subcommand 0 'path=' 'create' 'dry-run' 'force' 'version' 'h/help'
        case 'status'
            __git-hforge_parse_subcommand 0 'path=' 'json' 'exit-code' 'remote' 'version' 'h/help'
        case 'push'
            __git-hforge_parse_subcommand 0 'path=' 'tags' 'dry-run' 'version' 'h/help'
        case 'publish'
            __git-hforge_parse_subcommand 0 'path=' 'bump=' 'version=' 'pre-id=' 'dry-run' 'resume' 'abort' 'no-push' 'registry=' 'json' 'version' 'h/help'
        case 'config'
            __git-hforge_parse_subcommand 0 'path=' 'json' 'version' 'h/help'
        case 'workspace'
            __git-hforge_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'json' 'version' 'h/help'
            case 'status'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'json' 'changed' 'jobs=' 'no-cache' 'version' 'h/help'
            case 'fetch'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'json' 'jobs=' 'dry-run' 'version' 'h/help'
            case 'sync'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'json' 'dry-run' 'force' 'create' 'version' 'h/help'
            case 'push'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'json' 'tags' 'dry-run' 'keep-going' 'version' 'h/help'
            case 'publish'
                __git-hforge_parse_subcommand 0 'path=' 'all-repos' 'bump=' 'pre-id=' 'changed' 'dry-run' 'resume' 'abort' 'no-push' 'json' 'version' 'h/help'
            end
        case 'remote'
            __git-hforge_parse_subcommand 0 'version' 'h/help'
            # `remote FORGE VERB ...` completes as `remote VERB FORGE ...`, as the tool reads it.
            if contains -- "$unparsed_tokens[2]" list pull create; and not contains -- "$unparsed_tokens[1]" list pull create; and not string match -q -- "-*" "$unparsed_tokens[1]"
                set unparsed_tokens $unparsed_tokens[2] $unparsed_tokens[1] $unparsed_tokens[3..-1]
            end
            switch $unparsed_tokens[1]
            case 'list'
                __git-hforge_parse_subcommand 1 'org=' 'user=' 'include-archived' 'include-forks' 'json' 'path=' 'version' 'h/help'
            case 'pull'
                __git-hforge_parse_subcommand -r 2 'org=' 'user=' 'all' 'path=' 'include-archived' 'include-forks' 'jobs=' 'dry-run' 'yes' 'no-defaults' 'json' 'version' 'h/help'
            case 'create'
                __git-hforge_parse_subcommand 1 'path=' 'dry-run' 'version' 'h/help'
            end
        case 'help'
            __git-hforge_parse_subcommand -r 1 'version'
        end
    end
end

function __git-hforge_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __git-hforge_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __git-hforge_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __git-hforge_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__git-hforge_tokens -p)
    if test -z "$(__git-hforge_tokens -t)"
        set -l index (count (__git-hforge_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'git-hforge' -f
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'init' -d 'Write .hyperforge/config.toml and set git up to match it.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'sync' -d 'Make git match .hyperforge/config.toml.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'status' -d 'Compare git with the config, remote by remote.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'push' -d 'Push the current branch to every forge, in config order.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'publish' -d 'Release a Cargo crate, an npm package, a Python project or a Swift package: bump, build, test, publish, commit, tag, push.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'config' -d 'Show the effective config and where each value comes from.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'workspace' -d 'Work on every repository under a directory: list, status, fetch, sync, push, publish.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'remote' -d 'A forge\'s repositories through its REST API: list an org or user, pull them all, create this one.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" forges' -l 'forges' -d 'Forges to use, in push order (github, codeberg, gitlab or a custom forge).' -rfka '(__git-hforge_custom_completion ---completion init -- --forges (count (__git-hforge_tokens -pc)) (__git-hforge_cursor_index_in_current_token))'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" org' -l 'org' -d 'The owner (user, org or GitLab group/subgroup) on every forge.' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" repo-name' -l 'repo-name' -d 'The repository\'s name on the forges (default: the directory name).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" visibility' -l 'visibility' -d 'public, private or internal.' -rfka 'public private internal'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" protocol' -l 'protocol' -d 'ssh or https remote URLs.' -rfka 'ssh https'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init"' -l 'ssh' -d 'The ssh private key of a forge; repeat for each forge.' -rfka '(__git-hforge_custom_completion ---completion init -- --ssh (count (__git-hforge_tokens -pc)) (__git-hforge_cursor_index_in_current_token))'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" import-from-git' -l 'import-from-git' -d 'Build the config from the remotes the repository already has.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" create' -l 'create' -d 'First create the repository on each forge where it is missing (through the forge\'s API).'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" dry-run' -l 'dry-run' -d 'Print the plan and change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" force' -l 'force' -d 'Replace an existing config and repoint remotes that point elsewhere.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" create' -l 'create' -d 'First create the repository on each forge where it is missing (through the forge\'s API).'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" dry-run' -l 'dry-run' -d 'Print the plan and change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" force' -l 'force' -d 'Also remove remotes that are not in the config.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge sync" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" exit-code' -l 'exit-code' -d 'Exit with status 5 when git differs from the config.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" remote' -l 'remote' -d 'Also ask each forge whether the repository exists and its visibility matches the config.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge push" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge push" tags' -l 'tags' -d 'Push all tags as well.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge push" dry-run' -l 'dry-run' -d 'Print what would be pushed where, and contact nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge push" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" bump' -l 'bump' -d 'Raise the version: major, minor, patch or pre.' -rfka 'major minor patch pre'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" version' -l 'version' -d 'Release exactly this version (X.Y.Z or X.Y.Z-PRE).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" pre-id' -l 'pre-id' -d 'The pre-release identifier --bump pre uses.' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" dry-run' -l 'dry-run' -d 'Make the read-only checks and print every step; change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" resume' -l 'resume' -d 'Carry on with the release the journal records.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" abort' -l 'abort' -d 'Forget the release in progress, rolling back what can be.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" no-push' -l 'no-push' -d 'Do not push the release commit and tag.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" registry' -l 'registry' -d 'The registry to publish to (declared in auth.toml, the cargo config, ~/.npmrc or ~/.pypirc).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" json' -l 'json' -d 'Print the plan (with --dry-run) or the result as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge publish" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge config" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge config" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge config" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'list' -d 'List the workspace\'s repositories and why each is taken or skipped.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'status' -d 'One line per repository: branch, clean or dirty, each forge\'s state.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'fetch' -d 'Fetch every forge of every repository, with the real git.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'sync' -d 'Make git match the config in every repository: one plan for all, then applied.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'push' -d 'Push every repository to its forges, in path order, stopping at the first failure.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge workspace" -eq 1' -fa 'publish' -d 'Release every package of the workspace, each after the packages it requires.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace list" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace list" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace list" json' -l 'json' -d 'Print the list as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace list" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" changed' -l 'changed' -d 'Show only repositories with something to say (dirty, drifted, ahead or behind, no branch, warnings, failed).'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" jobs' -l 'jobs' -d 'How many repositories to read at once (default: one per CPU).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" no-cache' -l 'no-cache' -d 'Read every repository with libgit2, using no cached line or report (what is read is kept for the next run).'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" jobs' -l 'jobs' -d 'How many repositories to fetch at once (default 4).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" dry-run' -l 'dry-run' -d 'Say what would be fetched, and contact nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" dry-run' -l 'dry-run' -d 'Print the plan and change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" force' -l 'force' -d 'Also remove remotes that are not in the configs.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" create' -l 'create' -d 'First create each repository on every forge where it is missing (as \'git hforge sync --create\').'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace sync" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" tags' -l 'tags' -d 'Push all tags as well.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" dry-run' -l 'dry-run' -d 'Print what would be pushed where, and contact nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" keep-going' -l 'keep-going' -d 'Go on after a repository fails, and report every failure.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" path' -l 'path' -d 'The workspace directory (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" all-repos' -l 'all-repos' -d 'Also take every repository without its own config.toml that lies under a defaults.toml inside the directory.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" bump' -l 'bump' -d 'Raise every version: major, minor, patch or pre.' -rfka 'major minor patch pre'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" pre-id' -l 'pre-id' -d 'The pre-release identifier --bump pre uses.' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" changed' -l 'changed' -d 'Only packages with commits since their last release tag, and those requiring them.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" dry-run' -l 'dry-run' -d 'Make the read-only checks and print the whole plan; change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" resume' -l 'resume' -d 'Carry on with the workspace publish the journal records.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" abort' -l 'abort' -d 'Stop the workspace publish in progress, rolling back what can be.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" no-push' -l 'no-push' -d 'Do not push the release commits and tags.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" json' -l 'json' -d 'Print the plan (with --dry-run) or the result as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge workspace publish" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote" -eq 1' -fa 'list' -d 'List an org\'s or a user\'s repositories on a forge.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote" -eq 1' -fa 'pull' -d 'Clone an org\'s or a user\'s repositories, each set up for all its forges.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote" -eq 1' -fa 'create' -d 'Create this repository on a forge, from its effective config.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote list" -eq 1' -fka '(__git-hforge_custom_completion ---completion remote list -- positional@0 (count (__git-hforge_tokens -pc)) (__git-hforge_cursor_index_in_current_token))'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" org' -l 'org' -d 'An org (GitLab: a group, which may nest: group/subgroup).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" user' -l 'user' -d 'A user.' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" include-archived' -l 'include-archived' -d 'Also list archived repositories.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" include-forks' -l 'include-forks' -d 'Also list forks.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote pull" -eq 1' -fka '(__git-hforge_custom_completion ---completion remote pull -- positional@0 (count (__git-hforge_tokens -pc)) (__git-hforge_cursor_index_in_current_token))'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" org' -l 'org' -d 'An org (GitLab: a group, which may nest: group/subgroup).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" user' -l 'user' -d 'A user.' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" all' -l 'all' -d 'Every repository of the owner (archived ones and forks only when included).'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" path' -l 'path' -d 'The directory to clone into (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" include-archived' -l 'include-archived' -d 'With --all, also pull archived repositories.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" include-forks' -l 'include-forks' -d 'With --all, also pull forks.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" jobs' -l 'jobs' -d 'Repositories to clone or update at once (1 to 64).' -rfka ''
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" dry-run' -l 'dry-run' -d 'Print what would be done and change nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" yes' -l 'yes' -d 'Write DIR/.hyperforge/defaults.toml without asking when none applies.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" no-defaults' -l 'no-defaults' -d 'Never write a defaults.toml.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" json' -l 'json' -d 'Print the outcome as JSON.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_positional "git-hforge remote create" -eq 1' -fka '(__git-hforge_custom_completion ---completion remote create -- positional@0 (count (__git-hforge_tokens -pc)) (__git-hforge_cursor_index_in_current_token))'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote create" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-hforge_complete_directories)'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote create" dry-run' -l 'dry-run' -d 'Print the requests that would be made and create nothing.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote create" version' -l 'version' -d 'Show the version.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge remote create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-hforge' -n '__git-hforge_should_offer_completions_for_flags_or_options "git-hforge help" version' -l 'version' -d 'Show the version.'

function __git-hforge_cursor_index_in_current_token
    set -l index (__git-hforge_tokens -tC 2>/dev/null)
    if test -n "$index"
        echo $index
    else
        set -l token (commandline -ct)
        string length -- "$token"
    end
end
