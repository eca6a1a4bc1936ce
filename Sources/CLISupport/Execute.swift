import ArgumentParser
import HyperforgeCore

/// The tool a command belongs to: the name its errors are reported under.
public enum Program: String, Sendable {
    case hforge = "git hforge"
    case realm = "git realm"
    case scope = "git scope"
}

/// Runs a core operation with the process context and exits with its status
/// (errors reported under `program`'s name).
public func execute(_ program: Program, _ body: (Context) async throws -> ExitStatus) async throws {
    let context = Context.process()
    let code = await CommandRunner.run(program: program.rawValue, context: context) { try await body(context) }
    if code != 0 { throw ExitCode(code) }
}
