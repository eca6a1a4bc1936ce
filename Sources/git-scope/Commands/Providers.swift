import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Providers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured providers and what routes to each.", discussion: JSONHelp.scopeProviders)
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope, json: format.json) { try ScopeCommands.providers(json: format.json, context: $0) } }
    }
}
