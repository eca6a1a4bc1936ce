import HyperforgeCore

extension Realm {
    /// `git realm hooks install`: pre-commit and pre-push hooks that run
    /// `git realm check`. A hook already there is kept and run first.
    public static func hooksInstall(_ options: HooksOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let dir = try await hooksDirectory(repository, context: context)
        for name in hookNames {
            let path = dir + "/" + name
            let existing = try existingHook(path)
            if let existing, existing.contains(hookMarker) {
                out.line("\(name): already installed (\(path))")
                continue
            }
            if options.dryRun {
                out.line(existing == nil ? "Would write \(path)" : "Would move \(path) to \(path)\(chainedSuffix) (run first) and write \(path)")
                continue
            }
            try FilePaths.makeDirectories(dir)
            if existing != nil {
                guard !FilePaths.entryExists(path + chainedSuffix) else {
                    throw FileRead.Failure(path: path + chainedSuffix, reason: "it already exists; move it away first", action: "keep the previous hook as")
                }
                try move(path, to: path + chainedSuffix)
            }
            try AtomicFile.write(Array(hookScript(name).utf8), to: path, mode: 0o755)
            out.line("\(out.styled("✓", .green)) \(name): installed\(existing != nil ? " (the previous hook runs first: \(name)\(chainedSuffix))" : "")")
        }
        if options.dryRun { out.line("dry run: no hook was changed") }
        return .success
    }
}
