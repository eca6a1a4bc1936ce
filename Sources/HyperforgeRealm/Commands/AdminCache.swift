import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct CacheOptions: Sendable {
        public var target = Target()
        public var json = false
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin cache stats`: entries per table and the hit rate of `git realm check`.
    public static func adminCacheStats(_ options: CacheOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let path = repository.gitDirectory + "/realm/cache.db"
        let stats = FileManager.default.fileExists(atPath: path)
            ? try CheckCache(gitDirectory: repository.gitDirectory).stats()
            : CheckCache.Stats(path: path, exports: 0, contracts: 0, validations: 0, hits: 0, misses: 0)
        if options.json {
            struct JSONStats: Encodable { var path: String; var exports, contracts, validations, hits, misses: Int; var hitRate: Double? }
            out.line(try JSONOutput.encode(JSONStats(path: stats.path, exports: stats.exports, contracts: stats.contracts, validations: stats.validations,
                                                     hits: stats.hits, misses: stats.misses, hitRate: stats.hitRate), snakeCase: true))
        } else {
            out.line("cache: \(stats.path)")
            out.line("  export_cache      \(stats.exports) file\(stats.exports == 1 ? "" : "s")")
            out.line("  contract_cache    \(stats.contracts) contract version\(stats.contracts == 1 ? "" : "s")")
            out.line("  validation_cache  \(stats.validations) result\(stats.validations == 1 ? "" : "s")")
            let rate = stats.hitRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "n/a"
            out.line("  check lookups     \(stats.hits) hits, \(stats.misses) misses (hit rate \(rate))")
        }
        return .success
    }

    /// `git realm admin cache clear`: empties cache.db (and the realm index cache).
    public static func adminCacheClear(_ options: CacheOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let indexDir = RealmIndex.directory(repository)
        if options.dryRun {
            let exists = FileManager.default.fileExists(atPath: repository.gitDirectory + "/realm/cache.db")
            let stats = exists ? try? CheckCache(gitDirectory: repository.gitDirectory).stats() : nil
            out.line("Would clear \(repository.gitDirectory)/realm/cache.db (\(stats.map { "\($0.exports + $0.contracts + $0.validations) entries" } ?? "not created yet")) and \(indexDir)")
            out.line("dry run: nothing was cleared")
            return .success
        }
        try CheckCache(gitDirectory: repository.gitDirectory).clear()
        try? FileManager.default.removeItem(atPath: indexDir)
        out.line("\(out.styled("✓", .green)) cleared \(repository.gitDirectory)/realm/cache.db and the realm index cache")
        return .success
    }
}
