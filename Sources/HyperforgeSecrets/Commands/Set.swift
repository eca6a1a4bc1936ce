import HyperforgeCore

extension ScopeCommands {
    /// `git scope set SCOPE`: stores `secret` in the provider the scope routes
    /// to (or `provider`).
    public static func set(_ scopeText: String, secret: String, provider name: String?, context: Context) async throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        guard !secret.isEmpty else { throw SecretError.emptySecret }
        if let bad = CredentialValue.unsafeCharacter(secret) { throw SecretError.unsafeSecret(scope: scope.path, character: bad) }
        let broker = try SecretBroker.load(context)
        let provider = try name.map { try broker.provider(named: $0) } ?? broker.provider(for: scope.path)
        try await provider.set(scope.path, secret)
        context.output.stdout.line("stored \(scope) in provider '\(provider.config.name)' (\(provider.config.kind.rawValue))")
        if try broker.grants().clearRejection(scope.path) {
            context.output.stdout.line("cleared the rejected mark of \(scope)")
        }
        return .success
    }
}
