function __git-realm_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-realm_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __git-realm_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-realm_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __git-realm_parse_tokens -S
    set -l unparsed_tokens (__git-realm_tokens -pc)
    switch $unparsed_tokens[1]
    case 'git-realm'
        __git-realm_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __git-realm_parse_subcommand 0 'path=' 'json' 'fetch' 'no-cache' 'version' 'h/help'
        case 'fetch'
            __git-realm_parse_subcommand 0 'path=' 'dry-run' 'accept-rewrite' 'version' 'h/help'
        case 'sync'
            __git-realm_parse_subcommand 0 'path=' 'dry-run' 'no-cache' 'm/message=' 'version' 'h/help'
        case 'proposals'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __git-realm_parse_subcommand 0 'path=' 'json' 'fetch' 'all' 'version' 'h/help'
            case 'approve'
                __git-realm_parse_subcommand 1 'path=' 'dry-run' 'version' 'h/help'
            end
        case 'check'
            __git-realm_parse_subcommand 0 'path=' 'mode=+' 'contract=' 'from=' 'to=' 'transitive' 'strict' 'explain' 'format=' 'json' 'no-cache' 'fetch' 'script-timeout=' 'realm' 'range=' 'pre-receive' 'branch=' 'version' 'h/help'
        case 'worktree'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __git-realm_parse_subcommand 0 'path=' 'rfc=' 'domain=+' 'member=+' 'dry-run' 'version' 'h/help'
            case 'list'
                __git-realm_parse_subcommand 0 'path=' 'json' 'version' 'h/help'
            case 'remove'
                __git-realm_parse_subcommand 1 'path=' 'force' 'dry-run' 'version' 'h/help'
            end
        case 'pr'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __git-realm_parse_subcommand 0 'path=' 'rfc=' 'title=' 'body=' 'draft' 'dry-run' 'version' 'h/help'
            case 'status'
                __git-realm_parse_subcommand 0 'path=' 'rfc=' 'json' 'version' 'h/help'
            case 'merge'
                __git-realm_parse_subcommand 0 'path=' 'rfc=' 'dry-run' 'version' 'h/help'
            end
        case 'hooks'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'install'
                __git-realm_parse_subcommand 0 'path=' 'dry-run' 'version' 'h/help'
            case 'uninstall'
                __git-realm_parse_subcommand 0 'path=' 'dry-run' 'version' 'h/help'
            end
        case 'session'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'start'
                __git-realm_parse_subcommand 0 'path=' 'topic=' 'json' 'version' 'h/help'
            case 'end'
                __git-realm_parse_subcommand 1 'path=' 'version' 'h/help'
            case 'list'
                __git-realm_parse_subcommand 0 'path=' 'all' 'json' 'version' 'h/help'
            end
        case 'ack'
            __git-realm_parse_subcommand 1 'path=' 'version' 'h/help'
        case 'mcp'
            __git-realm_parse_subcommand 0 'path=' 'version' 'h/help'
        case 'coordinator'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __git-realm_parse_subcommand 0 'start' 'json' 'version' 'h/help'
            case 'stop'
                __git-realm_parse_subcommand 0 'version' 'h/help'
            case 'logs'
                __git-realm_parse_subcommand 0 'lines=' 'version' 'h/help'
            end
        case 'admin'
            __git-realm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'init'
                __git-realm_parse_subcommand 0 'name=' 'url=' 'branch=' 'admission=' 'trust-mode=' 'dry-run' 'version' 'h/help'
            case 'join'
                __git-realm_parse_subcommand 1 'path=' 'repo=' 'org=' 'branch=' 'dry-run' 'version' 'h/help'
            case 'domain'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'create'
                    __git-realm_parse_subcommand 1 'path=' 'repos=' 'contract=+' 'owner=' 'contract-version=' 'description=' 'dry-run' 'version' 'h/help'
                end
            case 'contract'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'publish'
                    __git-realm_parse_subcommand 1 'path=' 'domain=' 'dry-run' 'version' 'h/help'
                end
            case 'binding'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'set'
                    __git-realm_parse_subcommand 0 'path=' 'repo=' 'contract=' 'range=' 'source-file=+' 'dry-run' 'version' 'h/help'
                end
            case 'repo'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'accounts'
                    __git-realm_parse_subcommand 0 'path=' 'repo=' 'maintainer=' 'forge=+' 'remove=+' 'dry-run' 'version' 'h/help'
                case 'keys'
                    __git-realm_parse_subcommand 0 'version' 'h/help'
                    switch $unparsed_tokens[1]
                    case 'add'
                        __git-realm_parse_subcommand 1 'path=' 'key=' 'key-literal=' 'maintainer=' 'dry-run' 'version' 'h/help'
                    case 'remove'
                        __git-realm_parse_subcommand 1 'path=' 'key=' 'key-literal=' 'fingerprint=' 'maintainer=' 'dry-run' 'version' 'h/help'
                    case 'list'
                        __git-realm_parse_subcommand 1 'path=' 'json' 'version' 'h/help'
                    end
                end
            case 'trust'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'set'
                    __git-realm_parse_subcommand 0 'path=' 'require-signed-commits=' 'dry-run' 'version' 'h/help'
                end
            case 'leave'
                __git-realm_parse_subcommand 0 'path=' 'force' 'dry-run' 'version' 'h/help'
            case 'cache'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'stats'
                    __git-realm_parse_subcommand 0 'path=' 'json' 'version' 'h/help'
                case 'clear'
                    __git-realm_parse_subcommand 0 'path=' 'dry-run' 'version' 'h/help'
                end
            case 'guard'
                __git-realm_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'install'
                    __git-realm_parse_subcommand 0 'path=' 'realm=' 'ci=' 'dry-run' 'version' 'h/help'
                end
            end
        case 'help'
            __git-realm_parse_subcommand -r 1 'version'
        end
    end
end

function __git-realm_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __git-realm_parse_subcommand -S -a positional_count
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

function __git-realm_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __git-realm_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__git-realm_tokens -p)
    if test -z "$(__git-realm_tokens -t)"
        set -l index (count (__git-realm_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'git-realm' -f
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'status' -d 'Show the realm from this repository: domains, roles, contracts, imports, stale bindings, what changed.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'fetch' -d 'Fetch the realm into refs/realm/REALM/fetched.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'sync' -d 'Propose this repository\'s contract changes, acknowledge others\' proposals, merge what is mergeable.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'proposals' -d 'The realm\'s proposals: who acknowledged, who has not, when each becomes mergeable.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'check' -d 'Validate the contracts this repository owns, exports and imports (for CI and git hooks).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'worktree' -d 'Coordinated changes across repositories: worktrees on branch feat/NAME in each member of this repository\'s domains.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'pr' -d 'Pull/merge requests of a coordinated change, one per repository, opened and merged in merge order.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'hooks' -d 'Install or remove pre-commit and pre-push hooks that run \'git realm check\'.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'session' -d 'Long-lived sessions: tell the others in the realm what this repository is working on.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'ack' -d 'Acknowledge a notification (shown by \'git realm status\') for this repository.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'mcp' -d 'Serve the realm to coding assistants as Model Context Protocol tools, over stdio.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'coordinator' -d 'The per-user coordinator that holds sessions and notifications.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'admin' -d 'Create realms, join and leave them, create domains, publish contracts, edit bindings and forge accounts.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" json' -l 'json' -d 'Print the report as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" fetch' -l 'fetch' -d 'Fetch the realm before reporting.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" no-cache' -l 'no-cache' -d 'Read the realm\'s files again instead of the cached index.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm fetch" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm fetch" dry-run' -l 'dry-run' -d 'Say whether the realm moved; fetch nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm fetch" accept-rewrite' -l 'accept-rewrite' -d 'Take a realm whose history was rewritten (force-pushed or rolled back), naming the commits it lost.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm fetch" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" dry-run' -l 'dry-run' -d 'Show what would be proposed, acknowledged and merged; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" no-cache' -l 'no-cache' -d 'Detect changes afresh (sync keeps no cache of its own: it always reads the realm\'s files and the work tree; the flag is the RFC\'s and is accepted).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" m message' -l 'message' -s 'm' -d 'Why: said in the proposal, its commit and the evolution entries.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm sync" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm proposals" -eq 1' -fa 'list' -d 'List the realm\'s open proposals.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm proposals" -eq 1' -fa 'approve' -d 'Approve a proposal as one of the realm\'s governance.approvers.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" fetch' -l 'fetch' -d 'Fetch the realm and its proposals first.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" all' -l 'all' -d 'Merged and superseded proposals too.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals approve" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals approve" dry-run' -l 'dry-run' -d 'Show the ref it would push; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals approve" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm proposals approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check"' -l 'mode' -d 'contract, compatibility, exporter or importer (repeatable; default: all).' -rfka 'contract compatibility exporter importer'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" contract' -l 'contract' -d 'Only this contract (NAME or DOMAIN/NAME).' -rfka '(__git-realm_custom_completion ---completion check -- --contract (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" from' -l 'from' -d 'compatibility: the version to compare from (default: the released one).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" to' -l 'to' -d 'compatibility: the version to compare to, or \'working\' (the default).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" transitive' -l 'transitive' -d 'compatibility: compare against every earlier version in the realm\'s history.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" strict' -l 'strict' -d 'Warnings fail too.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" explain' -l 'explain' -d 'Text output: say which rule or inclusion step decided each compatible verdict.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" format' -l 'format' -d 'text, json or junit.' -rfka 'text json junit'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" json' -l 'json' -d 'The same as --format json.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" no-cache' -l 'no-cache' -d 'Check afresh without reading any cache; what is found is stored for the next run.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" fetch' -l 'fetch' -d 'Fetch the realm first.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" script-timeout' -l 'script-timeout' -d 'Seconds a validation script may run (0.001 to 86400).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" realm' -l 'realm' -d 'Check the realm\'s history instead (run in the realm repository or a clone of it).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" range' -l 'range' -d '--realm: the commits to check, A..B or REV (default: HEAD\'s whole history).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" pre-receive' -l 'pre-receive' -d '--realm: run as a pre-receive hook (reads OLD NEW REF lines on standard input).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" branch' -l 'branch' -d '--realm --pre-receive: the realm\'s branch (default main).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm worktree" -eq 1' -fa 'create' -d 'Start a change across repositories: branch feat/NAME and a worktree in each member of this repository\'s domains.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm worktree" -eq 1' -fa 'list' -d 'List the coordinated changes recorded in this repository and their worktrees.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm worktree" -eq 1' -fa 'remove' -d 'Remove a coordinated change\'s worktrees from every participant (the branches stay).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create" rfc' -l 'rfc' -d 'The change\'s name: branch feat/NAME.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create"' -l 'domain' -d 'Only the members of this domain (repeatable; default: every domain of this repository).' -rfka '(__git-realm_custom_completion ---completion worktree create -- --domain (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create"' -l 'member' -d 'Where another member is on this machine (repeatable).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create" dry-run' -l 'dry-run' -d 'Print what would be created; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree list" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree list" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree remove" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree remove" force' -l 'force' -d 'Remove worktrees with uncommitted changes too (the changes are lost).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree remove" dry-run' -l 'dry-run' -d 'Print what would be removed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree remove" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm worktree remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm pr" -eq 1' -fa 'create' -d 'Open one pull/merge request per repository of a coordinated change, in merge order.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm pr" -eq 1' -fa 'status' -d 'Each request of a coordinated change in merge order: state, reviews, and which may merge now.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm pr" -eq 1' -fa 'merge' -d 'Merge a coordinated change\'s requests in merge order, stopping at the first that cannot merge.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" rfc' -l 'rfc' -d 'The coordinated change (default: the current branch\'s, or the only one).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" title' -l 'title' -d 'The requests\' title.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" body' -l 'body' -d 'Text before the realm\'s part of each body.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" draft' -l 'draft' -d 'Open them as drafts (GitHub draft; Forgejo/Gitea \'WIP: \' and GitLab \'Draft: \' title prefix).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" dry-run' -l 'dry-run' -d 'Print what would be pushed and opened; change nothing anywhere.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr status" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr status" rfc' -l 'rfc' -d 'The coordinated change (default: the current branch\'s, or the only one).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr status" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr status" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr merge" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr merge" rfc' -l 'rfc' -d 'The coordinated change (default: the current branch\'s, or the only one).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr merge" dry-run' -l 'dry-run' -d 'Print what would be merged; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr merge" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm pr merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm hooks" -eq 1' -fa 'install' -d 'Install the hooks (chaining any hook already there).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm hooks" -eq 1' -fa 'uninstall' -d 'Remove the hooks and restore the ones they chained.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks install" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks install" dry-run' -l 'dry-run' -d 'Print what would change; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks install" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks install" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks uninstall" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks uninstall" dry-run' -l 'dry-run' -d 'Print what would change; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks uninstall" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm hooks uninstall" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm session" -eq 1' -fa 'start' -d 'Start a session for this repository.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm session" -eq 1' -fa 'end' -d 'End a session (default: this repository\'s long-lived ones).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm session" -eq 1' -fa 'list' -d 'List the sessions in this repository\'s realm.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session start" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session start" topic' -l 'topic' -d 'What you are working on (the RFC\'s active_rfc).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session start" json' -l 'json' -d 'Print the session as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session start" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session end" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session end" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session end" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session list" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session list" all' -l 'all' -d 'Every realm\'s sessions.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session list" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm session list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm ack" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm ack" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm ack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm mcp" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm mcp" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm mcp" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm coordinator" -eq 1' -fa 'status' -d 'Whether it runs: pid, start time, sessions, socket, background fetches.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm coordinator" -eq 1' -fa 'stop' -d 'Stop it (in-flight requests finish first).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm coordinator" -eq 1' -fa 'logs' -d 'Print the end of its log.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator status" start' -l 'start' -d 'Start it if it is not running.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator status" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator status" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator stop" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator logs" lines' -l 'lines' -d 'How many lines (1 to 100000).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator logs" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm coordinator logs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'init' -d 'Create a realm repository with realm.yaml and push it.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'join' -d 'Register this repository in a realm and record the membership in git config.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'domain' -d 'Create coordination domains.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'contract' -d 'Publish contracts.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'binding' -d 'Edit a repository\'s bindings (what it imports and exports).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'repo' -d 'Edit a repository\'s record in the realm (repos/REPO.yaml).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'trust' -d 'Edit the realm\'s trust settings (trust in realm.yaml).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'leave' -d 'Remove this repository from the realm and its membership from git config.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'cache' -d 'Inspect or clear the check cache (.git/realm/cache.db).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin" -eq 1' -fa 'guard' -d 'Enforce the realm\'s rules where clients cannot skip them (a pre-receive hook or a CI workflow).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" name' -l 'name' -d 'The realm\'s name.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" url' -l 'url' -d 'Where the realm lives: a path or an ssh/https git URL.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" branch' -l 'branch' -d 'The realm repository\'s branch.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" admission' -l 'admission' -d 'open, approval or invite-only.' -rfka 'open approval invite-only'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" trust-mode' -l 'trust-mode' -d 'collaborative, vendor-customer or federation.' -rfka 'collaborative vendor-customer federation'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" dry-run' -l 'dry-run' -d 'Print what would be created and pushed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin join" -eq 1' -fka '(__git-realm_custom_completion ---completion admin join -- positional@0 (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" repo' -l 'repo' -d 'This repository\'s name in the realm (default: origin\'s repository name, else the directory\'s).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" org' -l 'org' -d 'The org recorded for this repository (default: origin\'s owner).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" branch' -l 'branch' -d 'The realm repository\'s branch.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" dry-run' -l 'dry-run' -d 'Print what would be committed and configured; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin join" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin domain" -eq 1' -fa 'create' -d 'Create a domain between repositories, with contract skeletons and bindings.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" repos' -l 'repos' -d 'The member repositories; the first provides unless --owner says otherwise.' -rfka '(__git-realm_custom_completion ---completion admin domain create -- --repos (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create"' -l 'contract' -d 'A contract to create (repeatable).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" owner' -l 'owner' -d 'The repository that owns the contracts and provides them.' -rfka '(__git-realm_custom_completion ---completion admin domain create -- --owner (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" contract-version' -l 'contract-version' -d 'The contracts\' first version.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" description' -l 'description' -d 'What the domain coordinates.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin domain create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin contract" -eq 1' -fa 'publish' -d 'Publish a contract file (RFC format) into a domain of the realm.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract publish" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin contract publish" -eq 1' -fa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract publish" domain' -l 'domain' -d 'The domain the contract belongs to.' -rfka '(__git-realm_custom_completion ---completion admin contract publish -- --domain (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract publish" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract publish" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin contract publish" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin binding" -eq 1' -fa 'set' -d 'Set one import (its version range) or export (its source files) of a repository\'s binding.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" repo' -l 'repo' -d 'The repository whose binding changes (default: this one).' -rfka '(__git-realm_custom_completion ---completion admin binding set -- --repo (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" contract' -l 'contract' -d 'The contract, as DOMAIN/NAME.' -rfka '(__git-realm_custom_completion ---completion admin binding set -- --contract (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" range' -l 'range' -d 'Import it with this version range (^1.2, ~1.2.3, >=1.2.0, <2.0.0).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set"' -l 'source-file' -d 'Export it from this file (repeatable; replaces the listed ones).' -rF
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin binding set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo" -eq 1' -fa 'accounts' -d 'Set or remove a maintainer\'s forge logins in repos/REPO.yaml (forge_accounts).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo" -eq 1' -fa 'keys' -d 'Add, remove or list a repository\'s ssh signing keys (signing_keys in repos/REPO.yaml).'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" repo' -l 'repo' -d 'The repository whose record changes (default: this one).' -rfka '(__git-realm_custom_completion ---completion admin repo accounts -- --repo (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" maintainer' -l 'maintainer' -d 'The maintainer (an address repos/REPO.yaml lists).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts"' -l 'forge' -d 'The maintainer\'s login on a forge (repeatable).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts"' -l 'remove' -d 'Remove the maintainer\'s login on this forge (repeatable).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo accounts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys" -eq 1' -fa 'add' -d 'List a maintainer\'s ssh signing key in repos/REPO.yaml.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys" -eq 1' -fa 'remove' -d 'Take an ssh signing key out of repos/REPO.yaml.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys" -eq 1' -fa 'list' -d 'List the ssh signing keys repos/REPO.yaml lists, with their fingerprints.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys add" -eq 1' -fka '(__git-realm_custom_completion ---completion admin repo keys add -- positional@0 (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" key' -l 'key' -d 'A public key file (~/.ssh/KEY.pub).' -rF
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" key-literal' -l 'key-literal' -d 'A public key\'s line (\'ssh-ed25519 AAAA... comment\').' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" maintainer' -l 'maintainer' -d 'The maintainer whose key it is (an address repos/REPO.yaml lists).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys remove" -eq 1' -fka '(__git-realm_custom_completion ---completion admin repo keys remove -- positional@0 (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" key' -l 'key' -d 'A public key file (~/.ssh/KEY.pub).' -rF
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" key-literal' -l 'key-literal' -d 'A public key\'s line (\'ssh-ed25519 AAAA...\').' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" fingerprint' -l 'fingerprint' -d 'The key\'s fingerprint (SHA256:...).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" maintainer' -l 'maintainer' -d 'Only this maintainer\'s key.' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys list" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin repo keys list" -eq 1' -fka '(__git-realm_custom_completion ---completion admin repo keys list -- positional@0 (count (__git-realm_tokens -pc)) (__git-realm_cursor_index_in_current_token))'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys list" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin repo keys list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin trust" -eq 1' -fa 'set' -d 'Turn trust.require_signed_commits in realm.yaml on or off.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust set" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust set" require-signed-commits' -l 'require-signed-commits' -d 'Whether every realm commit must be signed (true or false).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust set" dry-run' -l 'dry-run' -d 'Print what would be committed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust set" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin trust set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin leave" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin leave" force' -l 'force' -d 'Leave even though others import contracts this repository owns.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin leave" dry-run' -l 'dry-run' -d 'Print what would be committed and removed; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin leave" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin leave" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin cache" -eq 1' -fa 'stats' -d 'Entries per cache table and the check hit rate.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin cache" -eq 1' -fa 'clear' -d 'Empty the check cache, the realm index cache and the kept check report.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache stats" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache stats" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache stats" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache stats" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache clear" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache clear" dry-run' -l 'dry-run' -d 'Print what would be cleared; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache clear" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin cache clear" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_positional "git-realm admin guard" -eq 1' -fa 'install' -d 'Install \'git realm check --realm\' as the realm repository\'s pre-receive hook, or as a CI workflow.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" path' -l 'path' -d 'The repository to work on (default: the current directory).' -rfa '(__git-realm_complete_directories)'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" realm' -l 'realm' -d 'The realm (URL, path or name; default: this repository\'s).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" ci' -l 'ci' -d 'For a forge-hosted realm: github, forgejo, gitea or gitlab (default: by the URL\'s host).' -rfka ''
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" dry-run' -l 'dry-run' -d 'Print what would change; change nothing.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" version' -l 'version' -d 'Show the version.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm admin guard install" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-realm' -n '__git-realm_should_offer_completions_for_flags_or_options "git-realm help" version' -l 'version' -d 'Show the version.'

function __git-realm_cursor_index_in_current_token
    set -l index (__git-realm_tokens -tC 2>/dev/null)
    if test -n "$index"
        echo $index
    else
        set -l token (commandline -ct)
        string length -- "$token"
    end
end
