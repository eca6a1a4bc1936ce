import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a pending request.")
        @Argument(help: "The request's id (see 'git scope pending').", completion: .pendingRequests) var id: Int64
        func run() async throws { try await execute(.scope) { try ScopeCommands.deny(id, context: $0) } }
    }
}
