import ArgumentParser
import CLISupport
import HyperforgeCore

extension GitHforge {
    /// `git hforge remote <forge> list|pull|create`. ArgumentParser wants a
    /// subcommand right after its parent, so `remote FORGE VERB` is read as
    /// `remote VERB FORGE` (`arguments(_:)`); both orders work.
    struct Remote: AsyncParsableCommand {
        static let verbs = ["list", "pull", "create"]

        static let configuration = CommandConfiguration(
            abstract: "A forge's repositories through its REST API: list an org or user, pull them all, create this one.",
            usage: """
            git hforge remote <forge> list (--org <org> | --user <user>) [--include-archived] [--include-forks] [--json]
            git hforge remote <forge> pull (--org <org> | --user <user>) (--all | <name> ...) [--path <dir>] [--jobs <n>] [--dry-run] [--yes | --no-defaults]
            git hforge remote <forge> create [--path <dir>] [--dry-run]
            """,
            discussion: """
            <forge> is a built-in forge (github, codeberg, gitlab) or a custom forge declared in \
            your auth.toml or a defaults.toml (its api_url is the API's base URL). Tokens come \
            from scopes, asked for only when a request needs one: an org's listing uses \
            git/FORGE/ORG/token, a user's git/FORGE/USER/token, one repository's \
            git/FORGE/ORG/repo/NAME/token (the scope the credential helper answers git with). \
            A forge that only a repository's committed config declares gets remotes but no \
            request to its API (no token is sent to a host whoever committed the file chose); \
            the commands say so. 'git hforge remote list FORGE' is the same as \
            'git hforge remote FORGE list'.

            Dry runs (--dry-run) make no request that changes anything on a forge (no POST, \
            PUT, PATCH or DELETE); the read-only requests the plan needs (listing the org, \
            whether a repository exists) are made, and every request is printed as \
            'request: METHOD URL' (never a token).

            Exit status: 0 success; 1 a request or a git command failed (pull: at least one \
            repository failed, the others were done); 2 refused (a remote points elsewhere, \
            the forge is declared only by committed config); 3 configuration error; \
            4 environment error; 64 usage error.
            """,
            subcommands: [RemoteList.self, RemotePull.self, RemoteCreate.self]
        )
    }

    /// The arguments as the parser reads them: `remote FORGE VERB ...`
    /// becomes `remote VERB FORGE ...` (options before FORGE stay in place).
    public static func arguments(_ arguments: [String]) -> [String] {
        guard arguments.count >= 3, arguments[0] == "remote" else { return arguments }
        let forge = arguments[1], verb = arguments[2]
        guard !forge.hasPrefix("-"), !Remote.verbs.contains(forge), forge != "help", Remote.verbs.contains(verb) else { return arguments }
        return ["remote", verb, forge] + arguments.dropFirst(3)
    }
}

/// `--org O | --user U`: whose repositories.
struct OwnerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("An org (GitLab: a group, which may nest: group/subgroup).", valueName: "org"))
    var org: String?
    @Option(help: ArgumentHelp("A user.", valueName: "user"))
    var user: String?

    func validate() throws {
        switch (org, user) {
        case (nil, nil): throw ValidationError("give --org ORG or --user USER: whose repositories")
        case (_?, _?): throw ValidationError("give --org or --user, not both")
        default: break
        }
    }
}
