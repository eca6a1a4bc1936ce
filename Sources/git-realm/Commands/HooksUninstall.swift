import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Hooks {
    struct Uninstall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the hooks and restore the ones they chained.")
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print what would change; change nothing.")
        var dryRun = false
        func run() async throws {
            var o = Realm.HooksOptions()
            o.target = repository.target
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.hooksUninstall(o, context: $0) }
        }
    }
}
