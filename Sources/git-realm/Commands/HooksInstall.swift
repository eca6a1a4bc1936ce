import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Hooks {
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install the hooks (chaining any hook already there).")
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print what would change; change nothing.")
        var dryRun = false
        func run() async throws {
            var o = Realm.HooksOptions()
            o.target = repository.target
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.hooksInstall(o, context: $0) }
        }
    }
}
