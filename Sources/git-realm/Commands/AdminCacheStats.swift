import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Cache {
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entries per cache table and the check hit rate.", discussion: JSONHelp.cacheStats)
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.CacheOptions()
            o.target = repository.target
            o.json = json
            try await execute(.realm, json: o.json) { try await Realm.adminCacheStats(o, context: $0) }
        }
    }
}
