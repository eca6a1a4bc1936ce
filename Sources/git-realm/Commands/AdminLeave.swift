import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin {
    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove this repository from the realm and its membership from git config.",
            discussion: """
            Removes repos/REPO.yaml, this repository's bindings and its place in every domain, \
            and the contracts it owns. Refuses while another repository imports one of those \
            contracts, unless --force (which removes those imports as well).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Leave even though others import contracts this repository owns.")
        var force = false
        @Flag(help: "Print what would be committed and removed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.LeaveOptions()
            o.target = repository.target
            o.force = force
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin leave") { try await Realm.adminLeave(o, context: $0) }
        }
    }
}
