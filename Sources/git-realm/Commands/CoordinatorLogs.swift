import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Coordinator {
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the end of its log.")
        @Option(help: "How many lines.")
        var lines = Realm.CoordinatorOptions().lines
        func run() async throws {
            var o = Realm.CoordinatorOptions()
            o.lines = lines
            try await execute(.realm) { try await Realm.coordinatorLogs(o, context: $0) }
        }
    }
}
