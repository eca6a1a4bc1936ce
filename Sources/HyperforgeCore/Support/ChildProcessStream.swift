import Glibc
import Subprocess
import SystemPackage

extension ChildProcess {
    /// What a streamed program did: its exit status and its last lines.
    public struct StreamedResult: Sendable {
        public var exitCode: Int32
        /// The last `tailLines` lines of its output and errors together.
        public var tail: String
    }

    /// Runs a long program (a build, a test run, a registry client) with its
    /// output and errors, together, passed on to `echo` as they come (control
    /// characters escaped by the stream) and its last lines kept for a
    /// failure's message. It stays in our process group, so Ctrl-C at the
    /// terminal reaches it; interrupted, we stop it with what it started.
    public static func runStreamed(_ arguments: [String], environment: [String: String], directory: String,
                                   echo: Output.Stream?, tailLines: Int = 20) async throws -> StreamedResult {
        precondition(!arguments.isEmpty)
        let executable: Executable = arguments[0].contains("/") ? .path(FilePath(arguments[0])) : .name(arguments[0])
        let env = Environment.custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        let ticket = Interruption.beginSpawn()
        defer { ticket.end() }
        final class Tail: @unchecked Sendable {
            let lock = Lock()
            var lines: [String] = []
            var partial: [UInt8] = []
            let keep: Int
            init(keep: Int) { self.keep = keep }
            func add(_ bytes: [UInt8]) {
                lock.withLock {
                    for b in bytes {
                        if b == 0x0A {
                            lines.append(String(decoding: partial, as: UTF8.self))
                            partial.removeAll(keepingCapacity: true)
                            if lines.count > keep { lines.removeFirst(lines.count - keep) }
                        } else if partial.count < 4096 {
                            partial.append(b)
                        }
                    }
                }
            }
            var text: String {
                lock.withLock { (lines + (partial.isEmpty ? [] : [String(decoding: partial, as: UTF8.self)])).suffix(keep).joined(separator: "\n") }
            }
        }
        let tail = Tail(keep: tailLines)
        do {
            let result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())), environment: env,
                                                  workingDirectory: FilePath(directory), platformOptions: PlatformOptions(),
                                                  input: .none, output: .sequence, error: .combinedWithOutput) { execution in
                ticket.end()
                let token = Interruption.register(.process(execution.processIdentifier.value))
                defer { Interruption.unregister(token) }
                for try await chunk in execution.standardOutput {
                    let bytes = chunk.withUnsafeBytes { Array($0) }
                    tail.add(bytes)
                    echo?.write(String(decoding: bytes, as: UTF8.self))
                }
            }
            let code: Int32
            switch result.terminationStatus {
            case .exited(let c): code = Int32(c)
            case .signaled(let s): code = 128 + Int32(s)
            }
            return StreamedResult(exitCode: code, tail: tail.text)
        } catch {
            throw LaunchError(program: arguments[0], reason: "\(error)")
        }
    }
}
