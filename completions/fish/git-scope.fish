function __git-scope_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-scope_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __git-scope_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __git-scope_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __git-scope_parse_tokens -S
    set -l unparsed_tokens (__git-scope_tokens -pc)
    switch $unparsed_tokens[1]
    case 'git-scope'
        __git-scope_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'set'
            __git-scope_parse_subcommand 1 'provider=' 'version' 'h/help'
        case 'get'
            __git-scope_parse_subcommand 1 'version' 'h/help'
        case 'rm'
            __git-scope_parse_subcommand 1 'provider=' 'version' 'h/help'
        case 'list'
            __git-scope_parse_subcommand 0 'provider=' 'json' 'version' 'h/help'
        case 'which'
            __git-scope_parse_subcommand 1 'json' 'version' 'h/help'
        case 'providers'
            __git-scope_parse_subcommand 0 'json' 'version' 'h/help'
        case 'pending'
            __git-scope_parse_subcommand 0 'json' 'version' 'h/help'
        case 'approve'
            __git-scope_parse_subcommand 1 'version' 'h/help'
        case 'deny'
            __git-scope_parse_subcommand 1 'version' 'h/help'
        case 'grants'
            __git-scope_parse_subcommand 0 'json' 'version' 'h/help'
        case 'revoke'
            __git-scope_parse_subcommand 1 'version' 'h/help'
        case 'help'
            __git-scope_parse_subcommand -r 1 'version'
        end
    end
end

function __git-scope_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __git-scope_parse_subcommand -S -a positional_count
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

function __git-scope_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __git-scope_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__git-scope_tokens -p)
    if test -z "$(__git-scope_tokens -t)"
        set -l index (count (__git-scope_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'git-scope' -f
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'set' -d 'Store the secret of a scope (read from stdin, or a prompt; never an argument).'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'get' -d 'Print the secret of a scope, after its grant policy allows it.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'rm' -d 'Remove the secret of a scope from its provider.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'list' -d 'List the scopes each provider holds (names only, never values).'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'which' -d 'Show the provider and policy of a scope, and the patterns that chose them.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'providers' -d 'List the configured providers and what routes to each.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'pending' -d 'List requests waiting for approval.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'approve' -d 'Approve a pending request (its scope is granted), or clear a scope\'s rejected mark.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'deny' -d 'Deny a pending request.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'grants' -d 'List granted scopes.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'revoke' -d 'Revoke a grant: the next use asks again, per the scope\'s policy.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope set" -eq 1' -fka '(__git-scope_custom_completion ---completion set -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope set" provider' -l 'provider' -d 'Store in this provider instead of the one the scope routes to.' -rfka '(__git-scope_custom_completion ---completion set -- --provider (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope set" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope get" -eq 1' -fka '(__git-scope_custom_completion ---completion get -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope get" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope rm" -eq 1' -fka '(__git-scope_custom_completion ---completion rm -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope rm" provider' -l 'provider' -d 'Remove from this provider instead of the one the scope routes to.' -rfka '(__git-scope_custom_completion ---completion rm -- --provider (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope rm" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope list" provider' -l 'provider' -d 'Only this provider.' -rfka '(__git-scope_custom_completion ---completion list -- --provider (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope list" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope list" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope which" -eq 1' -fka '(__git-scope_custom_completion ---completion which -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope which" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope which" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope which" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope providers" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope providers" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope providers" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope pending" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope pending" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope pending" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope approve" -eq 1' -fka '(__git-scope_custom_completion ---completion approve -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope approve" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope deny" -eq 1' -fka '(__git-scope_custom_completion ---completion deny -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope deny" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope deny" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope grants" json' -l 'json' -d 'Print as JSON.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope grants" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope grants" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_positional "git-scope revoke" -eq 1' -fka '(__git-scope_custom_completion ---completion revoke -- positional@0 (count (__git-scope_tokens -pc)) (__git-scope_cursor_index_in_current_token))'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope revoke" version' -l 'version' -d 'Show the version.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'git-scope' -n '__git-scope_should_offer_completions_for_flags_or_options "git-scope help" version' -l 'version' -d 'Show the version.'

function __git-scope_cursor_index_in_current_token
    set -l index (__git-scope_tokens -tC 2>/dev/null)
    if test -n "$index"
        echo $index
    else
        set -l token (commandline -ct)
        string length -- "$token"
    end
end
