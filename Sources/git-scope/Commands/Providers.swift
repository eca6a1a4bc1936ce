import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Providers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured providers and what routes to each.")
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope) { try ScopeCommands.providers(json: format.json, context: $0) } }
    }
}
