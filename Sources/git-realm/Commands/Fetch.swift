import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the realm into refs/realm/REALM/fetched.",
            discussion: """
            The realm's new tip is fetched into a temporary ref and checked before it is taken: \
            every file must read and the files must agree, as for every write. A malformed tip \
            is refused (exit 3) with the file, line and commit, and refs/realm/REALM/fetched \
            stays at the last good commit; 'git realm status --fetch' and 'check --fetch' then \
            go on from that realm with a warning. A tip whose history does not contain the \
            fetched commit (the realm was force-pushed or rolled back) is refused (exit 2) and \
            the commits it would lose are listed; --accept-rewrite takes it.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Say whether the realm moved; fetch nothing.")
        var dryRun = false
        @Flag(help: "Take a realm whose history was rewritten (force-pushed or rolled back), naming the commits it lost.")
        var acceptRewrite = false

        func run() async throws {
            var o = Realm.FetchOptions()
            o.target = repository.target
            o.dryRun = dryRun
            o.acceptRewrite = acceptRewrite
            try await executeInSession(o.target, command: "fetch") { try await Realm.fetch(o, context: $0) }
        }
    }
}
