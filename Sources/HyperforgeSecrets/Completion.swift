import FoundationEssentials
import HyperforgeCore

/// What the shells offer when the user presses TAB in `git scope ...` (the
/// executable is asked through ArgumentParser's `---completion`). Local
/// state only: the names `file` providers hold (as `git scope list` shows
/// them) and the grants database, read without creating it. A keychain is
/// never asked (it could prompt to unlock), nor a `command` provider (it
/// runs the user's program: pass, gpg) nor WorkOS (the network). Names
/// only, never a value; nothing written; never an error.
public enum ScopeCompletion {
    /// Scope paths: held by a `file` provider, granted, marked rejected or
    /// waiting for approval.
    public static func scopes(context: Context) async -> [String] {
        var names = Set<String>()
        if let auth = try? AuthConfig.load(context) {
            for config in auth.providers.values where config.kind == .file {
                guard let provider = try? Providers.make(config, context: context),
                      let held = try? await provider.list() else { continue }
                names.formUnion(held)
            }
        }
        if let store = grants(context) {
            names.formUnion(((try? store.grants()) ?? []).map(\.scope))
            names.formUnion(((try? store.rejections()) ?? []).map(\.scope))
            names.formUnion(((try? store.pending()) ?? []).map(\.scope))
        }
        // The credential helper's plain storage (credential/...) is not a scope.
        return names.filter { (try? Scope(parsing: $0)) != nil }.sorted()
    }

    /// Pending approval requests: each id with its scope and who asked.
    public static func pending(context: Context) -> [(id: String, description: String)] {
        guard let store = grants(context), let requests = try? store.pending() else { return [] }
        return requests.map { (String($0.id), "\($0.scope), asked by \($0.requester)") }
    }

    /// Scopes marked rejected (which `git scope approve SCOPE` clears).
    public static func rejected(context: Context) -> [String] {
        guard let store = grants(context) else { return [] }
        return ((try? store.rejections()) ?? []).map(\.scope)
    }

    /// The providers auth.toml declares, and the built-in `file`.
    public static func providers(context: Context) -> [String] {
        ((try? AuthConfig.load(context))?.providers.keys.sorted()) ?? [AuthConfig.builtInFile.name]
    }

    /// The grants database, when it exists (a completion never creates it).
    static func grants(_ context: Context) -> GrantStore? {
        let path = GrantStore.path(context.paths)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? GrantStore(readingOnly: path)
    }
}
