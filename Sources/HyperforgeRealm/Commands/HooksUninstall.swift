import FoundationEssentials
import HyperforgeCore

extension Realm {
    /// `git realm hooks uninstall`: removes our hooks and restores what was there.
    public static func hooksUninstall(_ options: HooksOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let dir = try await hooksDirectory(repository, context: context)
        let fm = FileManager.default
        for name in hookNames {
            let path = dir + "/" + name
            guard let existing = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }), existing.contains(hookMarker) else {
                out.line("\(name): no git realm hook here")
                continue
            }
            let chained = fm.fileExists(atPath: path + chainedSuffix)
            if options.dryRun {
                out.line("Would remove \(path)" + (chained ? " and put back \(name)\(chainedSuffix)" : ""))
                continue
            }
            try fm.removeItem(atPath: path)
            if chained { try fm.moveItem(atPath: path + chainedSuffix, toPath: path) }
            out.line("\(out.styled("✓", .green)) \(name): removed\(chained ? ", the previous hook is back" : "")")
        }
        if options.dryRun { out.line("dry run: no hook was changed") }
        return .success
    }
}
