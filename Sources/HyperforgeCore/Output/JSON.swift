import FoundationEssentials

/// JSON output for scripts, one style for every tool (documented in each
/// command's man page and kept stable): one document per command, keys in
/// snake_case and sorted, two-space indentation, times as RFC 3339 UTC
/// strings (`2026-01-24T10:00:00Z`), values as JSON values (numbers,
/// booleans, arrays, objects; never TOML or shell text). With `--json`, a
/// failure of the command as a whole is the document
/// `{"error": {"message": …, "hint": …, "exit_status": N, …}}` on stdout, with
/// the same exit status (JSONOutput.error).
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        render(try JSONValueEncoding.encode(value))
    }

    /// A document built as a JSONValue, printed in the same style as `encode`.
    public static func render(_ value: JSONValue) -> String {
        var out = ""
        pretty(value, indent: "", to: &out)
        return out
    }

    private static func pretty(_ value: JSONValue, indent: String, to out: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let a) where !a.isEmpty:
            out += "[\n"
            for (k, v) in a.enumerated() {
                out += inner
                pretty(v, indent: inner, to: &out)
                out += k == a.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let o) where !o.isEmpty:
            out += "{\n"
            let keys = o.keys.sorted()
            for (k, key) in keys.enumerated() {
                out += inner
                out += JSONValue.string(key).jsonText
                out += " : "
                pretty(o[key]!, indent: inner, to: &out)
                out += k == keys.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        default:
            out += value.jsonText
        }
    }

    /// The document a command prints on stdout, with `--json`, when it fails as a whole.
    public static func error(_ error: any Error, program: String, exitStatus: Int32) -> String {
        var fields: [String: JSONValue] = ["exit_status": .integer(Int64(exitStatus))]
        if let h = error as? any HyperforgeError {
            fields["message"] = .string(h.description)
            fields["hint"] = h.hint.map(JSONValue.string) ?? .null
            for (k, v) in ErrorFacts.of(h) { fields[k] = v }
        } else {
            fields["message"] = .string("\(program): \(error)")
            fields["hint"] = .null
        }
        return render(.object(["error": .object(fields)]))
    }
}

/// Where an error happened, for its JSON document: `file` and `line` (from
/// a SourceLocation it carries), and `pointer`, `forge`, `remote`, `scope`
/// or `path` (from associated values so labelled). Found by reflection over
/// the error's payload, so that every error type that says where in its
/// message says it here too, without each of the twelve error enums
/// repeating the same table.
enum ErrorFacts {
    static let labels: [String: String] = ["pointer": "pointer", "forge": "forge", "remote": "remote", "scope": "scope",
                                           "path": "file", "file": "file", "repository": "repository"]

    static func of(_ error: any Error) -> [String: JSONValue] {
        var facts: [String: JSONValue] = [:]
        collect(Mirror(reflecting: error), depth: 0, into: &facts)
        return facts
    }

    private static func collect(_ mirror: Mirror, depth: Int, into facts: inout [String: JSONValue]) {
        guard depth < 4 else { return }
        for child in mirror.children {
            if let location = child.value as? SourceLocation {
                if facts["file"] == nil { facts["file"] = .string(location.file) }
                if facts["line"] == nil, let line = location.line { facts["line"] = .integer(Int64(line)) }
                continue
            }
            if let label = child.label, let key = labels[label], facts[key] == nil {
                if let s = child.value as? String { facts[key] = .string(s); continue } // an Optional holding one too
            }
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .tuple || inner.displayStyle == .enum || inner.displayStyle == .struct {
                collect(inner, depth: depth + 1, into: &facts)
            }
        }
    }
}
