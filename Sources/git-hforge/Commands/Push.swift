import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push the current branch to every forge, in config order.",
            discussion: """
            Uses the real git, so your ssh, credential helpers and hooks apply. Stops at the \
            first forge that fails; the forges after it are not contacted.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Push all tags as well.")
        var tags = false
        @Flag(help: "Print what would be pushed where, and contact nothing.")
        var dryRun = false

        func run() async throws {
            var options = Hforge.PushOptions()
            options.path = repository.path
            options.tags = tags
            options.dryRun = dryRun
            try await execute(.hforge) { try await Hforge.push(options, context: $0) }
        }
    }
}
