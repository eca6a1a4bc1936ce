import Glibc

/// What a cached answer was computed from, for answers that are a pure
/// function of files (`git hforge status`, `git realm check`): each input
/// file is fingerprinted with `stat` (existence, size, inode, mtime and ctime
/// in nanoseconds, mode) *before* it is read, and a later run whose
/// fingerprints all match reuses the answer without loading libgit2 or
/// parsing anything. A directory's fingerprint changes when an entry is
/// added, removed or renamed in it.
public struct InputFingerprint: Codable, Equatable, Sendable {
    public var path: String
    public var exists: Bool
    public var size: Int64 = 0
    public var inode: UInt64 = 0
    public var mtime: Int64 = 0
    public var ctime: Int64 = 0
    public var mode: UInt32 = 0

    public init(path: String, exists: Bool, size: Int64 = 0, inode: UInt64 = 0, mtime: Int64 = 0, ctime: Int64 = 0, mode: UInt32 = 0) {
        self.path = path
        self.exists = exists
        self.size = size
        self.inode = inode
        self.mtime = mtime
        self.ctime = ctime
        self.mode = mode
    }

    /// `path` as it is now.
    public static func of(_ path: String) -> InputFingerprint {
        var st = stat()
        guard stat(path, &st) == 0 else { return InputFingerprint(path: path, exists: false) }
        return InputFingerprint(path: path, exists: true, size: Int64(st.st_size), inode: UInt64(st.st_ino),
                                mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                                ctime: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
                                mode: UInt32(st.st_mode))
    }

    public var isUnchanged: Bool { InputFingerprint.of(path) == self }

    /// As a cache file stores it, read back with the core's JSON reader.
    public var json: JSONValue {
        guard exists else { return .array([.string(path)]) }
        return .array([.string(path), .integer(size), .integer(Int64(bitPattern: inode)), .integer(mtime), .integer(ctime), .integer(Int64(mode))])
    }

    public init?(json: JSONValue) {
        guard case .array(let a) = json, case .string(let path)? = a.first else { return nil }
        if a.count == 1 { self.init(path: path, exists: false); return }
        guard a.count == 6, case .integer(let size) = a[1], case .integer(let inode) = a[2], case .integer(let mtime) = a[3],
              case .integer(let ctime) = a[4], case .integer(let mode) = a[5], let m = UInt32(exactly: mode) else { return nil }
        self.init(path: path, exists: true, size: size, inode: UInt64(bitPattern: inode), mtime: mtime, ctime: ctime, mode: m)
    }
}

/// The inputs of one computation, recorded as it reads them. Git's "racy"
/// rule applies: an answer is not worth storing when any input changed in
/// the last few seconds, since a second change within the same timestamp
/// tick would be invisible to `stat`.
public struct InputRecorder: Sendable {
    public static let racyWindow: Double = 3

    public private(set) var inputs: [InputFingerprint] = []
    private var seen: Set<String> = []
    /// Cleared when something the fingerprints cannot see decided the answer.
    public var cacheable = true

    public init() {}

    /// Records `path` as an input. Call it before reading the file.
    public mutating func record(_ path: String) {
        if seen.insert(path).inserted { inputs.append(InputFingerprint.of(path)) }
    }

    /// Whether the answer may be stored `now` (seconds since 1970).
    public func settled(now: Double) -> Bool {
        cacheable && InputRecorder.settled(inputs, now: now)
    }

    /// Whether none of `inputs` changed within the racy window before `now`.
    public static func settled(_ inputs: [InputFingerprint], now: Double) -> Bool {
        let newest = inputs.filter(\.exists).map { Double(max($0.mtime, $0.ctime)) / 1e9 }.max() ?? 0
        return now - newest > racyWindow
    }

    public static func allUnchanged(_ inputs: [InputFingerprint]) -> Bool { inputs.allSatisfy(\.isUnchanged) }
}

/// Finding the repository without libgit2, for the cached answers.
public enum CachedRepository {
    /// Environment variables that change how git finds its repository or what it reads.
    public static let unsupportedVariables = ["GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
                                              "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY",
                                              "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
                                              "GIT_INDEX_FILE", "GIT_NAMESPACE"]

    /// Finds the repository the way git does for the simple case (a `.git`
    /// directory we own in the start directory or a parent); nil when
    /// anything unusual is involved (a linked worktree, a `.git` file, the
    /// variables above), so the caller takes the full path.
    public static func locate(start: String, environment: [String: String]) -> (root: String, gitDir: String)? {
        if unsupportedVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) { return nil }
        if start.contains("/.git/") || start.hasSuffix("/.git") { return nil }
        guard let found = FilePaths.enclosingGitEntry(from: start),
              (found.status.st_mode & S_IFMT) == S_IFDIR, found.status.st_uid == geteuid() else { return nil }
        return (found.root, found.entry)
    }

    /// The values besides files that decide what git and we read: only
    /// paths and flags, never a value that could carry a secret.
    public static func environmentKey(_ environment: [String: String]) -> [String] {
        var key = [HyperforgeVersion.current]
        for name in ["HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"] {
            key.append("\(name)=\(environment[name] ?? "")")
        }
        return key
    }

    /// The branch `.git/HEAD` names (`refs/heads/…`), nil when detached or unreadable.
    public static func headBranchRef(gitDir: String) -> String? {
        guard let bytes = try? FileRead.bytes(FilePaths.join(gitDir, "HEAD"), limit: 4096),
              let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("ref: ") else { return nil }
        let ref = String(text.dropFirst(5).filter { $0 != "\n" && $0 != "\r" }).trimmed()
        return ref.hasPrefix("refs/") && !ref.contains("..") ? ref : nil
    }
}
