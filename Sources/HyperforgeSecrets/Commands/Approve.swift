import HyperforgeCore

extension ScopeCommands {
    /// `git scope approve ID`: grants a pending request's scope.
    public static func approve(_ id: Int64, context: Context) throws -> ExitStatus {
        try decide(id, approve: true, context: context)
    }

    /// `git scope approve SCOPE`: clears the rejected mark of a scope, so
    /// the token its provider still holds is handed out again.
    public static func clearRejection(_ scopeText: String, context: Context) throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let broker = try SecretBroker.load(context)
        guard try broker.grants().clearRejection(scope.path) else { throw SecretError.notRejected(scope: scope.path) }
        context.output.stdout.line("cleared the rejected mark of \(scope): its stored token is handed out again")
        return .success
    }
}
