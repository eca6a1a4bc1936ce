import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeCoordinator

// The coordinator for git realm and git scope: started on demand by the
// tools (never by hand), one per user. See `git realm coordinator --help`.
if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
    print("""
    usage: hyperforge-coordinator

    Started on demand by git realm and git scope; one per user. Serves sessions and
    notifications on $XDG_RUNTIME_DIR/hyperforge/coordinator.sock, keeps its state in
    $XDG_STATE_HOME/hyperforge/coordinator.db and its log in coordinator.log beside it,
    and exits when idle. Manage it with 'git realm coordinator status|stop|logs'.
    """)
    exit(0)
}
if CommandLine.arguments.dropFirst().contains("--version") {
    print(HyperforgeVersion.current)
    exit(0)
}
exit(await Coordinator.serve(environment: ProcessInfo.processInfo.environment))
