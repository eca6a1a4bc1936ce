import HyperforgeCore

extension ScopeCommands {
    /// `git scope deny ID`: denies a pending request.
    public static func deny(_ id: Int64, context: Context) throws -> ExitStatus {
        try decide(id, approve: false, context: context)
    }
}
