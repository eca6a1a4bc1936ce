import Glibc

/// Whether a file or directory may be trusted: the one check every reader
/// and writer of hyperforge's own files goes through, in the spirit of ssh's
/// `StrictModes` and git's `safe.directory`.
///
/// A path is trusted when it is owned by the user running us (or by root,
/// for system-wide files) and neither its group nor others may write it.
/// A *private* file (the secrets file) must in addition be unreadable by
/// group and others. A symbolic link in place of the path (or of a directory
/// above it) must itself be owned by the user or root, and what it points at
/// must pass the same checks. The directories above it (the XDG base
/// directories and their parents, up to `/`, on the resolved path) must not
/// be writable by group or others unless they are sticky and owned by root
/// or the user (like `/tmp`): otherwise another user could swap our
/// directory for one of theirs, or move it away.
///
/// Used for everything of ours under the XDG config, data, state and runtime
/// directories (auth.toml, the secrets file and its directory, state.db,
/// coordinator.db, the coordinator's directories and files) and for every
/// `defaults.toml` before it is applied.
public enum FileTrust {
    public enum Kind: Sendable, Equatable {
        case file
        /// A file only its owner may read (mode 0600 or stricter).
        case privateFile
        case directory
    }

    /// The problem with `st` for a path of `kind`, or nil when it is trusted.
    public static func problem(path: String, status st: stat, kind: Kind) -> TrustError? {
        let me = geteuid()
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        let mode = st.st_mode & 0o7777
        let foreign = st.st_uid != me && st.st_uid != 0
        let writableByOthers = mode & 0o022 != 0
        let readableByOthers = kind == .privateFile && mode & 0o077 != 0
        let wrongType = (kind == .directory) != isDirectory
        guard foreign || writableByOthers || readableByOthers || wrongType else { return nil }
        var reasons: [String] = []
        if wrongType { reasons.append(kind == .directory ? "it is not a directory" : "it is a directory") }
        if foreign { reasons.append("it belongs to \(userName(st.st_uid)), not to you (\(userName(me)))") }
        if mode & 0o020 != 0 && mode & 0o002 != 0 { reasons.append("group and others may write it") }
        else if mode & 0o020 != 0 { reasons.append("its group may write it") }
        else if mode & 0o002 != 0 { reasons.append("others may write it") }
        if readableByOthers && !writableByOthers { reasons.append("group or others may read it") }
        let wanted: String
        switch kind {
        case .privateFile: wanted = "600"
        case .directory: wanted = "700"
        case .file: wanted = "go-w"
        }
        var fixes: [String] = []
        if foreign { fixes.append("chown \(loginName(me)) \(shellQuoted(path))") }
        if writableByOthers || readableByOthers { fixes.append("chmod \(wanted) \(shellQuoted(path))") }
        return TrustError.untrusted(path: path, isDirectory: isDirectory, owner: userName(st.st_uid),
                                    mode: "0" + String(mode, radix: 8), reasons: reasons, fix: fixes.joined(separator: " && "))
    }

    /// Checks `path` (following links, each of which must be the user's or
    /// root's) and the directories above it. Returns false when it does not exist.
    @discardableResult
    public static func check(_ path: String, kind: Kind) throws(TrustError) -> Bool {
        try checkAbove(path)
        try checkLink(path)
        try checkAboveTarget(path)
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return false }
            throw .unreadable(path: path, reason: FileRead.reason(errno))
        }
        if let problem = problem(path: path, status: st, kind: kind) { throw problem }
        return true
    }

    /// Creates the directory `path` (mode 0700, missing parents too), or
    /// checks the existing one.
    public static func prepareDirectory(_ path: String) throws(TrustError) {
        if try check(path, kind: .directory) { return }
        // Missing parents are made too (0700, like the directory itself).
        var missing: [String] = [path]
        var dir = FilePaths.parent(path)
        while let d = dir, access(d, F_OK) != 0 { missing.append(d); dir = FilePaths.parent(d) }
        for d in missing.reversed() where mkdir(d, 0o700) != 0 && errno != EEXIST {
            throw .unreadable(path: d, reason: "cannot create it: \(FileRead.reason(errno))")
        }
        try check(path, kind: .directory)
    }

    /// Reads the whole file at `path` after checking the very file it opened
    /// (`fstat` on the descriptor, so it cannot be swapped in between).
    /// Returns nil when it does not exist. Only a regular file of at most
    /// `limit` bytes is read: a directory, a device (`/dev/zero`) or a FIFO in
    /// its place is refused before any byte is read (opened non-blocking, so
    /// a FIFO cannot hang us either).
    public static func read(_ path: String, kind: Kind = .file, limit: Int = 16 << 20) throws(TrustError) -> [UInt8]? {
        try checkAbove(path)
        try checkLink(path)
        try checkAboveTarget(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .unreadable(path: path, reason: FileRead.reason(errno))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(path: path, reason: FileRead.reason(errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory, not a file")
        default: throw .unreadable(path: path, reason: "it is not a regular file (a device, FIFO or socket)")
        }
        if let problem = problem(path: path, status: st, kind: kind) { throw problem }
        if Int(st.st_size) > limit { throw .unreadable(path: path, reason: FileRead.tooLarge(Int(st.st_size), limit: limit)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .unreadable(path: path, reason: FileRead.reason(errno)) }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > limit { throw .unreadable(path: path, reason: FileRead.tooLarge(nil, limit: limit)) }
        }
        return bytes
    }

    /// When `path` is a symbolic link, the directories above what it points
    /// at must pass `checkAbove` too: whoever may write there may replace the
    /// target (or, for a database, plant its -wal and -shm files beside it).
    static func checkAboveTarget(_ path: String) throws(TrustError) {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let target = FilePaths.real(path) else { return }
        try checkAbove(target)
    }

    /// The path a database really lives at (its -wal and -shm are beside
    /// that, not beside a link to it).
    public static func resolvedPath(_ path: String) -> String {
        FilePaths.real(path) ?? path
    }

    /// A symbolic link at `path` must be owned by the user or root (its
    /// target is checked by the caller, through `stat`).
    static func checkLink(_ path: String) throws(TrustError) {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return }
        try checkLinkStatus(path, st)
    }

    private static func checkLinkStatus(_ path: String, _ st: stat) throws(TrustError) {
        let me = geteuid()
        guard st.st_uid != me && st.st_uid != 0 else { return }
        throw TrustError.untrusted(path: path, isDirectory: false, owner: userName(st.st_uid), mode: "0" + String(st.st_mode & 0o7777, radix: 8),
                                   reasons: ["it is a symbolic link owned by \(userName(st.st_uid)), not by you (\(userName(me))) or root: its owner chooses what it points at"],
                                   fix: "rm \(shellQuoted(path))")
    }

    /// The directories above `path`: no symbolic link on the way owned by
    /// someone else, and (on the resolved path, from the nearest existing
    /// directory up to `/`) none that group or others may write unless it is
    /// sticky and owned by root or the user.
    public static func checkAbove(_ path: String) throws(TrustError) {
        // The same directories are above every file a command checks (state.db,
        // its -wal and -shm, the secrets file, auth.toml): walk them once per process.
        guard let parent = FilePaths.parent(path) else { return }
        if verifiedLock.withLock({ verifiedDirectories.contains(parent) }) { return }
        // Below a directory verified already (the files of many repositories
        // under one workspace): only the plain directories in between are checked.
        if let between = try plainDirectoriesBelowVerified(parent, for: path) {
            verifiedLock.withLock { for d in between { verifiedDirectories.insert(d) } }
            return
        }
        let plain = try walkAbove(path)
        verifiedLock.withLock {
            verifiedDirectories.insert(parent)
            // With no link on the way, each directory above is its own real
            // path, and everything above it was checked too.
            if plain { for d in ancestors(parent) { verifiedDirectories.insert(d) } }
        }
    }

    /// `dir` and the directories above it, up to `/`.
    private static func ancestors(_ dir: String) -> [String] {
        var list: [String] = []
        var d: String? = dir
        while let current = d { list.append(current); d = FilePaths.parent(current) }
        return list
    }

    /// When `dir` is below a verified directory with only plain directories
    /// (no links) in between, checks those and returns them; nil when it is
    /// not (then the whole walk is needed).
    private static func plainDirectoriesBelowVerified(_ dir: String, for path: String) throws(TrustError) -> [String]? {
        guard isPlainAbsolute(dir) else { return nil }
        var between: [(String, stat)] = []
        var d: String? = dir
        while let current = d, !verifiedLock.withLock({ verifiedDirectories.contains(current) }) {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return nil }
            between.append((current, st))
            d = FilePaths.parent(current)
        }
        guard d != nil else { return nil }
        for (current, st) in between { try checkDirectory(current, st, above: path) }
        return between.map(\.0)
    }

    /// An absolute path with no `.` or `..` component and no doubled slash.
    private static func isPlainAbsolute(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.contains("//") && !path.split(separator: "/").contains { $0 == "." || $0 == ".." }
    }

    private static let verifiedLock = Lock()
    nonisolated(unsafe) private static var verifiedDirectories: Set<String> = []

    /// Returns whether every directory above `path` exists and is a plain
    /// directory (no link), so that the path is its own real path.
    @discardableResult
    private static func walkAbove(_ path: String) throws(TrustError) -> Bool {
        var dir = FilePaths.parent(path)
        var real: String?
        var plain = isPlainAbsolute(path)
        while let d = dir {
            var st = stat()
            if lstat(d, &st) == 0 {
                if st.st_mode & S_IFMT == S_IFLNK { try checkLinkStatus(d, st); plain = false }
                if real == nil { real = FilePaths.real(d) }
            } else {
                plain = false
            }
            dir = FilePaths.parent(d)
        }
        if real != FilePaths.parent(path) { plain = false }
        var current: String? = real
        while let d = current {
            var st = stat()
            if stat(d, &st) == 0 { try checkDirectory(d, st, above: path) }
            current = d == "/" ? nil : FilePaths.parent(d)
        }
        return plain
    }

    /// A directory above `path`, as `stat` found it: ours or root's, and
    /// writable only by its owner unless sticky and root's or ours.
    private static func checkDirectory(_ d: String, _ st: stat, above path: String) throws(TrustError) {
        let me = geteuid()
        // Its owner may rename what is below it, whatever the mode says.
        if st.st_uid != 0 && st.st_uid != me {
            throw TrustError.untrusted(path: d, isDirectory: true, owner: userName(st.st_uid), mode: "0" + String(st.st_mode & 0o7777, radix: 8),
                                       reasons: ["it belongs to \(userName(st.st_uid)), not to you (\(userName(me))) or root, who could replace or move away \(path) below it"],
                                       fix: "keep hyperforge's files in directories of yours (point XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME, XDG_RUNTIME_DIR there)")
        }
        let mode = st.st_mode & 0o7777
        let sticky = mode & mode_t(S_ISVTX) != 0 && (st.st_uid == 0 || st.st_uid == me)
        if mode & 0o022 != 0 && !sticky {
            let who = mode & 0o020 != 0 && mode & 0o002 != 0 ? "group and others may write it" : mode & 0o020 != 0 ? "its group may write it" : "others may write it"
            throw TrustError.untrusted(path: d, isDirectory: true, owner: userName(st.st_uid), mode: "0" + String(mode, radix: 8),
                                       reasons: ["\(who), so another user could replace or move away \(path) below it (a directory above our files must be writable only by its owner, or sticky and root's, like /tmp)"],
                                       fix: "chmod go-w \(shellQuoted(d))")
        }
    }

    /// The login name of `uid`, with the number (`nobody (uid 65534)`).
    public static func userName(_ uid: uid_t) -> String {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, let result, let name = result.pointee.pw_name {
            return "\(String(cString: name)) (uid \(uid))"
        }
        return "uid \(uid)"
    }

    /// The login name alone, for a `chown` command line.
    static func loginName(_ uid: uid_t) -> String {
        let full = userName(uid)
        if let space = full.firstIndex(of: " "), !full.hasPrefix("uid ") { return String(full[..<space]) }
        return "\(uid)"
    }

    static func shellQuoted(_ s: String) -> String {
        if s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+~".contains($0) }) { return s }
        return "'" + s.replacing("'", with: "'\\''") + "'"
    }
}

/// A file or directory hyperforge will not trust, or cannot inspect.
public enum TrustError: HyperforgeError, Equatable {
    case untrusted(path: String, isDirectory: Bool, owner: String, mode: String, reasons: [String], fix: String)
    case unreadable(path: String, reason: String)

    public var exitStatus: ExitStatus { .environment }

    public var description: String {
        switch self {
        case .untrusted(let path, let isDirectory, let owner, let mode, let reasons, _):
            return "refusing to use \(isDirectory ? "directory " : "")\(path) (owner \(owner), mode \(mode)): " + reasons.joined(separator: "; ")
        case .unreadable(let path, let reason):
            return "cannot use \(path): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .untrusted(let path, let isDirectory, _, _, _, let fix):
            let away = "mv \(FileTrust.shellQuoted(path)) \(FileTrust.shellQuoted(path)).untrusted"
            // Nothing to chown or chmod: it is of the wrong kind (a directory where a file belongs, or the reverse).
            if fix.isEmpty { return "move it away (\(away)) and put a \(isDirectory ? "regular file" : "directory") there, or nothing" }
            return "if it is yours, run '\(fix)'; if you did not write it, move it away (\(away)) and check what it holds: another user could have changed it"
        case .unreadable(let path, _):
            return "check what is at \(FileTrust.shellQuoted(path)) ('ls -ld \(FileTrust.shellQuoted(path))'), fix or remove it, then run the command again"
        }
    }
}
