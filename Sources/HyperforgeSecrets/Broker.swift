import FoundationEssentials
import HyperforgeCore

/// Hands out secrets lazily (seed 000 §5): a scope is looked up only when an
/// operation needs it, its grant policy is applied (auto, approve, deny),
/// and the secret comes from the provider the routing names. Granted
/// secrets are kept in memory for the rest of the process, never written
/// anywhere the user did not configure.
public final class SecretBroker: @unchecked Sendable {
    public let auth: AuthConfig
    let context: Context
    private let lock = Lock()
    private var sessionCache: [String: String] = [:]
    private var storeHandle: GrantStore?

    public init(auth: AuthConfig, context: Context) {
        self.auth = auth
        self.context = context
    }

    /// `compiledAuth`: auth.toml through its compiled copy (AuthConfigCache).
    public static func load(_ context: Context, compiledAuth: Bool = false) throws -> SecretBroker {
        SecretBroker(auth: try AuthConfig.load(context, compiled: compiledAuth), context: context)
    }

    public func grants() throws -> GrantStore {
        try lock.withLock {
            if let storeHandle { return storeHandle }
            let store = try GrantStore(path: GrantStore.path(context.paths))
            storeHandle = store
            return store
        }
    }

    public func provider(for key: String) throws -> any SecretProvider {
        try Providers.make(auth.route(key).provider, context: context)
    }

    public func provider(named name: String) throws -> any SecretProvider {
        guard let config = auth.providers[name] else {
            throw SecretError.unknownProvider(name: name, known: auth.providers.keys.sorted())
        }
        return try Providers.make(config, context: context)
    }

    /// Makes sure `scope` is granted, waiting for an approval when its policy
    /// asks for one. `requester` says who is asking (shown by `git scope pending`).
    public func authorise(_ scope: Scope, requester: String, waitingMessage: (GrantStore.Request, Double) -> Void = { _, _ in }) async throws {
        let key = scope.path
        let (policy, pattern) = auth.policy(key)
        switch policy {
        case .deny:
            throw SecretError.denied(scope: key, pattern: pattern?.glob)
        case .auto:
            let store = try grants()
            if try store.grant(key) == nil { try store.insertGrant(key, how: "auto", at: context.now()) }
        case .approve:
            let store = try grants()
            if try store.grant(key) != nil { return }
            // The coordinator's background fetch asks nobody: no request appears
            // in 'git scope pending' that no command of the user's made.
            if context.environment[CoordinatorClient.backgroundVariable] == "1" { throw SecretError.notAskedInBackground(scope: key) }
            let request = try store.request(key, requester: requester, at: context.now())
            let timeout = auth.approvalTimeout
            waitingMessage(request, timeout)
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                if let current = try store.request(id: request.id) {
                    if current.status == "approved" { return }
                    if current.status == "denied" { throw SecretError.requestDenied(scope: key, id: request.id) }
                }
                if try store.grant(key) != nil { return }
                if Date() >= deadline { throw SecretError.approvalTimedOut(scope: key, id: request.id, seconds: timeout) }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    /// The secret of `scope`: authorised, then read from its provider.
    public func secret(for scope: Scope, requester: String,
                       waitingMessage: (GrantStore.Request, Double) -> Void = { _, _ in }) async throws -> String {
        let key = scope.path
        if let cached = lock.withLock({ sessionCache[key] }) { return cached }
        if let rejected = try grants().rejection(key) {
            throw SecretError.rejected(scope: key, host: rejected.host, at: Timestamp.utc(rejected.rejectedAt))
        }
        try await authorise(scope, requester: requester, waitingMessage: waitingMessage)
        let provider = try provider(for: key)
        guard let secret = try await provider.get(key) else {
            throw SecretError.notFound(scope: key, provider: provider.config.name)
        }
        lock.withLock { sessionCache[key] = secret }
        return secret
    }
}

public enum SecretError: HyperforgeError, Equatable {
    case denied(scope: String, pattern: String?)
    case requestDenied(scope: String, id: Int64)
    case approvalTimedOut(scope: String, id: Int64, seconds: Double)
    case notFound(scope: String, provider: String)
    case unknownProvider(name: String, known: [String])
    case noSuchRequest(id: Int64)
    case emptySecret
    /// A secret git's credential protocol cannot carry (CR, LF or NUL in it).
    case unsafeSecret(scope: String, character: String)
    /// A server refused the scope's token (git's `erase`); it is kept but not handed out.
    case rejected(scope: String, host: String, at: String)
    case notRejected(scope: String)
    /// A scope that needs an approval, asked for by the coordinator's background fetch.
    case notAskedInBackground(scope: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .denied, .requestDenied, .approvalTimedOut, .rejected, .notAskedInBackground: return .refused
        case .notFound, .noSuchRequest, .notRejected: return .failure
        case .unknownProvider, .emptySecret, .unsafeSecret: return .usage
        }
    }

    public var description: String {
        switch self {
        case .denied(let scope, let pattern):
            return "scope \(scope) is denied by policy" + (pattern.map { " (pattern \"\($0)\" in auth.toml)" } ?? " (default_policy in auth.toml)")
        case .requestDenied(let scope, let id): return "request \(id) for scope \(scope) was denied"
        case .approvalTimedOut(let scope, let id, let seconds):
            return "scope \(scope) needs approval; nobody approved request \(id) within \(Int(seconds)) s"
        case .notFound(let scope, let provider): return "no secret for scope \(scope) in provider '\(provider)'"
        case .unknownProvider(let name, let known): return "no provider named '\(name)' (known: \(known.joined(separator: ", ")))"
        case .noSuchRequest(let id): return "no pending request \(id)"
        case .emptySecret: return "the secret is empty"
        case .unsafeSecret(let scope, let character):
            return "the secret for \(scope) contains a \(character); git's credential protocol cannot carry CR, LF or NUL in a value, so nothing was stored"
        case .rejected(let scope, let host, let at):
            return "scope \(scope) is marked rejected: \(host) refused its token at \(at) (git asked to erase it); the token is kept in its provider but not handed out"
        case .notRejected(let scope): return "scope \(scope) is not marked rejected"
        case .notAskedInBackground(let scope):
            return "scope \(scope) needs approval, and a background fetch of the coordinator asks for none"
        }
    }

    public var hint: String? {
        switch self {
        case .approvalTimedOut(_, let id, _): return "run 'git scope approve \(id)' (the request stays pending), then run the command again"
        case .notFound(let scope, _): return "store it with 'git scope set \(scope)' (the secret is read from stdin)"
        case .requestDenied(let scope, _): return "the next use of \(scope) asks again; 'git scope pending' lists requests"
        case .noSuchRequest: return "'git scope pending' lists the requests waiting for a decision"
        case .rejected(let scope, _, _):
            return "store a new token with 'git scope set \(scope)', or keep using the stored one with 'git scope approve \(scope)'"
        case .notRejected: return "'git scope list' shows the marks"
        case .notAskedInBackground: return "run 'git realm fetch' in the repository (it asks for the approval), or approve the scope once with 'git scope approve'"
        case .unsafeSecret(let scope, _):
            return "give the token on one line (one trailing newline is dropped), e.g. printf '%s' \"$TOKEN\" | git scope set \(scope)"
        default: return nil
        }
    }
}
