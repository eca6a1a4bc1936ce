import Glibc
import Subprocess
import SystemPackage

/// Runs other programs (git, ssh, password managers, secret-tool) and
/// collects what they print. Secrets go in on standard input, never as
/// arguments, so no other user can see them in `ps`.
public enum ChildProcess {
    public struct Result: Sendable {
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The program did not finish within its time limit and was killed.
    public struct TimedOut: HyperforgeError {
        public let program: String
        public let seconds: Int
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "\(program) did not finish within \(seconds) s and was stopped" }
    }

    public struct LaunchError: HyperforgeError {
        public let program: String
        public let reason: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "cannot run \(program): \(reason)" }
    }

    /// Runs `arguments[0]` (found on the environment's PATH) with the rest as
    /// its arguments. Output beyond `limit` bytes per stream is an error.
    ///
    /// With a `timeout` (a provider's command, secret-tool: programs that may
    /// hang or wait for a passphrase), it runs in a process group of its own,
    /// and one still running after `timeout` seconds is stopped with
    /// everything it started: SIGTERM to the group, SIGKILL a second later
    /// (`stop(group:)`). Without one (git itself) it stays in ours, so a
    /// Ctrl-C at the terminal reaches it as it reaches us.
    public static func run(_ arguments: [String], environment: [String: String], directory: String? = nil,
                           input: String? = nil, limit: Int = 4 << 20, timeout: Int? = nil) async throws -> Result {
        guard let timeout else {
            return try await run(arguments, environment: environment, directory: directory, input: input, limit: limit, ownGroup: false)
        }
        let result = try await withTimeout(Double(timeout)) {
            try await run(arguments, environment: environment, directory: directory, input: input, limit: limit, ownGroup: true)
        }
        guard let result else { throw TimedOut(program: arguments[0], seconds: timeout) }
        return result
    }

    /// `operation`'s result, or nil when it is still running after
    /// `seconds`: then its task is cancelled, which makes swift-subprocess
    /// stop the child (its `teardownSequence`), and this returns only once
    /// the child has been reaped.
    static func withTimeout<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        // Never a crash on a number no clock can count to (inf, 1e308): at most 30 years.
        let nanoseconds = seconds.isFinite && seconds > 0 ? UInt64(min(seconds, 1e9) * 1e9) : 0
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: nanoseconds)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { return nil }
            return result
        }
    }

    /// How a child in a process group of its own is stopped: SIGTERM to the
    /// whole group (a shell, and what it started: `sh -c 'gpg ... | ...'`,
    /// a background `sleep`), then SIGKILL to the group a second later.
    /// This is swift-subprocess's teardown (already our dependency for every
    /// asynchronous child; the synchronous `runSync` never times out, so it
    /// needs none of this). The group is made at spawn (`processGroupID = 0`:
    /// posix_spawn's POSIX_SPAWN_SETPGROUP), so no grandchild can start
    /// before it is in the group.
    static func groupOptions() -> PlatformOptions {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
        return options
    }

    /// After a group's leader was reaped: SIGKILL to whatever of the group
    /// is left (a member that ignored SIGTERM outlives the teardown, which
    /// stops once the leader is gone). While a member lives the group's id
    /// cannot be reused; with none, this fails with ESRCH.
    static func killRemaining(group: pid_t) {
        if group > 1 { kill(-group, SIGKILL) }
    }

    /// The token of a registered process group, set in swift-subprocess's
    /// body closure and read after the run (even when it threw).
    private final class GroupRegistration: @unchecked Sendable {
        private let lock = Lock()
        private var token: Interruption.Token?
        private var terminal: Int32?
        private(set) var group: pid_t = 0

        /// `foreground`: when we are the terminal's foreground process group,
        /// the child's group becomes it while the child runs (as a shell does
        /// for a job), so a password manager that asks on the terminal
        /// (`read < /dev/tty`, a pinentry) is not stopped by SIGTTIN for
        /// reading from a background group; Ctrl-C then goes to it.
        func set(_ group: pid_t, foreground: Bool) {
            lock.lock()
            self.group = group
            token = Interruption.register(.processGroup(group))
            if foreground { terminal = TerminalHandoff.give(to: group) }
            lock.unlock()
        }

        /// A child in our own process group.
        func set(process pid: pid_t) {
            lock.lock()
            token = Interruption.register(.process(pid))
            lock.unlock()
        }

        func end(timedOut: Bool) {
            lock.lock()
            if let token { Interruption.unregister(token) }
            token = nil
            if let terminal { TerminalHandoff.takeBack(terminal) }
            terminal = nil
            let group = self.group
            lock.unlock()
            if timedOut { ChildProcess.killRemaining(group: group) }
        }
    }

    private static func run(_ arguments: [String], environment: [String: String], directory: String?,
                            input: String?, limit: Int, ownGroup: Bool) async throws -> Result {
        precondition(!arguments.isEmpty)
        let executable: Executable = arguments[0].contains("/") ? .path(FilePath(arguments[0])) : .name(arguments[0])
        let env = Environment.custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        let options = ownGroup ? groupOptions() : PlatformOptions()
        let registration = GroupRegistration()
        // Registered while it runs: interrupted, we stop its group too (it is
        // not in ours, so the terminal's Ctrl-C does not reach it); a child in
        // our group (git) is stopped with what it started, as a signal sent to
        // our pid alone does not reach it.
        let ticket = Interruption.beginSpawn()
        defer { ticket.end() }
        @Sendable func started(_ pid: pid_t) {
            ticket.end()
            if ownGroup { registration.set(pid, foreground: true) } else { registration.set(process: pid) }
        }
        do {
            let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
            defer { registration.end(timedOut: Task.isCancelled) }
            if let input {
                result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                                                  workingDirectory: directory.map { FilePath($0) }, platformOptions: options,
                                                  input: .string(input), output: .string(limit: limit), error: .string(limit: limit)) {
                    started($0.processIdentifier.value)
                }
            } else {
                result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                                                  workingDirectory: directory.map { FilePath($0) }, platformOptions: options,
                                                  input: .none, output: .string(limit: limit), error: .string(limit: limit)) {
                    started($0.processIdentifier.value)
                }
            }
            let code: Int32
            switch result.terminationStatus {
            case .exited(let c): code = Int32(c)
            case .signaled(let s): code = 128 + Int32(s)
            }
            return Result(exitCode: code, stdout: result.standardOutput, stderr: result.standardError)
        } catch {
            throw LaunchError(program: arguments[0], reason: "\(error)")
        }
    }
}

extension ChildProcess {
    /// What a program started by `runCapped` did.
    public struct CappedResult: Sendable {
        /// Nil when it was stopped at the time limit.
        public var exitCode: Int32?
        public var timedOut: Bool { exitCode == nil }
        /// Its standard output and error together: all of it when short,
        /// else the first and last `keep / 2` bytes with a marker between.
        public var output: String
        /// How many bytes it wrote in all.
        public var bytes: Int
    }

    /// Runs a program that may misbehave (a validation script): `input` on
    /// its standard input, its output and errors into an unlinked temporary
    /// file (so megabytes of output cost disk, not memory, and never block
    /// it), in a process group of its own that is killed, children and all,
    /// after `timeout` seconds.
    public static func runCapped(_ arguments: [String], environment: [String: String], directory: String,
                                 input: String, timeout: Double, keep: Int = 64 << 10) async throws -> CappedResult {
        precondition(!arguments.isEmpty)
        let tmp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        /// A temporary file already unlinked: it vanishes with its descriptor.
        func anonymousFile() throws -> Int32 {
            var template = Array((tmp + "/hforge-script-XXXXXX").utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else { throw LaunchError(program: arguments[0], reason: "cannot create a temporary file in \(tmp): \(String(cString: strerror(errno)))") }
            unlink(template)
            return fd
        }
        let fd = try anonymousFile()
        defer { close(fd) }
        // The input from a file too: a program that never reads it can
        // neither block us nor kill us with SIGPIPE.
        let inputFD = try anonymousFile()
        defer { close(inputFD) }
        guard writeAll(inputFD, Array(input.utf8)) == nil, lseek(inputFD, 0, SEEK_SET) == 0 else {
            throw LaunchError(program: arguments[0], reason: "cannot write its input to \(tmp)")
        }
        let executable: Executable = arguments[0].contains("/") ? .path(FilePath(arguments[0])) : .name(arguments[0])
        let env = Environment.custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        let registration = GroupRegistration()
        let ticket = Interruption.beginSpawn()
        defer { ticket.end() }
        // The same time limit and group teardown as `run` (the watchdog task
        // that used to kill the group by hand is gone).
        let outcome: TerminationStatus?
        do {
            outcome = try await withTimeout(timeout) {
                defer { registration.end(timedOut: Task.isCancelled) }
                return try await Subprocess.run(
                    executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                    workingDirectory: FilePath(directory), platformOptions: groupOptions(),
                    input: .fileDescriptor(FileDescriptor(rawValue: inputFD), closeAfterSpawningProcess: false),
                    output: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: false),
                    error: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: false)
                ) { execution in
                    ticket.end()
                    registration.set(execution.processIdentifier.value, foreground: false)
                }.terminationStatus
            }
        } catch {
            throw LaunchError(program: arguments[0], reason: "\(error)")
        }
        let size = Int(lseek(fd, 0, SEEK_END))
        func read(_ offset: Int, _ count: Int) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return Array(buffer.prefix(max(0, n)))
        }
        let text: String
        if size <= keep {
            text = String(decoding: read(0, size), as: UTF8.self)
        } else {
            text = String(decoding: read(0, keep / 2), as: UTF8.self) + "\n[... \(size - keep) bytes left out ...]\n"
                + String(decoding: read(size - keep / 2, keep / 2), as: UTF8.self)
        }
        let code: Int32?
        switch outcome {
        case nil: code = nil
        case .exited(let c)?: code = Int32(c)
        case .signaled(let s)?: code = 128 + Int32(s)
        }
        return CappedResult(exitCode: code, output: text, bytes: size)
    }
}

/// The controlling terminal handed to a child's process group and back.
enum TerminalHandoff {
    /// When this process's group is the terminal's foreground group: makes
    /// `group` the foreground group, continues it (it may have tried to read
    /// before this, and been stopped), and returns the terminal to give back.
    static func give(to group: pid_t) -> Int32? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil } // no controlling terminal
        guard tcgetpgrp(fd) == getpgrp(), tcsetpgrp(fd, group) == 0 else {
            close(fd)
            return nil
        }
        kill(-group, SIGCONT)
        return fd
    }

    /// Makes our group the foreground group again. We are in the background
    /// until then, where tcsetpgrp raises SIGTTOU unless it is blocked.
    static func takeBack(_ fd: Int32) {
        var block = sigset_t(), previous = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGTTOU)
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        tcsetpgrp(fd, getpgrp())
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        close(fd)
    }
}
