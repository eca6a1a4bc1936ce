import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the secret of a scope, after its grant policy allows it.",
            discussion: "With policy 'approve', waits (auth.toml approval_timeout, default 30 s) for 'git scope approve ID' from another terminal. A scope marked rejected is refused (exit 2) until 'git scope set' or 'git scope approve SCOPE'.")
        @Argument(help: "The scope.", completion: .scopes) var scope: String
        func run() async throws { try await execute(.scope) { try await ScopeCommands.get(scope, context: $0) } }
    }
}
