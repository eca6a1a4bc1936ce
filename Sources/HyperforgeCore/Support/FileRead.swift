import Glibc

/// Reads whole files with POSIX calls, so that a failure is described in our
/// words (the file and what is wrong with it), never in Foundation's
/// ("NSCocoaErrorDomain error 256"), and a directory, a device such as
/// `/dev/zero` or a huge file is refused before it is read.
public enum FileRead {
    public struct Failure: HyperforgeError, Equatable {
        public let path: String
        public let reason: String
        /// What was being done ("read", "create").
        public var action = "read"
        public init(path: String, reason: String, action: String = "read") {
            self.path = path
            self.reason = reason
            self.action = action
        }
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "cannot \(action) \(path): \(reason)" }
        public var hint: String? {
            "check what is at \(path) and its permissions ('ls -ld \(path)'), fix or remove it, then run the command again"
        }
    }

    /// The file's bytes; nil when it does not exist. `limit` caps the size.
    public static func bytes(_ path: String, limit: Int = 16 << 20) throws(Failure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(path: path, reason: reason(errno))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, reason: reason(errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Failure(path: path, reason: "it is a directory, not a file")
        default: throw Failure(path: path, reason: "it is not a regular file")
        }
        if Int(st.st_size) > limit { throw Failure(path: path, reason: tooLarge(Int(st.st_size), limit: limit)) }
        var result: [UInt8] = []
        result.reserveCapacity(Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: reason(errno))
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
            if result.count > limit { throw Failure(path: path, reason: tooLarge(nil, limit: limit)) }
        }
        return result
    }

    /// The file as UTF-8 text; nil when it does not exist.
    public static func text(_ path: String, limit: Int = 16 << 20) throws(Failure) -> String? {
        guard let bytes = try bytes(path, limit: limit) else { return nil }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw Failure(path: path, reason: "it is not UTF-8 text") }
        return s
    }

    /// What is readable from `fd` until end of file, keeping at most `limit`
    /// bytes: the rest is read and dropped, so that a writer on the other end
    /// of a pipe (git, feeding a credential request) is never cut off.
    public static func all(fd: Int32, limit: Int = 4 << 20, chunk: Int = 65536) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if result.count < limit { result.append(contentsOf: buffer[0..<min(n, limit - result.count)]) }
        }
        return result
    }

    /// Why a file over `limit` bytes is refused, naming the limit.
    public static func tooLarge(_ size: Int?, limit: Int) -> String {
        let shown = limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : limit >= 1 << 10 && limit % (1 << 10) == 0 ? "\(limit >> 10) KiB" : "\(limit) bytes"
        return "it is larger than \(shown)\(size.map { " (\($0) bytes)" } ?? ""), the limit for this file"
    }

    /// C's description of an errno value, lower-cased to sit inside a sentence.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "too many levels of symbolic links"
        case ENOTDIR: return "a component of the path is not a directory"
        case ENAMETOOLONG: return "the path is too long"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}

extension FilePaths {
    /// What is at a path (symbolic links followed).
    public enum Kind: Sendable, Equatable { case missing, file, directory, other }

    public static func kind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public static func isDirectory(_ path: String) -> Bool { kind(path) == .directory }

    /// Creates the directory `path` and its missing parents (`mkdir -p`,
    /// each with `mode`); an existing directory is fine.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(FileRead.Failure) {
        var missing: [String] = []
        var dir: String? = path
        while let d = dir, !entryExists(d) { missing.append(d); dir = parent(d) }
        for d in missing.reversed() where mkdir(d, mode) != 0 && errno != EEXIST {
            throw FileRead.Failure(path: d, reason: FileRead.reason(errno), action: "create the directory")
        }
        guard kind(path) == .directory else {
            throw FileRead.Failure(path: path, reason: "it is not a directory", action: "use the directory")
        }
    }

    /// Whether anything is at `path` itself (`lstat`: a dangling symbolic link
    /// or a link loop is something, which a reader then reports).
    public static func entryExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The canonical path (`realpath`: every symbolic link resolved); nil when
    /// some component does not exist or cannot be read (errno says why).
    public static func real(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }
}
