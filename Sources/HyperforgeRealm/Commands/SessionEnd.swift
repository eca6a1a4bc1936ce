import HyperforgeCore
import HyperforgeGit

extension Realm {
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
}
