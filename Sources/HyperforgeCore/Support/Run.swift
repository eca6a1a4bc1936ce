/// Runs a command body and turns what it throws into the documented exit
/// status, printing typed errors as `error: ...` / `hint: ...` on stderr.
public enum CommandRunner {
    public static func run(program: String, context: Context, _ body: () async throws -> ExitStatus) async -> Int32 {
        do {
            return try await body().rawValue
        } catch let error as any HyperforgeError {
            context.output.report(error, program: program)
            return error.exitStatus.rawValue
        } catch {
            context.output.report(error, program: program)
            return ExitStatus.failure.rawValue
        }
    }
}
