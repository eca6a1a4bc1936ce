import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Session {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a session for this repository.", discussion: JSONHelp.sessionStart)
        @OptionGroup var repository: RepositoryOptions
        @Option(help: "What you are working on (the RFC's active_rfc).")
        var topic: String?
        @Flag(help: "Print the session as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.SessionOptions()
            o.target = repository.target
            o.topic = topic
            o.json = json
            try await execute(.realm, json: o.json) { try await Realm.sessionStart(o, context: $0) }
        }
    }
}
