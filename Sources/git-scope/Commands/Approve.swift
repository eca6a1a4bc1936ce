import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a pending request (its scope is granted), or clear a scope's rejected mark.",
            discussion: """
            With a request id (see 'git scope pending'), grants that request's scope. With a scope, \
            clears its rejected mark: when a server refuses a scope's token, git asks the credential \
            helper to erase it; the token is kept in its provider but not handed out until \
            'git scope approve SCOPE' (keep it) or 'git scope set SCOPE' (a new one). 'git scope list' \
            shows the marks.
            """)
        @Argument(help: "A request's id (see 'git scope pending'), or a scope marked rejected (see 'git scope list').", completion: .approvable) var target: String
        func run() async throws {
            if let id = Int64(target) {
                try await execute(.scope) { try ScopeCommands.approve(id, context: $0) }
            } else {
                try await execute(.scope) { try ScopeCommands.clearRejection(target, context: $0) }
            }
        }
    }
}
