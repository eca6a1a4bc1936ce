import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Coordinator {
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop it (in-flight requests finish first).")
        func run() async throws {
            try await execute(.realm) { try await Realm.coordinatorStop(Realm.CoordinatorOptions(), context: $0) }
        }
    }
}
