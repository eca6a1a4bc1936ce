import FoundationEssentials
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
        // Older coordinators have no /members: then nothing is said about background fetches.
        let members = try? client.json("GET", "/members")
        if options.json {
            guard case .object(var o) = health else { return .success }
            o["running"] = .bool(true)
            if let members { o["background_fetch"] = members }
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
        if let members { printBackgroundFetch(members, now: context.now(), out: out) }
        return .success
    }

    /// The background fetch's setting and each member's last fetch, attempt and error.
    static func printBackgroundFetch(_ report: JSONValue, now: Date, out: Output.Stream) {
        func str(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        func ago(_ v: JSONValue?) -> String? { str(v).flatMap(Timestamp.parse).map { FetchRecord.age(of: $0, now: now) } }
        let age: String
        switch report["background_fetch_age"] {
        case .integer(let i)?: age = String(i)
        case .number(let d)?: age = String(d)
        default:
            out.line("background fetch: off (background_fetch_age = false in coordinator.toml)")
            return
        }
        out.line("background fetch: each member's realm, when its last fetch is more than \(age) s old")
        guard case .array(let members)? = report["members"], !members.isEmpty else {
            out.line("  no member repositories registered yet (any git realm command in one registers it)")
            return
        }
        for m in members {
            var line = "  \(str(m["realm"]) ?? "?") in \(str(m["path"]) ?? "?"): " + (ago(m["fetched_at"]).map { "fetched \($0)" } ?? "fetch time not recorded")
            if m["fetching"] == .bool(true) { line += "; fetching now" }
            if let error = str(m["last_error"]) {
                line += "; last attempt \(ago(m["last_attempt_at"]) ?? "") \(str(m["last_outcome"]) ?? "failed"): "
                    + error.split(separator: "\n").map { String($0).trimmed() }.joined(separator: " / ")
                if let next = str(m["next_attempt_at"]).flatMap(Timestamp.parse) {
                    line += "; next attempt in \(max(0, Int(next.timeIntervalSince(now).rounded(.up)))) s"
                }
            } else if let outcome = str(m["last_outcome"]), outcome.hasPrefix("skipped") {
                line += "; last attempt \(outcome)"
            }
            out.line(line)
        }
    }
}
