import HyperforgeCore

extension Realm {
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
        do { try coordination.client.json("POST", "/notifications/\(options.id)/ack", .object(["repo": .string(membership.repo)])) } catch {
            if case .badResponse(404, _) = error { throw RealmError.unknownNotification(id: options.id, repo: membership.repo) }
            throw error
        }
        context.output.stdout.line("notification \(options.id) acknowledged by \(membership.repo)")
        return .success
    }
}
