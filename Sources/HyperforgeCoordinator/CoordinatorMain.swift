import FoundationEssentials
import Glibc
import HyperforgeCore

/// `hyperforge-coordinator`: started on demand by the tools (never by hand),
/// one per user. It is a link to the multi-call executable like the tools;
/// see `git realm coordinator --help`.
public enum CoordinatorMain {
    public static func main(_ arguments: [String]) async -> Int32 {
        if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            print("""
            usage: hyperforge-coordinator

            Started on demand by git realm and git scope; one per user. Serves sessions and
            notifications on $XDG_RUNTIME_DIR/hyperforge/coordinator.sock, keeps its state in
            $XDG_STATE_HOME/hyperforge/coordinator.db and its log in coordinator.log beside it,
            and exits when idle. Manage it with 'git realm coordinator status|stop|logs'.
            """)
            return 0
        }
        if arguments.first == BackgroundFetcher.backgroundFetchFlag { return await BackgroundFetcher.child(arguments) }
        if arguments.contains("--version") {
            print(HyperforgeVersion.current)
            return 0
        }
        return await Coordinator.serve(environment: Context.process().environment)
    }
}
