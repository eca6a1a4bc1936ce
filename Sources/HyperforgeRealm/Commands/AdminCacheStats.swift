import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    /// `git realm admin cache stats`: entries per table and the hit rate of `git realm check`.
    public static func adminCacheStats(_ options: CacheOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let path = repository.gitDirectory + "/realm/cache.db"
        let stats = FileManager.default.fileExists(atPath: path)
            ? try CheckCache(gitDirectory: repository.gitDirectory, warn: context.output.warning).stats()
            : CheckCache.Stats(path: path, exports: 0, contracts: 0, validations: 0, hits: 0, misses: 0)
        if options.json {
            struct JSONStats: Encodable { var path: String; var exports, contracts, validations, hits, misses: Int; var hitRate: Double? }
            out.line(try JSONOutput.encode(JSONStats(path: stats.path, exports: stats.exports, contracts: stats.contracts, validations: stats.validations,
                                                     hits: stats.hits, misses: stats.misses, hitRate: stats.hitRate)))
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
}
