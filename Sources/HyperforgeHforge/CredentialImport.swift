import HyperforgeCore
import HyperforgeSecrets

/// Credentials embedded in remote URLs (`https://alice:TOKEN@github.com/...`)
/// met by `git hforge init --import-from-git`. The URL the config writes
/// carries no credential, so a token is moved into the scope the remote maps
/// to (a token in a push URL, which the plan removes, into the push URL's
/// scope), through the provider the user's routing names, before the remote is
/// rewritten; when it cannot be moved, the remote is not imported and keeps
/// its URL, and the command says why. A secret is never printed.
struct CredentialImport {
    /// A credential to store, and where.
    struct Move: Sendable {
        var remote: String
        var scope: Scope
        var secret: String
        var provider: any SecretProvider
        /// The scope already holds exactly this secret.
        var alreadyStored: Bool
        /// The credential was in the remote's push URL (`remote.NAME.pushurl`).
        var fromPushURL = false
    }

    enum Outcome {
        case move(Move)
        /// Why not, and what the user can do about it.
        case cannot(String, fix: String)
    }

    private let broker: SecretBroker?
    private let brokerProblem: String

    init(context: Context) {
        var problem = ""
        do { broker = try SecretBroker.load(context) } catch {
            broker = nil
            problem = (error as? any HyperforgeError)?.description ?? "the secret store configuration cannot be read"
        }
        brokerProblem = problem
    }

    /// Whether `secret` can go into `scope`, and through which provider.
    func plan(remote: String, scope: Scope, secret: String) async -> Outcome {
        let unembed = "or take the credential out of the URL ('git remote set-url \(remote) URL'), then import again"
        guard let broker else { return .cannot(brokerProblem, fix: "fix the secret store's configuration, " + unembed) }
        do {
            let provider = try broker.provider(for: scope.path)
            let name = provider.config.name
            if provider.config.kind == .env {
                return .cannot("\(scope) is routed to provider '\(name)', which is read-only (env)",
                               fix: "route \(scope.path) to a writable provider under [auth.routing] in auth.toml, " + unembed)
            }
            switch try await provider.get(scope.path) {
            case nil:
                return .move(Move(remote: remote, scope: scope, secret: secret, provider: provider, alreadyStored: false))
            case secret?:
                return .move(Move(remote: remote, scope: scope, secret: secret, provider: provider, alreadyStored: true))
            case _?:
                return .cannot("\(scope) already holds a different secret in provider '\(name)'; replace it with 'git scope set \(scope)' if the URL's is the right one, then import again",
                               fix: "replace the stored secret with 'git scope set \(scope)' if the URL's is the right one, " + unembed)
            }
        } catch {
            return .cannot((error as? any HyperforgeError)?.description ?? "the provider for \(scope) cannot be read",
                           fix: "fix the provider of \(scope.path), " + unembed)
        }
    }

    /// One line per move, for the plan.
    static func describe(_ moves: [Move], dryRun: Bool) -> [String] {
        moves.map { m in
            let verb = m.alreadyStored ? "already in" : (dryRun ? "would store in" : "store in")
            if m.fromPushURL {
                return "credential in the push URL of remote '\(m.remote)': \(verb) \(m.scope) (provider '\(m.provider.config.name)'); the push URL is removed with it"
            }
            return "credential of remote '\(m.remote)': \(verb) \(m.scope) (provider '\(m.provider.config.name)'); the remote's URL will not carry it"
        }
    }

    /// Stores every credential not already stored. Called before anything
    /// else changes, so a failure leaves the repository as it was.
    static func store(_ moves: [Move]) async throws {
        for m in moves where !m.alreadyStored {
            try await m.provider.set(m.scope.path, m.secret)
        }
    }
}
