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

    /// `git scope approve ID` / `git scope deny ID` (Approve.swift, Deny.swift).
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
}
