import ArgumentParser
import HyperforgeCore
import HyperforgeRealm

extension GitRealm {
    /// A plain `git realm check` (as hooks run it) answered synchronously
    /// from the kept report (CheckReportCache), before the concurrency
    /// runtime, libgit2 or the argument parser; nil when the arguments are
    /// not that or the report is not valid any more.
    public static func fastCheck(_ arguments: [String]) -> Int32? {
        var options = Realm.CheckOptions()
        switch arguments {
        case ["check"]: break
        case ["check", "--format", "json"], ["check", "--format=json"], ["check", "--json"]: options.format = .json
        default: return nil
        }
        return Realm.cachedCheck(options, context: Context.process()).map { $0.rawValue }
    }

    /// The commands that hooks and prompts run many times a day, started
    /// without the whole command tree: building the tree of every git-realm
    /// command by reflection was a quarter of a warm `git realm status`, and
    /// parsing even one command's options a sixth of a warm `git realm check`.
    /// `git realm check` and `git realm status [--json]` exactly as the hooks
    /// run them take the core's default options directly (the same defaults
    /// the parsed commands declare, from Realm.CheckOptions and StatusOptions);
    /// other `status`/`check` arguments are parsed by that command alone. Nil
    /// when the arguments are not one of them or do not parse: the full tree
    /// then runs, and reports.
    public static func leaf(_ arguments: [String]) -> (@Sendable () async throws -> Void)? {
        switch arguments {
        case ["check"]:
            return { try await executeInSession(Realm.Target(path: nil), command: "check") { try await Realm.check(Realm.CheckOptions(), context: $0) } }
        case ["status"], ["status", "--json"]:
            var o = Realm.StatusOptions()
            o.json = arguments.count == 2
            let options = o
            return { try await executeInSession(Realm.Target(path: nil), command: "status", json: options.json) { try await Realm.status(options, context: $0) } }
        default:
            break
        }
        guard let name = arguments.first, !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "help" }) else { return nil }
        let rest = Array(arguments.dropFirst())
        let parsed: (any AsyncParsableCommand)?
        switch name {
        case "status": parsed = try? Status.parse(rest)
        case "check": parsed = try? Check.parse(rest)
        default: parsed = nil
        }
        guard let parsed else { return nil }
        nonisolated(unsafe) var command = parsed
        return { try await command.run() }
    }
}
