import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Which: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the provider and policy of a scope, and the patterns that chose them.", discussion: JSONHelp.scopeWhich)
        @Argument(help: "The scope.", completion: .scopes) var scope: String
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope, json: format.json) { try ScopeCommands.which(scope, json: format.json, context: $0) } }
    }
}
