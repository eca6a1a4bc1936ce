import Foundation

/// Child processes for tests, with posix_spawn and waitpid: no run loop, no
/// SIGCHLD handler, so long-lived children (sshd) and short ones (git) never
/// interfere with each other.
enum Spawn {
    /// The port a server started as `pid` writes to `file` once it listens
    /// (polled, up to a minute); nil when it exited first or never wrote it.
    static func port(in file: String, of pid: pid_t) -> Int? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let t = try? String(contentsOfFile: file, encoding: .utf8), let p = Int(t.trimmingCharacters(in: .whitespacesAndNewlines)) { return p }
            if hasExited(pid) { return nil }
            usleep(20_000)
        }
        return nil
    }

    struct Output {
        var code: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs `argv` to completion, feeding `input` on stdin and collecting both outputs.
    static func run(_ argv: [String], environment: [String: String], directory: String, input: Data?) throws -> Output {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Every end close-on-exec, made so under a lock that spawning also takes:
        // tests spawn from several threads, and a child must never inherit
        // another child's pipe (that pipe's reader would then wait for this
        // unrelated child to exit). dup2 onto 0/1/2 clears the flag in the child.
        spawnLock.lock()
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            spawnLock.unlock()
            throw SpawnError.failed("pipe", errno)
        }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        spawnLock.unlock()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // `env -C DIR` changes directory and searches PATH, then execs.
        let pid = try spawn(["/usr/bin/env", "-C", directory] + argv, environment: environment, actions: &actions)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        let stdinFD = inPipe[1], stdoutFD = outPipe[0], stderrFD = errPipe[0]

        let writer = Thread {
            if let input {
                input.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
            }
            close(stdinFD)
        }
        writer.start()
        nonisolated(unsafe) var errData = Data()
        let errDone = DispatchSemaphore(value: 0)
        let errReader = Thread { errData = readAll(stderrFD); errDone.signal() }
        errReader.start()
        let outData = readAll(stdoutFD)
        errDone.wait()
        close(stdoutFD); close(stderrFD)
        return Output(code: wait(pid), stdout: outData, stderr: errData)
    }

    /// Starts `argv` in the background with stdout and stderr appended to `logFile`.
    static func start(_ argv: [String], environment: [String: String], logFile: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        return try spawn(argv, environment: environment, actions: &actions)
    }

    /// Starts `argv` in `directory` with pipes for stdin and stdout (the
    /// caller's ends returned, close-on-exec) and stderr appended to `logFile`:
    /// a long-lived child that a test talks to (an MCP server).
    static func startPiped(_ argv: [String], environment: [String: String], directory: String, logFile: String) throws -> (pid: pid_t, stdin: Int32, stdout: Int32) {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        spawnLock.lock()
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else {
            spawnLock.unlock()
            throw SpawnError.failed("pipe", errno)
        }
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        spawnLock.unlock()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let pid = try spawn(["/usr/bin/env", "-C", directory] + argv, environment: environment, actions: &actions)
        close(inPipe[0]); close(outPipe[1])
        return (pid, inPipe[1], outPipe[0])
    }

    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Whether `pid` has exited (reaping it if so).
    static func hasExited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    static let spawnLock = NSLock()

    private static func spawn(_ argv: [String], environment: [String: String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        let program = argv[0].contains("/") ? argv[0] : (find(argv[0], path: environment["PATH"] ?? "") ?? argv[0])
        // Children start with no blocked signals and default handlers: the
        // test runner's threads block signals, and a child inheriting that mask
        // would ignore the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let rc = posix_spawn(&pid, program, &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw SpawnError.failed("posix_spawn \(program)", rc) }
        return pid
    }

    static func find(_ name: String, path: String) -> String? {
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(buffer, count: n)
        }
        return data
    }
}

enum SpawnError: Error, CustomStringConvertible {
    case failed(String, Int32)
    var description: String {
        switch self { case .failed(let what, let code): return "\(what): \(String(cString: strerror(code)))" }
    }
}
