import HyperforgeCore
import MCP

/// A tool's answer: the structured result (what the matching `git realm`
/// command's JSON reports) and its text rendering.
struct ToolOutput {
    var structured: JSONValue
    var text: String

    /// The result as MCP sends it (CallToolResult): the rendering, the JSON
    /// text of the structured result (for clients that read only text, as
    /// the specification asks), the structured result itself; `warnings`
    /// (what the core said on stderr meanwhile) as one more text.
    func result(warnings: String) -> JSONValue {
        var content = [ToolOutput.text(text), ToolOutput.text(JSONOutput.render(structured))]
        if !warnings.isEmpty { content.append(ToolOutput.text(warnings)) }
        return .object(["content": .array(content), "structuredContent": structured, "isError": .bool(false)])
    }

    /// An error result: the message, no structured content.
    static func error(_ text: String) -> JSONValue {
        .object(["content": .array([ToolOutput.text(text)]), "isError": .bool(true)])
    }

    static func text(_ s: String) -> JSONValue { .object(["type": .string("text"), "text": .string(s)]) }
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
