import Glibc

/// Replaces files so that readers see the old contents or the new, never
/// half: a new file beside the target (created exclusively, with `mode`),
/// written, flushed, then renamed over it. The directory must exist.
public enum AtomicFile {
    public struct Failure: HyperforgeError {
        public let path: String
        public let reason: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(Failure) {
        let temp = FilePaths.join(FilePaths.parent(path) ?? "/", ".\(FilePaths.lastComponent(path)).\(getpid()).tmp")
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw Failure(path: path, reason: FileRead.reason(errno)) }
        var failure = writeAll(fd, bytes).map { FileRead.reason($0) }
        if failure == nil && fsync(fd) != 0 { failure = FileRead.reason(errno) }
        close(fd)
        if failure == nil && rename(temp, path) != 0 { failure = FileRead.reason(errno) }
        if let failure {
            unlink(temp)
            throw Failure(path: path, reason: failure)
        }
    }
}

/// Writes all of `bytes` to `fd`, retrying after interruptions and short
/// writes. Returns nil, or the errno of the failure.
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { raw in
            #if canImport(Glibc)
            Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            #else
            Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
            #endif
        }
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return nil
}
