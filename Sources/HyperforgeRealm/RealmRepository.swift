import HyperforgeCore
import HyperforgeGit

/// A repository's membership of a realm, kept in its git config:
/// `realm.name`, `realm.url`, `realm.repo` (this repository's name in the
/// realm) and optionally `realm.branch` (default `main`). The realm's content
/// is fetched into `refs/realm/<name>/fetched`; `refs/realm/<name>/seen` marks
/// what `git realm status` last showed.
public struct Membership: Sendable, Equatable {
    public var realm: String
    public var url: String
    public var repo: String
    public var branch: String

    public static let defaultBranch = "main"

    public var fetchedRef: String { Membership.fetchedRef(realm: realm) }
    /// Where a member keeps the realm it last fetched.
    public static func fetchedRef(realm: String) -> String { "refs/realm/\(realm)/fetched" }
    public var seenRef: String { "refs/realm/\(realm)/seen" }

    /// The membership recorded in `repository`'s config, nil when it has none.
    public static func read(_ repository: Repository) throws -> Membership? {
        let config = repository.config
        guard let realm = try config.string("realm.name") else { return nil }
        guard let url = try config.string("realm.url") else { throw RealmError.incompleteMembership(missing: "realm.url") }
        guard let repo = try config.string("realm.repo") else { throw RealmError.incompleteMembership(missing: "realm.repo") }
        if let p = RealmNames.problem(realm) { throw RealmError.invalidName(kind: "realm.name: realm", name: realm, problem: p) }
        if let p = RealmNames.problem(repo) { throw RealmError.invalidName(kind: "realm.repo: repository", name: repo, problem: p) }
        return Membership(realm: realm, url: url, repo: repo, branch: try config.string("realm.branch") ?? defaultBranch)
    }

    /// Records this membership in the repository's own config (`.git/config`).
    public func write(to repository: Repository) throws {
        let local = try repository.config.level(.local)
        try local.set("realm.name", realm)
        try local.set("realm.url", url)
        try local.set("realm.repo", repo)
        if branch != Membership.defaultBranch { try local.set("realm.branch", branch) }
    }

    /// Removes `realm.*` from the repository's own config.
    public static func remove(from repository: Repository) throws {
        let local = try repository.config.level(.local)
        for key in ["realm.name", "realm.url", "realm.repo", "realm.branch"] where try local.string(key) != nil {
            try local.remove(key)
        }
    }
}

/// Where realms live and how their locations are written.
public enum RealmLocation {
    /// The embedded default: a bare repository under the user's data directory.
    public static func defaultPath(realm: String, paths: Paths) -> String {
        paths.dataHome + "/hyperforge/realms/\(realm).git"
    }

    /// Whether `s` names a URL or a path rather than a realm by name.
    public static func isURLOrPath(_ s: String) -> Bool {
        if s.contains("://") || s.hasPrefix("/") || s.hasPrefix(".") || s.hasPrefix("~") || s.contains("/") { return true }
        // scp-like user@host:path
        if let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/") { return true }
        return false
    }

    /// A URL as it is stored: local paths made absolute (so the membership
    /// works from any directory), anything else unchanged.
    public static func normalise(_ s: String, context: Context) -> String {
        if s.hasPrefix("file://") { return s }
        if s.contains("://") { return s }
        if let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/"), !s.hasPrefix("/"), !s.hasPrefix("."), !s.hasPrefix("~") { return s }
        return context.resolve(s)
    }

    /// Whether `url` is a path on this machine (not ssh/https/...).
    public static func isLocal(_ url: String) -> Bool { url.hasPrefix("/") || url.hasPrefix("file://") }

    /// A realm given by URL, path or (for the embedded default) by name.
    public static func resolve(_ given: String, context: Context) throws -> String {
        if isURLOrPath(given) { return normalise(given, context: context) }
        if let p = RealmNames.problem(given) { throw RealmError.invalidName(kind: "realm", name: given, problem: p) }
        let path = defaultPath(realm: given, paths: context.paths)
        guard FilePaths.isDirectory(path) else { throw RealmError.unknownRealm(given) }
        // Ours, under the data directory: nobody else may have put it there.
        try checkDefaultDirectories(path, paths: context.paths)
        return path
    }

    /// `$XDG_DATA_HOME/hyperforge`, its `realms` directory and (when it
    /// exists) the realm's own directory must be the user's and not writable
    /// by others (`FileTrust`); missing ones are created (0700) when `create`.
    public static func checkDefaultDirectories(_ realmPath: String, paths: Paths, create: Bool = false) throws {
        let base = paths.dataHome + "/hyperforge"
        for dir in [base, base + "/realms"] {
            if create { try FileTrust.prepareDirectory(dir) } else { try FileTrust.check(dir, kind: .directory) }
        }
        try FileTrust.check(realmPath, kind: .directory)
    }
}

