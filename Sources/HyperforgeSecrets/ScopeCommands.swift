import FoundationEssentials
import Glibc
import HyperforgeCore

/// What `git scope` does. Each operation takes its arguments and a Context,
/// writes its report to `context.output`, and returns the exit status.
/// Only `get` ever prints a secret (on stdout, for the caller to capture).
public enum ScopeCommands {
    static func requester(_ what: String) -> String {
        "\(what) (pid \(getpid()))"
    }

    static func waiting(_ context: Context) -> (GrantStore.Request, Double) -> Void {
        { request, seconds in
            context.output.stderr.line("scope \(request.scope) needs approval: waiting up to \(Int(seconds)) s; approve it with 'git scope approve \(request.id)'")
        }
    }

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

    /// `git scope get SCOPE`: applies the grant policy, then prints the secret.
    public static func get(_ scopeText: String, context: Context) async throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let broker = try SecretBroker.load(context)
        let secret = try await broker.secret(for: scope, requester: requester("git scope get"), waitingMessage: waiting(context))
        context.output.stdout.writeVerbatim(secret + "\n") // the secret itself, for scripts: unchanged
        return .success
    }

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

    public struct Listed: Codable, Sendable, Equatable {
        public var provider: String
        public var type: String
        public var names: [String]
        /// The names a server refused (git's `erase`): kept, not handed out.
        public var rejected: [GrantStore.Rejection] = []
    }

    /// `git scope list`: the names each provider holds, never the values.
    public static func list(provider name: String?, json: Bool, context: Context) async throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        let names = name.map { [$0] } ?? broker.auth.providers.keys.sorted()
        let rejections = try broker.grants().rejections()
        var listed: [Listed] = []
        for providerName in names {
            let provider = try broker.provider(named: providerName)
            do {
                let held = try await provider.list()
                let marks = rejections.filter { held.contains($0.scope) }
                listed.append(Listed(provider: providerName, type: provider.config.kind.rawValue, names: held, rejected: marks))
            } catch let e as ProviderError {
                if name != nil { throw e }
                context.output.warning("\(e.description); skipped")
            }
        }
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(listed))
        } else {
            for l in listed {
                out.line("\(out.styled(l.provider, .bold)) (\(l.type)): \(l.names.count) secret\(l.names.count == 1 ? "" : "s")")
                for n in l.names {
                    if let mark = l.rejected.first(where: { $0.scope == n }) {
                        out.line("  \(n)  " + out.styled("rejected by \(mark.host) at \(Timestamp.utc(mark.rejectedAt)): not handed out; 'git scope set \(n)' or 'git scope approve \(n)' clears it", .yellow))
                    } else {
                        out.line("  \(n)")
                    }
                }
            }
        }
        return .success
    }

    public struct Which: Codable, Sendable, Equatable {
        public var scope: String
        public var provider: String
        public var type: String
        public var pattern: String?
        public var policy: String
        public var policyPattern: String?
    }

    /// `git scope which SCOPE`: the provider and policy, and the patterns that chose them.
    public static func which(_ scopeText: String, json: Bool, context: Context) throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let auth = try AuthConfig.load(context)
        let (provider, pattern) = auth.route(scope.path)
        let (policy, policyPattern) = auth.policy(scope.path)
        let w = Which(scope: scope.path, provider: provider.name, type: provider.kind.rawValue, pattern: pattern?.glob,
                      policy: policy.rawValue, policyPattern: policyPattern?.glob)
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(w))
        } else {
            out.line("\(w.scope)")
            out.line("  provider: \(w.provider) (\(w.type)), " + (w.pattern.map { "routed by \"\($0)\"" } ?? "the default provider"))
            out.line("  policy:   \(w.policy), " + (w.policyPattern.map { "set by \"\($0)\"" } ?? "the default policy"))
        }
        return .success
    }

    public struct ProviderInfo: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
        public var isDefault: Bool
        public var routes: [String]
        public var origin: String
    }

    /// `git scope providers`.
    public static func providers(json: Bool, context: Context) throws -> ExitStatus {
        let auth = try AuthConfig.load(context)
        let infos = auth.providers.values.sorted { $0.name < $1.name }.map { p in
            ProviderInfo(name: p.name, type: p.kind.rawValue, isDefault: p.name == auth.defaultProvider,
                         routes: auth.routing.filter { $0.value == p.name }.map(\.glob).sorted(), origin: "\(p.origin)")
        }
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(infos))
        } else {
            for i in infos {
                out.line("\(out.styled(i.name, .bold)) (\(i.type))\(i.isDefault ? ", default" : "")  \(out.styled("# \(i.origin)", .dim))")
                for r in i.routes { out.line("  \(r)") }
            }
        }
        return .success
    }

    /// `git scope pending`.
    public static func pending(json: Bool, context: Context) throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        let requests = try broker.grants().pending()
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(requests))
        } else if requests.isEmpty {
            out.line("no pending requests")
        } else {
            for r in requests {
                let age = Int(context.now().timeIntervalSince(r.requestedAt))
                out.line("\(r.id)  \(r.scope)  \(out.styled("asked by \(r.requester), \(age) s ago", .dim))")
            }
        }
        return .success
    }

    /// `git scope approve ID` / `git scope deny ID`.
    public static func decide(_ id: Int64, approve: Bool, context: Context) throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        guard let decided = try broker.grants().decide(id: id, approve: approve, at: context.now()) else {
            throw SecretError.noSuchRequest(id: id)
        }
        if decided.status != (approve ? "approved" : "denied") {
            context.output.warning("request \(id) for \(decided.scope) was already \(decided.status)")
            return .refused
        }
        context.output.stdout.line("\(approve ? "approved" : "denied") request \(id): \(decided.scope)")
        return .success
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
