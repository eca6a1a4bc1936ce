import HyperforgeCore
import HyperforgeRealm
import MCP

/// contract_get: one contract of the realm (or an earlier version of it
/// from the realm's history) with every binding that exports or imports it.
enum ContractGetTool: RealmTool {
    static let name = "contract_get"

    static let definition = Tool(
        name: name,
        title: "Contract",
        description: """
        One contract of the realm as this repository last fetched it: its version, owner, compatibility promises \
        (backwards: new versions are readable by old importers; forwards: old values stay valid), JSON Schema, value, \
        validation scripts and evolution, every version in the realm's history, and every binding that exports it \
        (with its source files) or imports it (with the range, the resolved version, whether the current version \
        satisfies the range and whether the binding is stale). With version: that earlier version's contract \
        (the bindings are the current ones). Read-only.
        """,
        inputSchema: Schema.object([
            "contract": Schema.type("string", "The contract: NAME, or DOMAIN/NAME when the name is in several domains."),
            "version": Schema.type("string", "A version from the realm's history, e.g. 1.0.0 (default: the current one)."),
        ], required: ["contract"]),
        annotations: .init(title: "Contract", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        outputSchema: Schema.object([
            "realm": Schema.type("string"), "repo": Schema.type("string"), "commit": Schema.type("string"),
            "domain": Schema.type("string"), "name": Schema.type("string"), "file": Schema.type("string"),
            "version": Schema.type("string"), "current_version": Schema.type("string"), "introduced_in": Schema.nullable("string"),
            "versions": Schema.array(of: Schema.type("string")), "owner": Schema.type("string"),
            "compatibility": Schema.object(["backwards": Schema.type("boolean"), "forwards": Schema.type("boolean")], closed: false),
            "schema": [:], "value": [:], "validation": Schema.nullable("object"), "evolution": Schema.type("array"),
            "bindings": Schema.array(of: Schema.object([
                "repo": Schema.type("string"), "role": Schema.type("string"),
                "direction": ["type": "string", "enum": ["exports", "imports"]], "file": Schema.type("string"),
                "source_files": Schema.nullable("array"), "range": Schema.nullable("string"),
                "resolved_version": Schema.nullable("string"), "satisfied": Schema.nullable("boolean"),
                "stale": Schema.nullable("boolean"), "binding": Schema.nullable("string"),
            ], required: ["repo", "role", "direction", "file"], closed: false)),
        ], required: ["realm", "domain", "name", "version", "current_version", "owner", "compatibility", "schema", "bindings"], closed: false)
    )

    static func call(_ arguments: ToolArguments, context: Context) async throws -> ToolOutput {
        try arguments.check(known: ["contract", "version"])
        var query = Realm.ContractQuery()
        guard let contract = try arguments.string("contract") else { throw ToolError.missing(tool: name, argument: "contract") }
        query.contract = contract
        query.version = try arguments.string("version")
        let details = try await Realm.contractDetails(query, context: context)
        return ToolOutput(structured: details, text: render(details))
    }

    /// A few lines an assistant reads at a glance; the JSON has the rest.
    static func render(_ d: JSONValue) -> String {
        func s(_ v: JSONValue?) -> String { v?.stringValue ?? "-" }
        let out = Output.capturing().stdout
        let version = s(d["version"]), current = s(d["current_version"])
        var promises: [String] = []
        if d["compatibility"]?["backwards"] == .bool(true) { promises.append("backwards") }
        if d["compatibility"]?["forwards"] == .bool(true) { promises.append("forwards") }
        out.line("contract \(s(d["name"])) \(version)\(version == current ? " (current)" : " (current: \(current))") in domain \(s(d["domain"])) of realm \(s(d["realm"])), owned by \(s(d["owner"]))")
        out.line("compatibility: \(promises.isEmpty ? "no promises" : promises.joined(separator: ", ")); file \(s(d["file"]))")
        if case .array(let versions)? = d["versions"] {
            let names: [String] = versions.compactMap { $0.stringValue }
            out.line("versions: \(names.joined(separator: ", "))")
        }
        if case .array(let bindings)? = d["bindings"] {
            for b in bindings {
                if b["direction"] == .string("exports") {
                    var files: [String] = []
                    if case .array(let a)? = b["source_files"] { files = a.compactMap { $0.stringValue } }
                    out.line("exported by \(s(b["repo"]))\(files.isEmpty ? "" : " from " + files.joined(separator: ", "))")
                } else {
                    let resolved = b["resolved_version"]?.stringValue.map { "resolved at \($0)" } ?? "not resolved"
                    let state = b["satisfied"] == .bool(true) ? (b["stale"] == .bool(true) ? "satisfied, stale" : "satisfied") : "NOT satisfied by \(current)"
                    out.line("imported by \(s(b["repo"])) \(s(b["range"])): \(resolved), \(state)")
                }
            }
        }
        out.line("schema: \(d["schema"]?.jsonText ?? "null")")
        out.line("value: \(d["value"]?.jsonText ?? "null")")
        return out.text.trimmedLines()
    }
}
