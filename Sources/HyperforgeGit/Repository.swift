
import CGit2Loader
import HyperforgeCore

/// The repository could not be found where the user pointed.
public struct NotARepositoryError: HyperforgeError, Equatable {
    public let path: String
    public var exitStatus: ExitStatus { .environment }
    public var description: String { "not a git repository (or any parent up to /): \(path)" }
    public var hint: String? { "run the command inside a git repository, pass --path DIR or use git -C DIR; 'git init' creates one" }
}

/// A git repository opened with libgit2. The handle is freed when the last
/// reference to this object goes away.
public final class Repository {
    let pointer: OpaquePointer
    /// The configuration git itself would use here: system (unless
    /// `GIT_CONFIG_NOSYSTEM`), XDG and global (or `GIT_CONFIG_GLOBAL`), local.
    public let config: GitConfig

    /// The `.git` directory (or the bare repository).
    public let gitDirectory: String
    /// The top of the working tree; nil for a bare repository.
    public let workingDirectory: String?

    public var isBare: Bool { workingDirectory == nil }

    private init(pointer: OpaquePointer, environment: [String: String]) throws(GitError) {
        self.pointer = pointer
        gitDirectory = Repository.trimSlash(String(cString: G.git_repository_path(pointer)!))
        workingDirectory = G.git_repository_workdir(pointer).map { Repository.trimSlash(String(cString: $0)) }
        // A linked worktree's configuration is its main repository's (git's $GIT_COMMON_DIR/config).
        let common = G.git_repository_commondir(pointer).map { Repository.trimSlash(String(cString: $0)) } ?? gitDirectory
        config = try GitConfig.forRepository(pointer, gitDirectory: common, environment: environment)
        try check(G.git_repository_set_config(pointer, config.pointer), "using the configuration of \(gitDirectory)")
    }

    deinit { G.git_repository_free(pointer) }

    /// Finds the repository containing `path`, the way git does: `GIT_DIR`
    /// (and `GIT_WORK_TREE`) from `environment` win, otherwise the nearest
    /// enclosing repository, stopping at `GIT_CEILING_DIRECTORIES`.
    public static func discover(from path: String, environment: [String: String]) throws -> Repository {
        try LibGit2.ensureInitialised()
        if let gitDir = environment["GIT_DIR"], !gitDir.isEmpty {
            let dir = gitDir.hasPrefix("/") ? gitDir : FilePaths.join(path, gitDir)
            let raw = try openRaw(dir, flags: GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, ceilings: nil)
            if let wt = environment["GIT_WORK_TREE"], !wt.isEmpty {
                let code = G.git_repository_set_workdir(raw, wt.hasPrefix("/") ? wt : FilePaths.join(path, wt), 0)
                if code < 0 { let error = GitError(code: code, operation: "using work tree \(wt)"); G.git_repository_free(raw); throw error }
            }
            return try adopt(raw, environment: environment)
        }
        return try adopt(try openRaw(path, flags: 0, ceilings: environment["GIT_CEILING_DIRECTORIES"]), environment: environment)
    }

    /// Opens the repository (bare or not) at exactly `path`, without searching upwards.
    public static func open(at path: String, environment: [String: String]) throws -> Repository {
        try LibGit2.ensureInitialised()
        return try adopt(try openRaw(path, flags: GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, ceilings: nil), environment: environment)
    }

    /// `git_repository_open_ext`, with "no repository there" as `NotARepositoryError`.
    private static func openRaw(_ path: String, flags: UInt32, ceilings: String?) throws -> OpaquePointer {
        var raw: OpaquePointer?
        let code = G.git_repository_open_ext(&raw, path, flags, ceilings)
        if code == GIT_ENOTFOUND.rawValue { throw NotARepositoryError(path: path) }
        try check(code, "opening the repository at \(path)")
        guard let raw else { throw NotARepositoryError(path: path) }
        return raw
    }

    /// Takes ownership of an opened handle: it is freed here if the
    /// Repository cannot be built, else when the Repository goes away.
    private static func adopt(_ raw: OpaquePointer, environment: [String: String]) throws -> Repository {
        do {
            return try Repository(pointer: raw, environment: environment)
        } catch {
            G.git_repository_free(raw)
            throw error
        }
    }

    private static func trimSlash(_ s: String) -> String {
        s.count > 1 && s.hasSuffix("/") ? String(s.dropLast()) : s
    }

    // MARK: - Refs

    /// What HEAD points at.
    public enum Head: Equatable, Sendable {
        case branch(String)
        /// A branch with no commits yet.
        case unborn(String)
        case detached(String)
    }

    public func head() throws(GitError) -> Head {
        var ref: OpaquePointer?
        let code = G.git_reference_lookup(&ref, pointer, "HEAD")
        try check(code, "reading HEAD")
        defer { G.git_reference_free(ref) }
        if G.git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC {
            let target = String(cString: G.git_reference_symbolic_target(ref)!)
            let name = target.hasPrefix("refs/heads/") ? String(target.dropFirst("refs/heads/".count)) : target
            var oid = git_oid()
            return G.git_reference_name_to_id(&oid, pointer, target) == 0 ? .branch(name) : .unborn(name)
        }
        guard let oid = G.git_reference_target(ref) else { return .detached("") }
        return .detached(Repository.hex(oid))
    }

    /// The object id a reference resolves to, or nil when there is no such ref.
    public func resolve(_ refName: String) throws(GitError) -> String? {
        var oid = git_oid()
        let code = G.git_reference_name_to_id(&oid, pointer, refName)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue { return nil }
        try check(code, "resolving \(refName)")
        return Repository.hex(&oid)
    }

    /// Commits on `local` not on `upstream`, and the other way round.
    public func aheadBehind(local: String, upstream: String) throws(GitError) -> (ahead: Int, behind: Int) {
        var a = git_oid(), b = git_oid()
        try check(G.git_oid_fromstr(&a, local), "parsing \(local)")
        try check(G.git_oid_fromstr(&b, upstream), "parsing \(upstream)")
        var ahead = 0, behind = 0
        try check(G.git_graph_ahead_behind(&ahead, &behind, pointer, &a, &b), "counting commits between \(local) and \(upstream)")
        return (ahead, behind)
    }

    /// All reference names under `prefix` (e.g. `refs/remotes/github/`).
    public func references(under prefix: String) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(G.git_reference_iterator_glob_new(&iterator, pointer, prefix + "*"), "listing \(prefix)")
        defer { G.git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while G.git_reference_next_name(&name, iterator) == 0, let name {
            names.append(String(cString: name))
        }
        return names
    }

    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        _ = G.git_oid_tostr(&buffer, buffer.count, oid)
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
