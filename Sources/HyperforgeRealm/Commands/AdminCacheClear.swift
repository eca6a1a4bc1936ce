import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    /// `git realm admin cache clear`: empties cache.db, the realm index cache and the kept check report.
    public static func adminCacheClear(_ options: CacheOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let indexDir = RealmIndex.directory(repository)
        if options.dryRun {
            let exists = FileManager.default.fileExists(atPath: repository.gitDirectory + "/realm/cache.db")
            let stats = exists ? try? CheckCache(gitDirectory: repository.gitDirectory, warn: context.output.warning).stats() : nil
            out.line("Would clear \(repository.gitDirectory)/realm/cache.db (\(stats.map { "\($0.exports + $0.contracts + $0.validations) entries" } ?? "not created yet")), \(indexDir) and \(CheckReportCache.path(gitDir: repository.gitDirectory))")
            out.line("dry run: nothing was cleared")
            return .success
        }
        try CheckCache(gitDirectory: repository.gitDirectory, warn: context.output.warning).clear()
        try? FileManager.default.removeItem(atPath: indexDir)
        CheckReportCache.remove(gitDir: repository.gitDirectory)
        out.line("\(out.styled("✓", .green)) cleared \(repository.gitDirectory)/realm/cache.db, the realm index cache and the kept check report")
        return .success
    }
}
