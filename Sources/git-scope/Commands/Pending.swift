import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List requests waiting for approval.", discussion: JSONHelp.scopePending)
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope, json: format.json) { try ScopeCommands.pending(json: format.json, context: $0) } }
    }
}
