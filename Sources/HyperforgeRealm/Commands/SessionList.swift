import HyperforgeCore

extension Realm {
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
        if options.json { context.output.stdout.line(JSONOutput.render(.array(sessions))); return .success }
        if sessions.isEmpty { context.output.stdout.line("no sessions"); return .success }
        for s in sessions { context.output.stdout.line(describeSession(s)) }
        return .success
    }
}
