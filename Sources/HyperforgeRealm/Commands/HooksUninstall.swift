import Glibc
import HyperforgeCore

extension Realm {
    /// `git realm hooks uninstall`: removes our hooks and restores what was there.
    public static func hooksUninstall(_ options: HooksOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let dir = try await hooksDirectory(repository, context: context)
        for name in hookNames {
            let path = dir + "/" + name
            guard let existing = try existingHook(path), existing.contains(hookMarker) else {
                out.line("\(name): no git realm hook here")
                continue
            }
            let chained = FilePaths.entryExists(path + chainedSuffix)
            if options.dryRun {
                out.line("Would remove \(path)" + (chained ? " and put back \(name)\(chainedSuffix)" : ""))
                continue
            }
            if chained {
                try move(path + chainedSuffix, to: path) // replaces ours in one step
            } else if unlink(path) != 0 {
                throw FileRead.Failure(path: path, reason: FileRead.reason(errno), action: "remove")
            }
            out.line("\(out.styled("✓", .green)) \(name): removed\(chained ? ", the previous hook is back" : "")")
        }
        if options.dryRun { out.line("dry run: no hook was changed") }
        return .success
    }
}
