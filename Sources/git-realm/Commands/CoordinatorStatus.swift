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
            attempt's error with the time of the next one. --json prints /health with \
            "running" and "background_fetch" (background_fetch_age, null when off, and \
            "members": realm, path, fetched_at, last_attempt_at, last_outcome, last_error, \
            failures, next_attempt_at, fetching; times RFC 3339 UTC or null).
            """
        )
        @Flag(help: "Start it if it is not running.")
        var start = false
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.CoordinatorOptions()
            o.start = start
            o.json = json
            try await execute(.realm) { try await Realm.coordinatorStatus(o, context: $0) }
        }
    }
}
