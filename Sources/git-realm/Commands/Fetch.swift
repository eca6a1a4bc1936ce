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

            In a realm that requires signed commits (trust.require_signed_commits in \
            realm.yaml at the last good commit, at the new tip or at a commit between), the \
            commits the tip brings (the whole history on a first fetch) are checked as 'git \
            realm check --realm' checks them: one made while signatures were required that is \
            unsigned, signed by a key the realm does not list for the files it changes (a commit \
            turning the requirement off needs an approver's key), changes several repositories' \
            files, merges more than two parents or does not read is refused (exit 3), naming \
            each commit, the rule, the file and the 'git realm check --realm --range GOOD..TIP' \
            that shows the same; refs/realm/REALM/fetched stays at the last good commit. A wrong \
            version step or value is not refused here (check --realm and the guard report it). \
            The repair is the realm's: a maintainer resets its branch to the last good commit. \
            --dry-run reports the same with the same exit status.

            Exit status: 0 fetched or up to date; 1 the fetch failed; 2 the history was \
            rewritten (without --accept-rewrite); 3 the tip is malformed, or brings commits \
            a signed realm refuses; 4 not a member.
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
