import HyperforgeCore

extension ScopeCommands {
    /// `git scope get SCOPE`: applies the grant policy, then prints the secret.
    public static func get(_ scopeText: String, context: Context) async throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let broker = try SecretBroker.load(context)
        let secret = try await broker.secret(for: scope, requester: requester("git scope get"), waitingMessage: waiting(context))
        context.output.stdout.writeVerbatim(secret + "\n") // the secret itself, for scripts: unchanged
        return .success
    }
}
