import HyperforgeCore

extension Realm {
    /// `git realm coordinator status`: whether it runs, its pid, sessions, socket.
    public static func coordinatorStatus(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let client = CoordinatorClient(environment: context.environment)
        if options.start { try client.ensureRunning() }
        guard let health = client.health() else {
            if options.json {
                out.line(JSONOutput.render(.object(["running": .bool(false), "socket": .string(client.paths.socket)])))
            } else {
                out.line("not running (it starts on demand; socket \(client.paths.socket))")
            }
            return .success
        }
        if options.json {
            guard case .object(var o) = health else { return .success }
            o["running"] = .bool(true)
            out.line(JSONOutput.render(.object(o)))
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
}
