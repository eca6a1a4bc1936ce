import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Coordinator {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether it runs: pid, start time, sessions, socket.", discussion: JSONHelp.coordinatorStatus)
        @Flag(help: "Start it if it is not running.")
        var start = false
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.CoordinatorOptions()
            o.start = start
            o.json = json
            try await execute(.realm, json: o.json) { try await Realm.coordinatorStatus(o, context: $0) }
        }
    }
}
