import HyperforgeCore

extension ScopeCommands {
    /// `git scope revoke SCOPE`: the next use asks again (per its policy).
    public static func revoke(_ scopeText: String, context: Context) throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let broker = try SecretBroker.load(context)
        if try broker.grants().revoke(scope.path) {
            context.output.stdout.line("revoked \(scope)")
            return .success
        }
        context.output.warning("\(scope) was not granted")
        return .failure
    }
}
