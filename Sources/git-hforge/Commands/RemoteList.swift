import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct RemoteList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List an org's or a user's repositories on a forge.",
            usage: "git hforge remote <forge> list (--org <org> | --user <user>) [--include-archived] [--include-forks] [--json]",
            discussion: """
            Every page, by the forge's own paging. Archived repositories and forks are left \
            out unless asked for. The token is the owner's scope: git/FORGE/ORG/token for \
            --org, git/FORGE/USER/token for --user. Nothing is written.

            Exit status: 0 listed; 1 the forge's API failed (the error names the forge, \
            request, HTTP status and the forge's own message); 2 the forge is declared only \
            by a repository's committed config (no request is made); 3 configuration error; \
            4 environment error; 64 usage error.
            """ + "\n\n" + JSONHelp.shape("""
            {"forge", "owner", "owner_kind": "org" | "user", "repositories": [{"name", \
            "full_name", "visibility", "default_branch", "description", "archived", "fork", \
            "clone_url", "ssh_url", "web_url"}]}; default_branch, description and the URLs \
            are null when the forge does not say.
            """)
        )
        @Argument(help: "The forge (github, codeberg, gitlab or a custom forge).", completion: .forgeName)
        var forge: String
        @OptionGroup var owner: OwnerOptions
        @Flag(help: "Also list archived repositories.")
        var includeArchived = false
        @Flag(help: "Also list forks.")
        var includeForks = false
        @Flag(help: "Print as JSON.")
        var json = false
        @OptionGroup var repository: RepositoryOptions

        func run() async throws {
            var options = Hforge.RemoteListOptions(forge: forge)
            options.org = owner.org
            options.user = owner.user
            options.includeArchived = includeArchived
            options.includeForks = includeForks
            options.json = json
            options.path = repository.path
            try await execute(.hforge, json: json) { try await Hforge.remoteList(options, context: $0) }
        }
    }
}
