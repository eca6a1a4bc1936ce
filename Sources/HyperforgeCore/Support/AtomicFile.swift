import Glibc

/// Replaces files so that readers see the old contents or the new, never
/// half: a new file beside the target (created exclusively, with `mode`),
/// written, flushed, then renamed over it. The directory must exist.
///
/// Interrupted (SIGINT, SIGTERM, SIGHUP), the temporary file is removed on
/// the way out (`Interruption`) and the target is the old file or the new
/// one. Killed outright, the temporary file (`.NAME.<pid>-<random>.tmp`)
/// stays until the next write of the same file removes it (`Leftovers`).
public enum AtomicFile {
    public struct Failure: HyperforgeError {
        public let path: String
        public let reason: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "cannot write \(path): \(reason)" }
        public var hint: String? {
            reason == FileRead.reason(ENOSPC) || reason == FileRead.reason(EDQUOT)
                ? "free some space on the file system holding \(path), then run the command again; the file was left as it was"
                : nil
        }
    }

    /// `durable: false` skips the fsync before the rename: the file is still
    /// old or new for every reader and after kill -9 (the page cache outlives
    /// the process), but a power cut may lose the change. For records that
    /// are checked against the world before they are acted on (the publish
    /// journal), where an fsync per write would cost more than it saves.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, durable: Bool = true) throws(Failure) {
        let directory = FilePaths.parent(path) ?? "/"
        let name = FilePaths.lastComponent(path)
        Leftovers.sweepTemporaryFiles(of: name, in: directory)
        // The process id says whose it is (for the sweep); the random part
        // keeps two writers in one process, or a process that got the id of
        // a killed one, from meeting an old file.
        let temp = FilePaths.join(directory, ".\(name).\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).tmp")
        let token = Interruption.register(.file(temp))
        defer { Interruption.unregister(token) }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw Failure(path: path, reason: FileRead.reason(errno)) }
        FaultPoint.reach("atomic-write.created", name)
        var failure = writeAll(fd, bytes).map { FileRead.reason($0) }
        if failure == nil && durable && fsync(fd) != 0 { failure = FileRead.reason(errno) }
        // close reports a deferred write error on some file systems (NFS).
        if close(fd) != 0 && failure == nil { failure = FileRead.reason(errno) }
        if failure == nil { FaultPoint.reach("atomic-write.written", name) }
        if failure == nil && rename(temp, path) != 0 { failure = FileRead.reason(errno) }
        if let failure {
            unlink(temp)
            throw Failure(path: path, reason: failure)
        }
        FaultPoint.reach("atomic-write.renamed", name)
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
