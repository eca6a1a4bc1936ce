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
/// `json`: the command prints JSON, so a failure is a JSON document too.
public func execute(_ program: Program, json: Bool = false, _ body: (Context) async throws -> ExitStatus) async throws {
    let context = Context.process()
    let code = await CommandRunner.run(program: program.rawValue, context: context, json: json) { try await body(context) }
    if code != 0 { throw ExitCode(code) }
}

extension Program {
    /// Whether `arguments` ask for JSON output (`--json`, `--format json`).
    public static func wantsJSON(_ arguments: [String]) -> Bool {
        for (i, a) in arguments.enumerated() {
            if a == "--" { return false }
            if a == "--json" || a == "--format=json" || (a == "--format" && arguments.dropFirst(i + 1).first == "json") { return true }
        }
        return false
    }

    /// Runs a tool's command tree on `arguments`, as ArgumentParser's `main`
    /// does, except that with `--json` an error in the arguments themselves
    /// (a usage error, 64) is also a JSON document on stdout: a script that
    /// asked for JSON gets JSON whatever went wrong.
    public func main<Root: AsyncParsableCommand>(_ root: Root.Type, _ arguments: [String]) async {
        do {
            // The async parser: it also answers the shells' completion
            // requests whose values come from an async closure (git scope's scopes).
            var command = try await root.asyncParseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = root.exitCode(for: error).rawValue
            if code != 0, !(error is ExitCode), Program.wantsJSON(arguments) {
                let message = root.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                let document = JSONValue.object(["error": .object([
                    "message": .string(message), "exit_status": .integer(Int64(code)),
                    "hint": .string("see '\(rawValue) \(arguments.first.map { $0.hasPrefix("-") ? "" : $0 + " " } ?? "")--help'"),
                ])])
                print(JSONOutput.render(document))
            }
            root.exit(withError: error)
        }
    }
}
