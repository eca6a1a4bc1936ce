import Glibc
import HyperforgeCore

/// Forge API clients whose tokens come from secret scopes, exactly as the
/// credential helper's do: asked for lazily (only when a request needs one),
/// with the scope's grant policy and approvals applied, from the provider the
/// routing names, kept in memory for the rest of the process.
public enum ForgeAPIAccess {
    /// The client for `forge`. `trusted`: built in or declared in the user's
    /// own files (`HforgeConfig.isUserForge(_:)`, or membership in
    /// `broker.auth.forges` outside a repository); an untrusted forge's client
    /// refuses every call and sends nothing.
    public static func client(for forge: Forge, trusted: Bool, broker: SecretBroker, context: Context,
                              options: ForgeClientOptions, requester: String = "git hforge") -> any ForgeClient {
        ForgeClients.make(forge: forge, trusted: trusted,
                          tokens: ScopeTokenSource(broker: broker, context: context, requester: requester), options: options)
    }

    /// The same, loading the broker (auth.toml) from `context`.
    public static func client(for forge: Forge, trusted: Bool, context: Context, options: ForgeClientOptions,
                              requester: String = "git hforge") throws -> any ForgeClient {
        client(for: forge, trusted: trusted, broker: try SecretBroker.load(context), context: context, options: options, requester: requester)
    }
}

/// Tokens through the secret broker.
public struct ScopeTokenSource: ForgeTokenSource {
    let broker: SecretBroker
    let context: Context
    let requester: String

    public init(broker: SecretBroker, context: Context, requester: String) {
        self.broker = broker
        self.context = context
        self.requester = requester
    }

    public func token(for scope: ForgeTokenScope) async throws -> String {
        let secretScope: Scope
        switch scope {
        case .repository(let forge, let owner, let name): secretScope = .git(forge: forge, org: owner, repo: name)
        case .owner(let forge, let owner): secretScope = .gitOwner(forge: forge, owner: owner)
        }
        let stderr = context.output.stderr
        let who = "\(requester) (pid \(getpid()))"
        return try await broker.secret(for: secretScope, requester: who) { request, seconds in
            stderr.line("\(request.scope) needs approval: waiting up to \(Int(seconds)) s for 'git scope approve \(request.id)'")
        }
    }
}
