import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant: the next use asks again, per the scope's policy.")
        @Argument(help: "The scope.", completion: .scopes) var scope: String
        func run() async throws { try await execute(.scope) { try ScopeCommands.revoke(scope, context: $0) } }
    }
}
