import FoundationEssentials
import Glibc
import HyperforgeCore

/// The zero set-up store: one file, mode 0600, in the user's data directory
/// (`$XDG_DATA_HOME/hyperforge/secrets`, or `path = ...`). Writers take an
/// exclusive lock and replace the file atomically, so concurrent writers
/// never lose each other's changes and readers never see half a file. It
/// refuses a file that other users own, or can read or write, and a
/// directory that others own or can write (`FileTrust`). A relative `path`
/// is relative to auth.toml's directory.
///
/// Format: a header line, then one `KEY<TAB>BASE64(SECRET)` line per secret.
public struct FileProvider: SecretProvider {
    public let config: ProviderConfig
    public let path: String
    static let header = "# hyperforge secrets v1: written by git scope; do not share"

    init(config: ProviderConfig, context: Context) throws {
        self.config = config
        if let p = config.settings["path"] {
            // Relative to auth.toml's directory, never to wherever the command
            // runs (inside a work tree, the file could end up committed).
            let expanded = context.paths.expandTilde(p)
            if expanded.hasPrefix("/") {
                path = FilePaths.normalize(expanded)
            } else {
                var base = context.paths.configHome + "/hyperforge"
                if case .file(let loc) = config.origin, let dir = FilePaths.parent(loc.file) { base = dir }
                path = FilePaths.normalize(base + "/" + expanded)
            }
        } else {
            path = FilePaths.join(context.paths.dataHome, "hyperforge/secrets")
        }
    }

    public func get(_ key: String) async throws -> String? {
        try read()[key]
    }

    public func set(_ key: String, _ secret: String) async throws {
        try modify { $0[key] = secret }
    }

    public func remove(_ key: String) async throws -> Bool {
        var removed = false
        try modify { removed = $0.removeValue(forKey: key) != nil }
        return removed
    }

    public func list() async throws -> [String] {
        try read().keys.sorted()
    }

    /// The file the secrets are really in: `path`, or what a symbolic link
    /// there points at. The link must be the user's or root's and its target
    /// pass the secrets file's own checks (README: "Ownership and modes");
    /// writes then replace the target, and the link stays.
    func resolvedPath() throws -> String {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return path }
        let exists: Bool
        do { exists = try FileTrust.check(path, kind: .privateFile) } catch { throw ProviderError.untrusted(error) }
        guard exists, let real = FilePaths.real(path) else {
            throw ProviderError.failed(provider: config.name, what: "reading \(path)",
                                       reason: "it is a symbolic link to \(Self.linkTarget(path) ?? "?"), which does not exist or cannot be reached (\(FileRead.reason(errno)))")
        }
        return real
    }

    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads the file, after checking who may read it. A missing file is empty.
    func read() throws -> [String: String] {
        let dir = FilePaths.parent(path) ?? "/"
        do { if !(try FileTrust.check(dir, kind: .directory)) { return [:] } } catch { throw ProviderError.untrusted(error) }
        let file = try resolvedPath()
        let fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT { return [:] }
            throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: FileRead.reason(errno))
        }
        defer { close(fd) }
        try checkPermissions(fd)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: FileRead.reason(errno)) }
            if n == 0 { break }
            data.append(buffer, count: n)
            if data.count > FileProvider.maximumBytes {
                throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: FileRead.tooLarge(nil, limit: FileProvider.maximumBytes))
            }
        }
        return parse(data)
    }

    /// The file must be the user's and private to them (`FileTrust`).
    private func checkPermissions(_ fd: Int32) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: FileRead.reason(errno))
        }
        if let problem = FileTrust.problem(path: path, status: st, kind: .privateFile) { throw ProviderError.untrusted(problem) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: "it is not a regular file")
        }
        guard Int(st.st_size) <= FileProvider.maximumBytes else {
            throw ProviderError.failed(provider: config.name, what: "reading \(path)", reason: FileRead.tooLarge(Int(st.st_size), limit: FileProvider.maximumBytes))
        }
    }

    private func parse(_ data: Data) -> [String: String] {
        var result: [String: String] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard line.first != UInt8(ascii: "#"), let tab = line.firstIndex(of: UInt8(ascii: "\t")) else { continue }
            let key = String(decoding: line[line.startIndex..<tab], as: UTF8.self)
            guard let secret = Data(base64Encoded: Data(line[(tab + 1)...])) else { continue }
            result[key] = String(decoding: secret, as: UTF8.self)
        }
        return result
    }

    /// The largest secrets file read (a secrets file is a few kB; a bigger
    /// one is not ours, and is not read into memory).
    static let maximumBytes = 16 << 20

    /// Read, change and atomically replace the file under an exclusive lock.
    private func modify(_ change: (inout [String: String]) throws -> Void) throws {
        var dir = FilePaths.parent(path) ?? "/"
        do { try FileTrust.prepareDirectory(dir) } catch { throw ProviderError.untrusted(error) }
        // Through a symbolic link, the target is what is replaced (and locked).
        let file = try resolvedPath()
        dir = FilePaths.parent(file) ?? "/"
        let lockPath = file + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0 else {
            throw ProviderError.failed(provider: config.name, what: "locking \(lockPath)", reason: FileRead.reason(errno))
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            if errno != EINTR {
                throw ProviderError.failed(provider: config.name, what: "locking \(lockPath)", reason: FileRead.reason(errno))
            }
        }
        var secrets = try read()
        try change(&secrets)
        var text = FileProvider.header + "\n"
        for (key, secret) in secrets.sorted(by: { $0.key < $1.key }) {
            text += key + "\t" + Data(secret.utf8).base64EncodedString() + "\n"
        }
        do {
            try AtomicFile.write(Array(text.utf8), to: file, mode: 0o600)
        } catch {
            throw ProviderError.failed(provider: config.name, what: "writing \(path)", reason: error.reason)
        }
        let dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }
}
