import HyperforgeCore
import HyperforgeGit

extension Realm {
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
        if options.json { context.output.stdout.line(JSONOutput.render(session!)) } else {
            context.output.stdout.line("session \(id) started for \(membership.repo) in realm \(membership.realm)\(options.topic.map { ": \($0)" } ?? "")")
            context.output.stdout.line("end it with: git realm session end \(id)")
        }
        return .success
    }
}
