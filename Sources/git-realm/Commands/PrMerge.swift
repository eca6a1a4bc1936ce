import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Pr {
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a coordinated change's requests in merge order, stopping at the first that cannot merge.",
            discussion: """
            Each request is merged (a merge commit, checked against the head the forge \
            reported) only when it may merge now (see 'git realm pr status') and only after \
            the forge reports the one before it merged; requests already merged are passed \
            over. At the first that cannot merge (closed, a draft, changes requested, or \
            refused by the forge, with its message) it stops: the ones after it stay open. \
            --dry-run sends no request that changes anything and prints the merges it would \
            request, in order.

            Exit status: 0 all merged; 1 stopped at one that cannot merge (or a forge request \
            failed); 4 not a member or no such change here.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The coordinated change (default: the current branch's, or the only one).", valueName: "name"))
        var rfc: String?
        @Flag(help: "Print what would be merged; change nothing.")
        var dryRun = false
        func run() async throws {
            var o = Realm.PrMergeOptions()
            o.target = repository.target
            o.rfc = rfc
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "pr merge") { try await Realm.prMerge(o, context: $0) }
        }
    }
}
