import HyperforgeCore

extension Hforge {
    /// `git hforge workspace list`: every repository discovery found, and
    /// why it is a member or was passed over.
    public static func workspaceList(_ options: WorkspaceOptions, context: Context) throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        let found = try discoverWorkspace(options, context: context)
        let out = context.output.stdout
        if options.json {
            out.line(JSONOutput.render(.object([
                "root": .string(found.root),
                "repositories": .array(found.members.map { m in .object([
                    "path": .string(m.path), "relative_path": .string(m.relativePath), "kind": .string(m.kind.rawValue),
                    "reason": .string(m.reason), "own_config": .bool(m.hasOwnConfig),
                ]) }),
                "skipped": .array(found.skipped.map { s in .object([
                    "path": .string(s.path), "relative_path": .string(s.relativePath), "reason": .string(s.reason),
                ]) }),
                "warnings": .array(found.warnings.map(JSONValue.string)),
            ])))
            return .success
        }
        let width = min(60, (found.members.map(\.relativePath.count) + found.skipped.map(\.relativePath.count)).max() ?? 0)
        for m in found.members { out.line("\(pad(TerminalText.inline(m.relativePath), width))  \(TerminalText.inline(m.reason))") }
        for s in found.skipped { out.line(out.styled("\(pad(TerminalText.inline(s.relativePath), width))  skipped: \(TerminalText.inline(s.reason))", .dim)) }
        out.line("\(found.root): \(plural(found.members.count, "repository", "repositories"))"
                 + (found.skipped.isEmpty ? "" : ", \(found.skipped.count) skipped"))
        return .success
    }
}
