import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Cache {
    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Empty the check cache, the realm index cache and the kept check report.")
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print what would be cleared; change nothing.")
        var dryRun = false
        func run() async throws {
            var o = Realm.CacheOptions()
            o.target = repository.target
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.adminCacheClear(o, context: $0) }
        }
    }
}
