import FoundationEssentials
import Glibc
import HyperforgeCore

extension Realm {
    public struct CoordinatorOptions: Sendable {
        public var json = false
        public var lines = 50
        public var start = false
        public init() {}
    }

    /// `git realm coordinator status`: whether it runs, its pid, sessions, socket.
    public static func coordinatorStatus(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let client = CoordinatorClient(environment: context.environment)
        if options.start { try client.ensureRunning() }
        guard let health = client.health() else {
            if options.json {
                out.line(JSONValue.object(["running": .bool(false), "socket": .string(client.paths.socket)]).jsonText)
            } else {
                out.line("not running (it starts on demand; socket \(client.paths.socket))")
            }
            return .success
        }
        if options.json {
            guard case .object(var o) = health else { return .success }
            o["running"] = .bool(true)
            out.line(JSONValue.object(o).jsonText)
            return .success
        }
        func field(_ k: String) -> String {
            switch health[k] {
            case .string(let s)?: return s
            case .integer(let i)?: return String(i)
            case .number(let d)?: return d.rounded() == d ? String(Int(d)) : String(d)
            default: return "?"
            }
        }
        out.line("running: pid \(field("pid")), since \(field("started_at")), \(field("sessions")) session(s), idle timeout \(field("idle_timeout")) s")
        out.line("socket: \(field("socket"))")
        out.line("log: \(client.paths.log)")
        return .success
    }

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

    /// `git realm coordinator logs`: the end of its log.
    public static func coordinatorLogs(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let paths = CoordinatorPaths(environment: context.environment)
        guard let data = FileManager.default.contents(atPath: paths.log) else {
            out.line("no log yet (\(paths.log))")
            return .success
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for line in lines.suffix(options.lines) { out.line(String(line)) }
        return .success
    }
}
