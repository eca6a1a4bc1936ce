import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct SessionOptions: Sendable {
        public var target = Target()
        public var topic: String?
        public var id: String?
        public var json = false
        public var allRealms = false
        public init() {}
    }

    /// `git realm session start [--topic T]`: a long-lived session for this
    /// repository ("working on training-metrics-v2"), until `session end`.
    public static func sessionStart(_ options: SessionOptions, context: Context) async throws -> ExitStatus {
        let (repository, membership) = try openMember(options.target, context: context)
        let coordination = RealmCoordination(context: context)
        try coordination.client.ensureRunning()
        let body: [String: JSONValue] = ["repo": .string(membership.repo), "realm": .string(membership.realm), "client_id": .string("git realm session"),
                                         "path": repository.workingDirectory.map(JSONValue.string) ?? .null,
                                         "active_rfc": options.topic.map(JSONValue.string) ?? .null]
        let session = try coordination.client.json("POST", "/sessions", .object(body))
        guard case .string(let id)? = session?["id"] else { throw CoordinatorError.badResponse(status: 200, message: "no session id in the answer") }
        if options.json { context.output.stdout.line(session!.jsonText) } else {
            context.output.stdout.line("session \(id) started for \(membership.repo) in realm \(membership.realm)\(options.topic.map { ": \($0)" } ?? "")")
            context.output.stdout.line("end it with: git realm session end \(id)")
        }
        return .success
    }

    /// `git realm session end [ID]`: ends one session, or this repository's long-lived ones.
    public static func sessionEnd(_ options: SessionOptions, context: Context) async throws -> ExitStatus {
        let coordination = RealmCoordination(context: context)
        try coordination.client.ensureRunning()
        var ids: [String] = []
        if let id = options.id {
            ids = [id]
        } else {
            let (_, membership) = try openMember(options.target, context: context)
            let list = try coordination.client.json("GET", "/sessions?realm=\(FilePaths.percentEncoded(membership.realm))&repo=\(FilePaths.percentEncoded(membership.repo))")
            if case .array(let sessions)? = list?["sessions"] {
                for s in sessions where s["pid"] == .null { if case .string(let id)? = s["id"] { ids.append(id) } }
            }
            if ids.isEmpty { context.output.stdout.line("no long-lived session for \(membership.repo)"); return .success }
        }
        for id in ids {
            try coordination.client.json("DELETE", "/sessions/\(FilePaths.percentEncoded(id))")
            context.output.stdout.line("session \(id) ended")
        }
        return .success
    }

    /// `git realm session list`: sessions in this repository's realm (or all, with --all).
    public static func sessionList(_ options: SessionOptions, context: Context) async throws -> ExitStatus {
        let coordination = RealmCoordination(context: context)
        try coordination.client.ensureRunning()
        var path = "/sessions"
        if !options.allRealms {
            let (_, membership) = try openMember(options.target, context: context)
            path += "?realm=\(FilePaths.percentEncoded(membership.realm))"
        }
        let list = try coordination.client.json("GET", path)
        let sessions: [JSONValue]
        if case .array(let s)? = list?["sessions"] { sessions = s } else { sessions = [] }
        if options.json { context.output.stdout.line(JSONValue.array(sessions).jsonText); return .success }
        if sessions.isEmpty { context.output.stdout.line("no sessions"); return .success }
        for s in sessions { context.output.stdout.line(describeSession(s)) }
        return .success
    }

    static func describeSession(_ s: JSONValue, me: String? = nil) -> String {
        func str(_ k: String) -> String? { if case .string(let v)? = s[k] { return v }; return nil }
        let repo = str("repo") ?? "?"
        var line = "• \(repo)\(repo == me ? " (you)" : "")"
        if let topic = str("active_rfc") { line += " - working on \(topic)" } else if let client = str("client_id") { line += " - \(client)" }
        if case .integer(let pid)? = s["pid"] { line += " (pid \(pid))" }
        if let id = str("id") { line += "  [\(id.prefix(8))]" }
        return line
    }

    public struct AckOptions: Sendable {
        public var target = Target()
        public var id = ""
        public init() {}
    }

    /// `git realm ack ID`: acknowledges a notification for this repository.
    public static func ack(_ options: AckOptions, context: Context) async throws -> ExitStatus {
        let (_, membership) = try openMember(options.target, context: context)
        let coordination = RealmCoordination(context: context)
        try coordination.client.ensureRunning()
        guard Int64(options.id) != nil else { throw RealmError.invalidName(kind: "notification", name: options.id, problem: "is not a notification id (a number)") }
        try coordination.client.json("POST", "/notifications/\(options.id)/ack", .object(["repo": .string(membership.repo)]))
        context.output.stdout.line("notification \(options.id) acknowledged by \(membership.repo)")
        return .success
    }
}
