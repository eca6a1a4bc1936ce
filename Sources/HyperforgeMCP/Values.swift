import HyperforgeCore
import MCP

extension Value {
    /// Our JSON value as the SDK's (integers stay integers).
    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = .int(Int(i))
        case .number(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map { Value(json: $0) })
        case .object(let o): self = .object(o.mapValues { Value(json: $0) })
        }
    }
}

/// A tool's answer: the structured result (what the matching `git realm`
/// command's JSON reports) and its text rendering.
struct ToolOutput {
    var structured: JSONValue
    var text: String

    /// The result as MCP sends it: the rendering, the JSON text of the
    /// structured result (for clients that read only text, as the
    /// specification asks), and the structured result itself.
    var result: CallTool.Result {
        let content: [Tool.Content] = [.text(text: text, annotations: nil, _meta: nil),
                                       .text(text: JSONOutput.render(structured), annotations: nil, _meta: nil)]
        return ToolOutput.result(content, Value(json: structured), isError: false)
    }

    /// A tool result through the SDK's non-generic initializer (its generic
    /// one, which overload resolution picks for a `Value?`, would encode the
    /// value to JSON text and decode it again).
    static func result(_ content: [Tool.Content], _ structured: Value?, isError: Bool) -> CallTool.Result {
        let make: ([Tool.Content], Value?, Bool?, Metadata?) -> CallTool.Result = CallTool.Result.init(content:structuredContent:isError:_meta:)
        return make(content, structured, isError, nil)
    }
}

/// JSON Schema fragments for the tools' input and output schemas.
enum Schema {
    static func object(_ properties: [String: Value], required: [String] = [], closed: Bool = true) -> Value {
        var o: [String: Value] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        if closed { o["additionalProperties"] = false }
        return .object(o)
    }

    static func type(_ name: String, _ description: String? = nil) -> Value {
        var o: [String: Value] = ["type": .string(name)]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    static func nullable(_ name: String) -> Value { ["type": [.string(name), "null"]] }

    static func array(of items: Value) -> Value { ["type": "array", "items": items] }
}
