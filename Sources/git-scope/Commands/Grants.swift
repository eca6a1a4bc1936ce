import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List granted scopes.")
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope) { try ScopeCommands.grants(json: format.json, context: $0) } }
    }
}
