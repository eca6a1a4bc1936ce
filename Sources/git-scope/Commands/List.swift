import ArgumentParser
import CLISupport
import HyperforgeSecrets

extension GitScope {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the scopes each provider holds (names only, never values).",
            discussion: "A scope whose token a server refused is shown as rejected (with the host and time): its token is kept but not handed out until 'git scope set SCOPE' or 'git scope approve SCOPE'." + "\n\n" + JSONHelp.scopeList)
        @Option(help: "Only this provider.", completion: .providers) var provider: String?
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute(.scope, json: format.json) { try await ScopeCommands.list(provider: provider, json: format.json, context: $0) } }
    }
}
