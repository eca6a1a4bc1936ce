import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct RemoteCreate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create this repository on a forge, from its effective config.",
            usage: "git hforge remote <forge> create [--path <dir>] [--dry-run]",
            discussion: """
            Creates org/repo_name (or the user's repo_name when org is the token's own user) \
            with the config's visibility and description (the description key). Idempotent: the repository is \
            looked up first, and one that exists is reported with any difference from the \
            config (visibility, default branch) and never created again or changed. The \
            token is the repository's scope, git/FORGE/ORG/repo/NAME/token.

            --dry-run makes only the lookup (printed) and prints the request it would send.

            Exit status: 0 created, or it exists (differences are warnings); 1 the forge's \
            API failed; 2 the forge is declared only by a repository's committed config; \
            3 configuration error; 4 environment error; 64 usage error.
            """
        )
        @Argument(help: "The forge (one of the config's forges or any forge known here).", completion: .forgeName)
        var forge: String
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print the requests that would be made and create nothing.")
        var dryRun = false

        func run() async throws {
            var options = Hforge.RemoteCreateOptions(forge: forge)
            options.path = repository.path
            options.dryRun = dryRun
            try await execute(.hforge) { try await Hforge.remoteCreate(options, context: $0) }
        }
    }
}
