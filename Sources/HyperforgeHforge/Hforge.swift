import HyperforgeCore
import HyperforgeGit

/// The operations behind `git hforge`. Each takes its options and a
/// `Context`, writes its report to `context.output` and returns the exit
/// status; errors are thrown as typed `HyperforgeError`s.
public enum Hforge {
    /// The repository a command works on: `--path` when given, else the
    /// working directory (which `git -C DIR` has already changed).
    static func openRepository(path: String?, context: Context) throws -> (Repository, String) {
        let start = context.resolve(path ?? ".")
        let repo = try Repository.discover(from: start, environment: context.environment)
        guard let root = repo.workingDirectory else { throw HforgeError.bareRepository(path: repo.gitDirectory) }
        return (repo, root)
    }

    /// Loads the effective config, insisting that the repository has one,
    /// and prints what the loader skipped or ignored.
    /// `requireOwnConfig: false` (`workspace --all-repos`) takes the defaults chain alone.
    static func loadConfig(root: String, context: Context, printWarnings: Bool = true, requireOwnConfig: Bool = true) throws -> HforgeConfig {
        guard !requireOwnConfig || ConfigLoader.hasConfig(repoRoot: root) else { throw HforgeError.notInitialised(repoRoot: root) }
        let config = try ConfigLoader.load(repoRoot: root, environment: context.environment)
        if printWarnings { for w in config.warnings { context.output.warning(w) } }
        return config
    }

    /// `path` relative to `root` when inside it, for shorter messages.
    static func relative(_ path: String, to root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
