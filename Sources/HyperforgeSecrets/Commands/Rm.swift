import HyperforgeCore

extension ScopeCommands {
    /// `git scope rm SCOPE`.
    public static func remove(_ scopeText: String, provider name: String?, context: Context) async throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let broker = try SecretBroker.load(context)
        let provider = try name.map { try broker.provider(named: $0) } ?? broker.provider(for: scope.path)
        if try await provider.remove(scope.path) {
            try broker.grants().clearRejection(scope.path)
            context.output.stdout.line("removed \(scope) from provider '\(provider.config.name)'")
            return .success
        }
        context.output.warning("provider '\(provider.config.name)' holds no secret for \(scope)")
        return .failure
    }
}
