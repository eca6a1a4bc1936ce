import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the effective config and where each value comes from.", discussion: JSONHelp.hforgeConfig)
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print as JSON.")
        var json = false

        func run() async throws {
            var options = Hforge.ConfigOptions()
            options.path = repository.path
            options.json = json
            try await execute(.hforge, json: options.json) { try Hforge.showConfig(options, context: $0) }
        }
    }
}
