import ArgumentParser

extension GitRealm {
    /// The commands that hooks and prompts run many times a day (`status`,
    /// `check`), parsed as themselves rather than through the whole command
    /// tree: building the tree of every git-realm command by reflection was a
    /// quarter of a warm `git realm status`. Nil when the arguments are not
    /// one of them or do not parse: the full tree then runs, and reports.
    public static func leaf(_ arguments: [String]) -> (any AsyncParsableCommand)? {
        guard let name = arguments.first, !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "help" }) else { return nil }
        let rest = Array(arguments.dropFirst())
        switch name {
        case "status": return try? Status.parse(rest)
        case "check": return try? Check.parse(rest)
        default: return nil
        }
    }
}
