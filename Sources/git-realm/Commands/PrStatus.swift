import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Pr {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each request of a coordinated change in merge order: state, reviews, and which may merge now.",
            discussion: """
            Read only (GET requests). A request may merge now when it is open, not a draft, \
            every request before it in merge order has merged, and no reviewer's latest \
            review requests changes. JSON: {"change", "branch", "requests": [{"repo", "forge", \
            "number", "url", "state" (open, draft, closed, merged, none), "reviews": \
            [{"reviewer", "state"}], "approved_by", "blocked_by", "may_merge", "why"}]}.

            Exit status: 0; 1 a forge request failed; 4 not a member or no such change here.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The coordinated change (default: the current branch's, or the only one).", valueName: "name"))
        var rfc: String?
        @Flag(help: "Print as JSON.")
        var json = false
        func run() async throws {
            var o = Realm.PrStatusOptions()
            o.target = repository.target
            o.rfc = rfc
            o.json = json
            try await executeInSession(o.target, command: "pr status", json: o.json) { try await Realm.prStatus(o, context: $0) }
        }
    }
}
