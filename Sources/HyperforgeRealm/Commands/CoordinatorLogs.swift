import FoundationEssentials
import HyperforgeCore

extension Realm {
    /// `git realm coordinator logs`: the end of its log.
    public static func coordinatorLogs(_ options: CoordinatorOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let paths = CoordinatorPaths(environment: context.environment)
        guard let data = FileManager.default.contents(atPath: paths.log) else {
            out.line("no log yet (\(paths.log))")
            return .success
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for line in lines.suffix(options.lines) { out.line(String(line)) }
        return .success
    }
}
