import HyperforgeCore

extension ScopeCommands {
    /// `git scope grants`.
    public static func grants(json: Bool, context: Context) throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        let grants = try broker.grants().grants()
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(grants))
        } else if grants.isEmpty {
            out.line("no scopes granted")
        } else {
            for g in grants { out.line("\(g.scope)  \(out.styled("\(g.how), \(Timestamp.utc(g.grantedAt))", .dim))") }
        }
        return .success
    }
}
