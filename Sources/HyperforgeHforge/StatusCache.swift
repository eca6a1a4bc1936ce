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
    static let version = 2

    struct Entry: Codable {
        var version: Int
        var key: [String]
        var inputs: [InputFingerprint]
        var report: Hforge.StatusReport
    }

    /// The values the report depends on besides files (see CachedRepository.environmentKey).
    static func key(_ context: Context) -> [String] {
        let env = context.environment
        var key = CachedRepository.environmentKey(env)
        for name in ["GIT_SSH_COMMAND", "GIT_SSH"] { key.append("\(name) set=\(!(env[name] ?? "").isEmpty)") }
        // The helper status compares the configured one with (found by PATH and where we run from).
        key.append("helper=\(CredentialHelperPath.preferred(context: context))")
        return key
    }

    static func locate(start: String, context: Context) -> (root: String, gitDir: String)? {
        CachedRepository.locate(start: start, environment: context.environment)
    }

    static func cachePath(gitDir: String) -> String { FilePaths.join(gitDir, "hforge/status-cache.json") }

    /// The cached report, when every input is unchanged.
    /// `key`: `key(context)`, computed once by a caller that looks up many
    /// repositories in one context (it searches PATH for the helper).
    static func lookup(path: String?, context: Context, key precomputed: [String]? = nil) -> Hforge.StatusReport? {
        guard let (_, gitDir) = locate(start: context.resolve(path ?? "."), context: context),
              // Ours and writable only by us: a report others could write could say "in sync".
              let data = try? FileTrust.read(cachePath(gitDir: gitDir)),
              let entry = try? JSONDecoder().decode(Entry.self, from: Data(data)),
              entry.version == version, entry.key == (precomputed ?? key(context)), !entry.inputs.isEmpty,
              InputRecorder.allUnchanged(entry.inputs) else { return nil }
        return entry.report
    }

    // MARK: Recording, on the full path

    var recorder = InputRecorder()
    var cacheable: Bool {
        get { recorder.cacheable }
        set { recorder.cacheable = newValue }
    }

    /// Records `path` as an input. Call it before reading the file.
    mutating func record(_ path: String) { recorder.record(path) }

    /// Stores `report` unless something made it uncacheable or an input is too new.
    func store(_ report: Hforge.StatusReport, gitDir: String, context: Context) {
        guard recorder.settled(now: context.now().timeIntervalSince1970) else { return }
        let entry = Entry(version: StatusCache.version, key: StatusCache.key(context), inputs: recorder.inputs, report: report)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let path = StatusCache.cachePath(gitDir: gitDir)
        let dir = FilePaths.parent(path)!
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? AtomicFile.write([UInt8](data), to: path, mode: 0o600)
    }
}
