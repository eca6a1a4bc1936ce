import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeRealm

extension GitRealm.Coordinator {
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the end of its log.",
            discussion: "LIMITS: --lines takes a whole number from 1 to 100000; only the log's last 16 MiB are read.")
        @Option(help: "How many lines (1 to 100000).")
        var lines = Realm.CoordinatorOptions().lines
        func validate() throws {
            guard NumberRange.logLines.contains(lines) else { throw ValidationError("--lines \(lines): it must be \(NumberRange.logLines)") }
        }
        func run() async throws {
            var o = Realm.CoordinatorOptions()
            o.lines = lines
            try await execute(.realm) { try await Realm.coordinatorLogs(o, context: $0) }
        }
    }
}
