/// The forge's own words from an error body, by the shape each forge uses
/// (/work/shared/forge-apis README "Error bodies").
enum ForgeErrorBody {
    static func message(_ r: HTTP.Response, kind: ForgeKind) -> String? {
        guard let json = r.json() else {
            // GitLab's 429 is plain text ("Retry later"); keep a short plain body.
            let text = String(decoding: r.body.prefix(300), as: UTF8.self).trimmed()
            return text.isEmpty || text.hasPrefix("<") ? nil : text
        }
        var parts: [String] = []
        switch json["message"] {
        case .string(let s)?: parts.append(s)
        case .object(let fields)?:
            // GitLab: {"message": {"field": ["msg", ...]}} (nested for embedded entities).
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                parts.append("\(field) \(flatten(value).joined(separator: ", "))")
            }
        default: break
        }
        if case .array(let errors)? = json["errors"] {
            // GitHub 422: [{resource, field, code, message}] or strings; Forgejo: strings.
            for e in errors {
                if let s = e.stringValue { parts.append(s); continue }
                let field = e["field"]?.stringValue
                let text = e["message"]?.stringValue ?? e["code"]?.stringValue
                if let text { parts.append(field.map { "\($0): \(text)" } ?? text) }
            }
        }
        if let error = json["error"]?.stringValue {
            // GitLab's OAuth scope errors.
            parts.append(error + (json["error_description"]?.stringValue.map { ": \($0)" } ?? ""))
        }
        let joined = parts.joined(separator: "; ")
        return joined.isEmpty ? nil : String(joined.prefix(1000))
    }

    private static func flatten(_ v: JSONValue) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .array(let a): return a.flatMap(flatten)
        case .object(let o): return o.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(flatten($0.value).joined(separator: ", "))" }
        default: return [v.jsonText]
        }
    }
}
