import Glibc

extension ChildProcess {
    /// Runs a short program synchronously (for readers that are not async,
    /// such as the config chain asking git whether a file is tracked): stdin
    /// from /dev/null, stdout through a pipe (up to `limit` bytes kept, the
    /// rest drained), stderr into an unlinked temporary file, so neither
    /// stream can block the child. `arguments[0]` is looked up on the
    /// environment's PATH; it runs in this process's directory (`git -C`
    /// chooses another). Nil when it cannot be started.
    public static func runSync(_ arguments: [String], environment: [String: String], limit: Int = 1 << 20) -> Result? {
        precondition(!arguments.isEmpty)
        var out: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { return nil }
        var errTemplate = Array(((environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/hforge-err-XXXXXX").utf8CString)
        let errFD = mkstemp(&errTemplate)
        if errFD >= 0 { unlink(errTemplate) }
        defer { if errFD >= 0 { close(errFD) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        if errFD >= 0 { posix_spawn_file_actions_adddup2(&actions, errFD, 2) } else { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        posix_spawn_file_actions_addclose(&actions, out[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        // posix_spawnp searches the PATH of this process; use the child's own.
        let program = arguments[0].contains("/") ? arguments[0]
            : (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(arguments[0])" }
                .first(where: { access($0, X_OK) == 0 }) ?? arguments[0]
        var pid = pid_t()
        let ticket = Interruption.beginSpawn()
        let r = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        ticket.end()
        close(out[1])
        guard r == 0 else { close(out[0]); return nil }
        // Stopped with us when a signal ends this process.
        let token = Interruption.register(.process(pid))
        defer { Interruption.unregister(token) }
        let stdout = FileRead.all(fd: out[0], limit: limit)
        close(out[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        var stderr: [UInt8] = []
        if errFD >= 0, lseek(errFD, 0, SEEK_SET) == 0 { stderr = FileRead.all(fd: errFD, limit: 64 << 10) }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(exitCode: code, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
