import Glibc

/// What a killed run (`kill -9`, a crash, a power cut) left behind, found
/// and removed by the next run. Everything we leave while working carries
/// the process id that made it (`.config.toml.<pid>-<random>.tmp`,
/// `git-realm-<pid>-XXXXXX`, `refs/realm-incoming/<pid>-<random>`); an item
/// is removed only when all of this holds:
///
/// - its name is exactly one of ours, with a process id in it;
/// - that process is gone (`kill(pid, 0)` says no such process: one that
///   lives, or that we may not signal, is left alone, and so are our own);
/// - it is what we make (a regular file, or a directory), checked without
///   following a symbolic link: a link in its place is never followed, nor
///   removed;
/// - it belongs to us (its owner is our effective user): another user's
///   file in a shared directory such as /tmp is never touched.
public enum Leftovers {
    /// Whether process `pid` is gone (never true for this process).
    public static func processIsGone(_ pid: pid_t) -> Bool {
        guard pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The process id at the start of `text` (digits up to the end or to `-`).
    static func leadingPID(_ text: Substring) -> pid_t? {
        let digits = text.prefix { $0 != "-" }
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return pid_t(digits)
    }

    /// The names in `directory` (not `.` and `..`); empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether `path` (not followed if a link) is ours and of the kind expected.
    static func isOurs(_ path: String, directory: Bool) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_uid == geteuid() else { return false }
        return (st.st_mode & S_IFMT) == (directory ? S_IFDIR : S_IFREG)
    }

    /// The temporary files `AtomicFile` makes beside `name` in `directory`
    /// (`.NAME.<pid>.tmp`, `.NAME.<pid>-<random>.tmp`) whose process is gone.
    /// Returns the paths removed.
    @discardableResult
    public static func sweepTemporaryFiles(of name: String, in directory: String) -> [String] {
        let prefix = "." + name + "."
        var removed: [String] = []
        for entry in names(in: directory) where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") && entry.count > prefix.count + 4 {
            let middle = entry.dropFirst(prefix.count).dropLast(4)
            guard let pid = leadingPID(middle), processIsGone(pid) else { continue }
            let path = FilePaths.join(directory, entry)
            if isOurs(path, directory: false), unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    /// Directories named `PREFIX<pid>-...` in `directory` (a TMPDIR) whose
    /// process is gone, removed with what they hold. Returns the paths removed.
    @discardableResult
    public static func sweepDirectories(prefix: String, in directory: String) -> [String] {
        var removed: [String] = []
        for entry in names(in: directory) where entry.hasPrefix(prefix) {
            // `PREFIX<pid>-XXXXXX`: the dash too, so that an older name's random part is never read as a process id.
            let rest = entry.dropFirst(prefix.count)
            guard rest.contains("-"), let pid = leadingPID(rest), processIsGone(pid) else { continue }
            let path = FilePaths.join(directory, entry)
            if isOurs(path, directory: true), removeTree(path) { removed.append(path) }
        }
        return removed
    }

    /// Removes `path` and, when it is a directory, everything under it.
    /// A symbolic link is removed as a link: nothing it points at is
    /// touched. Returns whether `path` is gone.
    @discardableResult
    public static func removeTree(_ path: String) -> Bool {
        let parent = FilePaths.parent(path) ?? "/"
        let dirFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { return false }
        defer { close(dirFD) }
        return removeEntry(FilePaths.lastComponent(path), in: dirFD)
    }

    private static func removeEntry(_ name: String, in dirFD: Int32, depth: Int = 0) -> Bool {
        if unlinkat(dirFD, name, 0) == 0 || errno == ENOENT { return true }
        guard errno == EISDIR || errno == EPERM, depth < 256 else { return false }
        // A directory (unlink says EISDIR, or EPERM on Linux): opened without
        // following a link, so a link swapped in meanwhile fails here.
        let fd = openat(dirFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0, let dir = fdopendir(fd) else { return false }
        var children: [String] = []
        while let entry = readdir(dir) {
            let child = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if child != "." && child != ".." { children.append(child) }
        }
        var ok = true
        for child in children where !removeEntry(child, in: dirfd(dir), depth: depth + 1) { ok = false }
        closedir(dir) // closes fd
        return ok && (unlinkat(dirFD, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
    }
}
