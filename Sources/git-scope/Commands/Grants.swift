import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List granted scopes.", discussion: JSONHelp.scopeGrants)
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope, json: format.json) { try ScopeCommands.grants(json: format.json, context: $0) } }
    }
}
