import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove the secret of a scope from its provider.")
        @Argument(help: "The scope.", completion: .scopes) var scope: String
        @Option(help: "Remove from this provider instead of the one the scope routes to.", completion: .providers) var provider: String?
        func run() async throws { try await execute(.scope) { try await ScopeCommands.remove(scope, provider: provider, context: $0) } }
    }
}
