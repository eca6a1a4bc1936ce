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
