import Glibc
import HyperforgeCore

extension Realm {
    /// `git realm coordinator stop`: SIGTERM (in-flight requests finish), then waits for it to exit.
    public static func coordinatorStop(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let client = CoordinatorClient(environment: context.environment)
        guard let health = client.health(), case .integer(let pid)? = health["pid"] else {
            out.line("not running")
            return .success
        }
        guard kill(pid_t(pid), SIGTERM) == 0 else {
            throw CoordinatorError.noAnswer(socket: client.paths.socket, reason: "cannot signal pid \(pid): \(String(cString: strerror(errno)))")
        }
        // It answers the requests in flight first (at most 60 s).
        for _ in 0..<1300 {
            if kill(pid_t(pid), 0) != 0 && errno == ESRCH { out.line("stopped (pid \(pid))"); return .success }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw CoordinatorError.noAnswer(socket: client.paths.socket, reason: "pid \(pid) is still running 65 s after SIGTERM")
    }
}
