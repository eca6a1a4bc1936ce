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
    /// 3: the envelope and the fingerprints read with the core's JSON parser
    /// (JSONDecoder spent most of a warm `workspace status` on them), the
    /// report decoded only once they all match.
    static let version = 3

    struct Entry {
        var key: [String]
        var inputs: [InputFingerprint]
        /// The report as JSONEncoder wrote it.
        var report: String

        var json: JSONValue {
            .object(["version": .integer(Int64(StatusCache.version)), "key": .array(key.map(JSONValue.string)),
                     "inputs": .array(inputs.map(\.json)), "report": .string(report)])
        }

        init(key: [String], inputs: [InputFingerprint], report: String) {
            self.key = key
            self.inputs = inputs
            self.report = report
        }

        init?(json: JSONValue) {
            guard case .integer(Int64(StatusCache.version))? = json["version"], case .array(let k)? = json["key"],
                  case .array(let i)? = json["inputs"], case .string(let r)? = json["report"] else { return nil }
            var key: [String] = []
            for v in k { guard case .string(let s) = v else { return nil }; key.append(s) }
            var inputs: [InputFingerprint] = []
            for v in i { guard let f = InputFingerprint(json: v) else { return nil }; inputs.append(f) }
            self.init(key: key, inputs: inputs, report: r)
        }
    }

    /// Fingerprints taken once per run for the inputs many repositories
    /// share (auth.toml, the defaults.toml files above them, the global git
    /// config): `workspace status` checks each of them once, not once per
    /// repository. A run is one moment: a file that changes during it may be
    /// seen before or after the change, as with any reader.
    final class SharedInputs: @unchecked Sendable {
        private let lock = Lock()
        private var seen: [String: InputFingerprint] = [:]

        init() {}

        func unchanged(_ recorded: InputFingerprint, repository root: String) -> Bool {
            // Inside the repository: each is read by one repository only.
            if recorded.path.hasPrefix(root + "/") { return recorded.isUnchanged }
            if let now = lock.withLock({ seen[recorded.path] }) { return now == recorded }
            let now = InputFingerprint.of(recorded.path)
            lock.withLock { seen[recorded.path] = now }
            return now == recorded
        }
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
    /// `shared`: the run's fingerprints of inputs outside the repository (see SharedInputs).
    static func lookup(path: String?, context: Context, key precomputed: [String]? = nil, shared: SharedInputs? = nil) -> Hforge.StatusReport? {
        lookupWithInputs(path: path, context: context, key: precomputed, shared: shared)?.report
    }

    /// `lookup`, with the fingerprints the report was computed from.
    static func lookupWithInputs(path: String?, context: Context, key precomputed: [String]? = nil,
                                 shared: SharedInputs? = nil) -> (report: Hforge.StatusReport, inputs: [InputFingerprint])? {
        guard let (root, gitDir) = locate(start: context.resolve(path ?? "."), context: context),
              // Ours and writable only by us: a report others could write could say "in sync".
              let data = try? FileTrust.read(cachePath(gitDir: gitDir)),
              let json = try? JSONParser.parse(data), let entry = Entry(json: json),
              entry.key == (precomputed ?? key(context)), !entry.inputs.isEmpty else { return nil }
        if let shared {
            guard entry.inputs.allSatisfy({ shared.unchanged($0, repository: root) }) else { return nil }
        } else {
            guard InputRecorder.allUnchanged(entry.inputs) else { return nil }
        }
        guard let report = try? JSONDecoder().decode(Hforge.StatusReport.self, from: Data(entry.report.utf8)) else { return nil }
        return (report, entry.inputs)
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
        guard let encoded = try? JSONEncoder().encode(report) else { return }
        let entry = Entry(key: StatusCache.key(context), inputs: recorder.inputs, report: String(decoding: encoded, as: UTF8.self))
        let data = Array(entry.json.jsonText.utf8)
        let path = StatusCache.cachePath(gitDir: gitDir)
        let dir = FilePaths.parent(path)!
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A cache: a report lost to a power cut is computed again (not fsynced).
        try? AtomicFile.write(data, to: path, mode: 0o600, durable: false)
    }
}
