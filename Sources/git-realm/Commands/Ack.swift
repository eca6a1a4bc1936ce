import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a notification (shown by 'git realm status') for this repository.")
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The notification's id.")
        var id: String
        func run() async throws {
            var o = Realm.AckOptions()
            o.target = repository.target
            o.id = id
            try await execute(.realm) { try await Realm.ack(o, context: $0) }
        }
    }
}
