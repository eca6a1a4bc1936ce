import FoundationEssentials
import Glibc
import HyperforgeCore

/// A cache of `git hforge status` reports, so that a repository whose inputs
/// have not changed is answered without loading libgit2 or parsing TOML.
///
/// The report is a pure function of files: the hyperforge config chain, the
/// git config files, HEAD, the refs it compares and packed-refs. Each is
/// fingerprinted with `stat` (existence, size, inode, mtime and ctime in
/// nanoseconds) *before* it is read; a later run whose fingerprints all match
/// reuses the report. Git's "racy" rule applies: a report is not stored when
/// any input changed in the last few seconds, since a second change within
/// the same timestamp tick would be invisible to `stat`. Repositories whose
/// git config uses includes, linked worktrees, and environments that change
/// how git finds its repository or configuration always take the full path.
/// Nothing secret is stored: the cache holds the report and file metadata.
struct StatusCache {
    static let version = 1
    static let racyWindow: Double = 3

    struct Fingerprint: Codable, Equatable {
        var path: String
        var exists: Bool
        var size: Int64 = 0
        var inode: UInt64 = 0
        var mtime: Int64 = 0
        var ctime: Int64 = 0
        var mode: UInt32 = 0
    }

    struct Entry: Codable {
        var version: Int
        var key: [String]
        var inputs: [Fingerprint]
        var report: Hforge.StatusReport
    }

    /// Environment variables that change what git reads.
    static let unsupportedVariables = ["GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
                                       "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY",
                                       "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"]

    /// The values the report depends on besides files. Only paths and flags:
    /// never a value that could carry a secret.
    static func key(_ context: Context) -> [String] {
        let env = context.environment
        var key = [HyperforgeVersion.current]
        for name in ["HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"] {
            key.append("\(name)=\(env[name] ?? "")")
        }
        for name in ["GIT_SSH_COMMAND", "GIT_SSH"] { key.append("\(name) set=\(!(env[name] ?? "").isEmpty)") }
        // The helper status compares the configured one with (found by PATH and where we run from).
        key.append("helper=\(CredentialHelperPath.preferred(context: context))")
        return key
    }

    /// Finds the repository the way git does for the simple case (a `.git`
    /// directory in the start directory or a parent); nil when anything
    /// unusual is involved, so the caller takes the full path.
    static func locate(start: String, context: Context) -> (root: String, gitDir: String)? {
        if unsupportedVariables.contains(where: { !(context.environment[$0] ?? "").isEmpty }) { return nil }
        if start.contains("/.git/") || start.hasSuffix("/.git") { return nil }
        guard let found = FilePaths.enclosingGitEntry(from: start),
              (found.status.st_mode & S_IFMT) == S_IFDIR, found.status.st_uid == geteuid() else { return nil }
        return (found.root, found.entry)
    }

    static func cachePath(gitDir: String) -> String { FilePaths.join(gitDir, "hforge/status-cache.json") }

    static func fingerprint(_ path: String) -> Fingerprint {
        var st = stat()
        guard stat(path, &st) == 0 else { return Fingerprint(path: path, exists: false) }
        return Fingerprint(path: path, exists: true, size: Int64(st.st_size), inode: UInt64(st.st_ino),
                           mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                           ctime: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
                           mode: UInt32(st.st_mode))
    }

    /// The cached report, when every input is unchanged.
    static func lookup(path: String?, context: Context) -> Hforge.StatusReport? {
        guard let (_, gitDir) = locate(start: context.resolve(path ?? "."), context: context),
              let data = FileManager.default.contents(atPath: cachePath(gitDir: gitDir)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.version == version, entry.key == key(context) else { return nil }
        for input in entry.inputs where fingerprint(input.path) != input { return nil }
        return entry.report
    }

    // MARK: Recording, on the full path

    var inputs: [Fingerprint] = []
    var cacheable = true

    /// Records `path` as an input. Call it before reading the file.
    mutating func record(_ path: String) {
        if !inputs.contains(where: { $0.path == path }) { inputs.append(StatusCache.fingerprint(path)) }
    }

    /// Stores `report` unless something made it uncacheable or an input is too new.
    func store(_ report: Hforge.StatusReport, gitDir: String, context: Context) {
        guard cacheable else { return }
        let now = context.now().timeIntervalSince1970
        let newest = inputs.filter(\.exists).map { Double(max($0.mtime, $0.ctime)) / 1e9 }.max() ?? 0
        guard now - newest > StatusCache.racyWindow else { return }
        let entry = Entry(version: StatusCache.version, key: StatusCache.key(context), inputs: inputs, report: report)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let path = StatusCache.cachePath(gitDir: gitDir)
        let dir = FilePaths.parent(path)!
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? AtomicFile.write([UInt8](data), to: path)
    }
}
