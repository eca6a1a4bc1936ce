import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Session {
    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a session (default: this repository's long-lived ones).")
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The session id.")
        var id: String?
        func run() async throws {
            var o = Realm.SessionOptions()
            o.target = repository.target
            o.id = id
            try await execute(.realm) { try await Realm.sessionEnd(o, context: $0) }
        }
    }
}
