import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Coordinator {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether it runs: pid, start time, sessions, socket, background fetches.",
            discussion: """
            When it runs: its pid, start time, sessions, idle timeout, socket and log, then \
            the background fetch (its background_fetch_age, or off) and each member \
            repository it keeps fresh: when its realm was last fetched, and the last \
            attempt's error with the time of the next one.
            """ + "\n\n" + JSONHelp.coordinatorStatus
        )
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
