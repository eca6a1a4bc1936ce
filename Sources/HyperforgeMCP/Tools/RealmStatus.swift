import HyperforgeCore
import HyperforgeRealm
import MCP

/// realm_status: what `git realm status --json` reports, without moving
/// the repository's "last seen" point (refs/realm/REALM/seen).
enum RealmStatusTool: RealmTool {
    static let name = "realm_status"

    static let definition = Tool(
        name: name,
        title: "Realm status",
        description: """
        The realm (cross-repository contracts) as this repository last fetched it, as 'git realm status --json' \
        reports it: this repository's domains and role in each, each contract's version and owner, each import's \
        range and whether the contract's version satisfies it, stale bindings, what changed since this repository's \
        last 'git realm status', active sessions and notifications. Read-only: nothing is fetched or marked as seen. \
        With repo: the same for another member of the realm (its changes are then null).
        """,
        inputSchema: Schema.object([
            "repo": Schema.type("string", "Another member of the realm to report for (default: this repository)."),
            "no_cache": Schema.type("boolean", "Read the realm's files again instead of the cached index."),
        ]),
        annotations: .init(title: "Realm status", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        outputSchema: Schema.object([
            "realm": Schema.type("string"), "url": Schema.type("string"), "repo": Schema.type("string"), "commit": Schema.type("string"),
            "fetched_at": Schema.nullable("string"), "registered": Schema.type("boolean"),
            "domains": Schema.type("array"), "stale_bindings": Schema.type("array"), "changes": Schema.nullable("object"),
            "sessions": Schema.nullable("array"), "notifications": Schema.nullable("array"), "approvals": Schema.nullable("array"),
        ], required: ["realm", "url", "repo", "commit", "fetched_at", "registered", "domains", "stale_bindings", "changes"], closed: false)
    )

    static func call(_ arguments: ToolArguments, context: Context) async throws -> ToolOutput {
        try arguments.check(known: ["repo", "no_cache"])
        var options = Realm.StatusOptions()
        options.json = true
        options.noCache = try arguments.bool("no_cache")
        let (report, fetchedAt) = try await Realm.statusReport(options, pointOfView: try arguments.string("repo"), markSeen: false, context: context)
        let text = Output.capturing()
        Realm.printStatus(report, fetchedAt: fetchedAt, now: context.now(), out: text.stdout)
        return ToolOutput(structured: try JSONValueEncoding.encode(report), text: text.stdout.text.trimmedLines())
    }
}
