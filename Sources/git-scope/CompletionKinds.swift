import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeSecrets

// What `git scope ... <TAB>` offers, from local state only (ScopeCompletion).

extension CompletionKind {
    /// Scope paths: held by a `file` provider, granted, rejected or pending.
    static var scopes: CompletionKind {
        .custom { _, _, _ in Completions.offer(await ScopeCompletion.scopes(context: Completions.context())) }
    }

    /// The providers auth.toml declares.
    static var providers: CompletionKind {
        .custom { _, _, _ in Completions.offer(ScopeCompletion.providers(context: Completions.context())) }
    }

    /// Pending requests' ids, described by scope and requester.
    static var pendingRequests: CompletionKind {
        .custom { _, _, _ in pending(Completions.context()) }
    }

    /// Pending requests' ids, and the scopes marked rejected.
    static var approvable: CompletionKind {
        .custom { _, _, _ in
            let context = Completions.context()
            return pending(context) + Completions.offer(ScopeCompletion.rejected(context: context))
        }
    }

    private static func pending(_ context: Context) -> [String] {
        Completions.described(ScopeCompletion.pending(context: context).map { ($0.id, $0.description) })
    }
}
