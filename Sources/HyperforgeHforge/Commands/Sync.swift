import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct SyncOptions: Sendable {
        public var path: String?
        /// Create the repository on each forge where it is missing, before the remotes are set.
        public var create = false
        public var dryRun = false
        /// Also remove remotes the config does not name.
        public var force = false
        public init() {}
    }

    /// `git hforge sync`: makes git match `.hyperforge/config.toml`. Adds
    /// missing remotes, fixes URLs and key settings; removes remotes that are
    /// not in the config only with `--force` (otherwise: a warning, nothing
    /// removed, exit status 2).
    public static func sync(_ options: SyncOptions, context: Context) throws -> ExitStatus {
        let out = context.output.stdout
        let (repo, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context)
        try Reconciler.checkKeys(config, context: context)
        var plan = try Reconciler.plan(repo: repo, config: config, mode: .sync, helper: CredentialHelperPath.preferred(context: context),
                                       authPath: ConfigLoader.authPath(context.paths))
        if options.force {
            for extra in plan.extraRemotes {
                plan.actions.append(.removeRemote(name: extra.name, url: extra.url ?? "no URL"))
            }
        }
        plan.print(to: out, title: options.dryRun ? "Would change (dry run)" : "Plan for \(root)")
        let blocked = options.force ? [] : plan.extraRemotes.map(\.name)
        if !blocked.isEmpty {
            for extra in plan.extraRemotes {
                context.output.warning("remote '\(extra.name)' (\(extra.url.map(RemoteURL.redacted) ?? "no URL")) is not in the config; it will be removed only with --force")
            }
        }
        if options.dryRun {
            out.line("dry run: nothing was changed")
        } else if !plan.isEmpty {
            try plan.apply(to: repo)
            out.line("Done: \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s") made")
        }
        if !blocked.isEmpty { throw HforgeError.extraRemotes(blocked) }
        return .success
    }

    /// `git hforge sync --create`: the repository is created on each forge
    /// where it is missing (looked up first), then git is synced as without it.
    public static func syncCreating(_ options: SyncOptions, context: Context) async throws -> ExitStatus {
        let (repo, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context, printWarnings: false)
        try Reconciler.checkKeys(config, context: context)
        try await createOnForges(config, repo: repo, context: context, dryRun: options.dryRun)
        return try sync(options, context: context)
    }
}
