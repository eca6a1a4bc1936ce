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
    /// its arguments. Output beyond `limit` bytes per stream is an error; a
    /// program still running after `timeout` seconds is killed.
    public static func run(_ arguments: [String], environment: [String: String], directory: String? = nil,
                           input: String? = nil, limit: Int = 4 << 20, timeout: Int? = nil) async throws -> Result {
        guard let timeout else {
            return try await run(arguments, environment: environment, directory: directory, input: input, limit: limit)
        }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await run(arguments, environment: environment, directory: directory, input: input, limit: limit) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout) * 1_000_000_000)
                return nil
            }
            defer { group.cancelAll() } // a cancelled run kills its child
            guard let first = try await group.next(), let result = first else {
                throw TimedOut(program: arguments[0], seconds: timeout)
            }
            return result
        }
    }

    private static func run(_ arguments: [String], environment: [String: String], directory: String?,
                            input: String?, limit: Int) async throws -> Result {
        precondition(!arguments.isEmpty)
        let executable: Executable = arguments[0].contains("/") ? .path(FilePath(arguments[0])) : .name(arguments[0])
        let env = Environment.custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        do {
            let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
            if let input {
                result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                                                  workingDirectory: directory.map { FilePath($0) }, input: .string(input),
                                                  output: .string(limit: limit), error: .string(limit: limit))
            } else {
                result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                                                  workingDirectory: directory.map { FilePath($0) }, input: .none,
                                                  output: .string(limit: limit), error: .string(limit: limit))
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
        var options = PlatformOptions()
        options.processGroupID = 0
        let killed = KilledFlag()
        let status: TerminationStatus
        do {
            status = try await Subprocess.run(
                executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                workingDirectory: FilePath(directory), platformOptions: options,
                input: .fileDescriptor(FileDescriptor(rawValue: inputFD), closeAfterSpawningProcess: false),
                output: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: false),
                error: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: false)
            ) { execution in
                let group = execution.processIdentifier.value
                // The watchdog outlives this closure; run() waits for the exit.
                Task.detached {
                    try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                    if !killed.finished {
                        killed.markKilled()
                        kill(-group, SIGKILL)
                    }
                }
            }.terminationStatus
        } catch {
            throw LaunchError(program: arguments[0], reason: "\(error)")
        }
        killed.markFinished()
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
        switch status {
        case .exited(let c): code = Int32(c)
        case .signaled(let s): code = killed.wasKilled && s == SIGKILL ? nil : 128 + Int32(s)
        }
        return CappedResult(exitCode: code, output: text, bytes: size)
    }
}

/// Whether the watchdog killed a program, and whether it already ended.
private final class KilledFlag: @unchecked Sendable {
    private let lock = Lock()
    private var killed = false
    private var done = false
    var finished: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var wasKilled: Bool { lock.lock(); defer { lock.unlock() }; return killed }
    func markFinished() { lock.lock(); done = true; lock.unlock() }
    func markKilled() { lock.lock(); killed = true; lock.unlock() }
}
