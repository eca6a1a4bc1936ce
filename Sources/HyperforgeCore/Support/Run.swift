/// Runs a command body and turns what it throws into the documented exit
/// status, printing typed errors as `error: ...` / `hint: ...` on stderr.
public enum CommandRunner {
    /// `json`: the command was asked for JSON, so a failure is also
    /// reported as a JSON document on stdout (JSONOutput.error); the
    /// message and hint still go to stderr for whoever watches.
    public static func run(program: String, context: Context, json: Bool = false, _ body: () async throws -> ExitStatus) async -> Int32 {
        let code: Int32
        do {
            return try await body().rawValue
        } catch let error as any HyperforgeError {
            context.output.report(error, program: program)
            code = error.exitStatus.rawValue
            if json { context.output.stdout.line(JSONOutput.error(error, program: program, exitStatus: code)) }
        } catch {
            context.output.report(error, program: program)
            code = ExitStatus.failure.rawValue
            if json { context.output.stdout.line(JSONOutput.error(error, program: program, exitStatus: code)) }
        }
        return code
    }
}
