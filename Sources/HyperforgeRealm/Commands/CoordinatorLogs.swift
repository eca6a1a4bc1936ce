import Glibc
import HyperforgeCore

extension Realm {
    /// `git realm coordinator logs`: the end of its log.
    public static func coordinatorLogs(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let paths = CoordinatorPaths(environment: context.environment)
        guard NumberRange.logLines.contains(options.lines) else {
            throw RealmError.invalidOption(flag: "--lines", value: "\(options.lines)", expected: NumberRange.logLines.description)
        }
        // Only the end of the file is read (the log grows while the coordinator runs).
        let fd = open(paths.log, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT { out.line("no log yet (\(paths.log))"); return .success }
            throw RealmError.cannotReadFile(path: paths.log, reason: FileRead.reason(errno))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw RealmError.cannotReadFile(path: paths.log, reason: "it is not a regular file")
        }
        let size = Int(st.st_size)
        let start = max(0, size - Self.logTail)
        var bytes = [UInt8](repeating: 0, count: size - start)
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(start + got)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw RealmError.cannotReadFile(path: paths.log, reason: FileRead.reason(errno)) }
            if n == 0 { break }
            got += n
        }
        var lines = String(decoding: bytes[0..<got], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        if start > 0 { lines = lines.dropFirst() } // the first line read may be cut
        for line in lines.suffix(options.lines) { out.line(String(line)) }
        return .success
    }

    /// How much of the log's end `logs` reads: 100,000 lines of 160 bytes.
    static let logTail = 16 << 20
}
