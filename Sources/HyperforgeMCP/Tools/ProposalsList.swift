import HyperforgeCore
import HyperforgeRealm
import MCP

/// proposals_list: what `git realm proposals --json` reports, from the
/// proposals as last fetched (nothing is fetched).
enum ProposalsListTool: RealmTool {
    static let name = "proposals_list"

    static let definition = Tool(
        name: name,
        title: "Realm proposals",
        description: """
        The realm's open contract proposals (made by 'git realm sync'), as 'git realm proposals --json' reports them: \
        each proposal's changes (contract, versions, step, compatibility verdict, changes by JSON pointer, the importers \
        it affects and whether their ranges still hold), who acknowledged it and who has not, and when it becomes \
        mergeable (mergeable now, mergeable_at: the end of the grace period, or what a breaking change waits for). \
        With all: merged and superseded proposals too. Read-only: the proposals as this repository last fetched them; \
        on a forge-hosted realm the forge is not asked, so pull requests and their reviews are not in it \
        (git realm proposals shows them).
        """,
        inputSchema: Schema.object([
            "all": Schema.type("boolean", "Merged and superseded proposals too."),
        ]),
        annotations: .init(title: "Realm proposals", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        outputSchema: Schema.object([
            "realm": Schema.type("string"), "repo": Schema.type("string"), "commit": Schema.type("string"), "now": Schema.type("string"),
            "proposals": Schema.type("array"),
        ], required: ["realm", "repo", "commit", "now", "proposals"], closed: false)
    )

    static func call(_ arguments: ToolArguments, context: Context) async throws -> ToolOutput {
        try arguments.check(known: ["all"])
        var options = Realm.ProposalsOptions()
        options.json = true
        options.all = try arguments.bool("all")
        options.askForge = false
        let report = try await Realm.proposalsReport(options, context: context)
        let text = report.proposals.isEmpty ? "No \(options.all ? "" : "open ")proposals in realm \(report.realm)."
            : report.proposals.map { "\($0.id) [\($0.state)] \($0.title): \($0.mergeable ? "mergeable now (\($0.reason))" : $0.reason)" }.joined(separator: "\n")
        return ToolOutput(structured: try JSONValueEncoding.encode(report), text: text)
    }
}
