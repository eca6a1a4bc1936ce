import HyperforgeCore
import HyperforgeRealm
import MCP

/// realm_check: the checks of `git realm check`, with its report (as
/// `git realm check --format json` prints it) and the exit status the
/// command would have.
enum RealmCheckTool: RealmTool {
    static let name = "realm_check"

    static let modes = Finding.Mode.allCases.map(\.rawValue)

    static let definition = Tool(
        name: name,
        title: "Realm check",
        description: """
        Runs the checks 'git realm check' (and so the pre-commit and pre-push hooks) runs for what this repository \
        owns, exports and imports: contract (the schema is valid JSON Schema, the value validates, the version went up \
        as far as the changes require, evolution is complete), compatibility (each schema change from the released \
        version with its JSON pointer, kind and whom it breaks), exporter (source files exist, the exporter script \
        passes) and importer (each import's range is satisfied, the importer script passes). Findings name the contract, \
        domain, file and JSON pointer. exit_status is what 'git realm check' would exit with: 0 clean, 1 errors, \
        2 warnings only (1 with strict). Validation scripts run only as 'git realm check' runs them (committed \
        executable in this repository, git config realm.runScripts). Works on the working tree as it is: an owner's \
        edited .hyperforge/contracts/DOMAIN/NAME.yaml is checked before it is published. Nothing is fetched or changed.
        """,
        inputSchema: Schema.object([
            "mode": [
                "description": .string("The checks to run (default: every one that applies)."),
                "anyOf": [["type": "string", "enum": .array(modes.map { .string($0) })],
                          ["type": "array", "items": ["type": "string", "enum": .array(modes.map { .string($0) })]]],
            ],
            "contract": Schema.type("string", "Check only this contract: NAME or DOMAIN/NAME."),
            "strict": Schema.type("boolean", "Count warnings as errors (exit_status 1)."),
            "from": Schema.type("string", "compatibility: compare from this version of the realm's history (default: the released one)."),
            "to": Schema.type("string", "compatibility: compare to this version of the realm's history, or \"working\" (default)."),
            "transitive": Schema.type("boolean", "compatibility: compare with every earlier version."),
            "no_cache": Schema.type("boolean", "Check afresh instead of reusing cached results."),
        ]),
        annotations: .init(title: "Realm check", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        outputSchema: Schema.object([
            "realm": Schema.type("string"), "repo": Schema.type("string"), "commit": Schema.type("string"),
            "findings": Schema.array(of: Schema.object([
                "severity": ["type": "string", "enum": ["error", "warning", "ok"]],
                "mode": ["type": "string", "enum": .array(modes.map { .string($0) })],
                "domain": Schema.type("string"), "contract": Schema.type("string"),
                "file": Schema.nullable("string"), "pointer": Schema.nullable("string"),
                "message": Schema.type("string"), "details": Schema.array(of: Schema.type("string")),
            ], required: ["severity", "mode", "domain", "contract", "message"], closed: false)),
            "contracts_checked": Schema.type("integer"), "cache_hits": Schema.type("integer"),
            "errors": Schema.type("integer"), "warnings": Schema.type("integer"), "exit_status": Schema.type("integer"),
        ], required: ["realm", "repo", "commit", "findings", "errors", "warnings", "exit_status"], closed: false)
    )

    static func call(_ arguments: ToolArguments, context: Context) async throws -> ToolOutput {
        try arguments.check(known: ["mode", "contract", "strict", "from", "to", "transitive", "no_cache"])
        var options = Realm.CheckOptions()
        options.format = .json
        options.modes = try arguments.choices("mode", modes).compactMap(Finding.Mode.init(rawValue:))
        options.contract = try arguments.string("contract")
        options.strict = try arguments.bool("strict")
        options.from = try arguments.string("from")
        options.to = try arguments.string("to")
        options.transitive = try arguments.bool("transitive")
        options.noCache = try arguments.bool("no_cache")
        // A plain check is answered from the report the last one kept while
        // none of its inputs changed, as the hooks' 'git realm check' is.
        let report: CheckReport
        if let kept = Realm.keptCheckReport(options, context: context) { report = kept } else { report = try await Realm.checkReport(options, context: context) }
        var structured = try JSONValueEncoding.encode(report)
        if case .object(var fields) = structured {
            fields["exit_status"] = .integer(Int64(report.exitCode(strict: options.strict)))
            structured = .object(fields)
        }
        let text = Output.capturing().stdout
        text.line(report.text(text))
        return ToolOutput(structured: structured, text: text.text.trimmedLines())
    }
}
