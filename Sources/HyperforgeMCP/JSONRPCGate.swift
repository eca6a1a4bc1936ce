import HyperforgeCore

/// What a line from the client is before the SDK sees it: a well-formed
/// JSON-RPC 2.0 message of a shape the SDK decodes (passed on), or
/// something the specification says how to answer (answered here):
///
/// - not JSON: -32700 Parse error, id null;
/// - JSON but not a request, notification or response object (an array:
///   MCP has no batches since 2025-06-18; no `"jsonrpc": "2.0"`; a method
///   that is not a string; an id that is neither a string nor an integer):
///   -32600 Invalid Request, with the id when it could be read, else null;
/// - the params of `initialize` or `tools/call` of the wrong shape (params
///   not an object, a tool name that is not a string, arguments that are
///   not an object): -32602 Invalid params;
/// - a request other than initialize and ping before initialize: -32600.
///   Here rather than in the SDK's strict mode, which drops such a request
///   unanswered, and which a pipelined request could race (the SDK handles
///   each request in a task of its own): the gate sees messages in order.
struct JSONRPCGate {
    /// Whether an initialize request went through.
    var initialized = false

    enum Verdict: Equatable {
        /// Passed on; `request`: the id of a request (it awaits an answer),
        /// `cancelled`: the request a cancellation notification names.
        case pass(request: JSONValue? = nil, cancelled: JSONValue? = nil)
        case answer(String)
        /// A well-formed tools/call, served by the server's own handler
        /// (LineTransport.CallHandler), not through the SDK.
        case call(id: JSONValue, name: String, arguments: [String: JSONValue])
    }

    mutating func inspect(_ line: [UInt8]) -> Verdict {
        let message: JSONValue
        do { message = try JSONParser.parse(line, file: "message", limit: LineTransport.lineLimit) } catch let problem {
            return .answer(Self.error(id: .null, code: -32700, "Parse error: \(problem.reason) (column \(problem.column))"))
        }
        guard case .object(let fields) = message else {
            if case .array = message { return .answer(Self.error(id: .null, code: -32600, "Invalid Request: batches are not supported (MCP 2025-06-18 and later send one message a line)")) }
            return .answer(Self.error(id: .null, code: -32600, "Invalid Request: a message is a JSON object, not \(message.typeName)"))
        }
        // An id the answer can carry: a string or an integer (MCP: never null).
        var id = JSONValue.null
        switch fields["id"] {
        case .string?, .integer?: id = fields["id"]!
        case nil: break
        case let other?: return .answer(Self.error(id: .null, code: -32600, "Invalid Request: id must be a string or an integer, not \(other.typeName)"))
        }
        guard fields["jsonrpc"] == .string("2.0") else {
            return .answer(Self.error(id: id, code: -32600, "Invalid Request: \"jsonrpc\" must be \"2.0\""))
        }
        guard let methodValue = fields["method"] else {
            // A response to a request of ours (we send none; the SDK ignores it) or nothing at all.
            if fields["result"] != nil || fields["error"] != nil, fields["id"] != nil { return .pass() }
            return .answer(Self.error(id: id, code: -32600, "Invalid Request: no \"method\" (nor a \"result\" or \"error\" of a response)"))
        }
        guard case .string(let method) = methodValue else {
            return .answer(Self.error(id: id, code: -32600, "Invalid Request: \"method\" must be a string, not \(methodValue.typeName)"))
        }
        let isRequest = fields["id"] != nil
        let params = fields["params"]
        if let params, params != .null {
            guard case .object = params else {
                return isRequest ? .answer(Self.error(id: id, code: -32602, "Invalid params: params of \(method) must be an object, not \(params.typeName)")) : .pass()
            }
        }
        // Notifications get no answer, whatever they hold.
        guard isRequest else { return .pass(cancelled: method == "notifications/cancelled" ? params?["requestId"] : nil) }
        if !initialized && method != "initialize" && method != "ping" {
            return .answer(Self.error(id: id, code: -32600, "Invalid Request: \(method) before initialize (send initialize first)"))
        }
        switch method {
        case "tools/call":
            guard case .string(let name)? = params?["name"] else {
                return .answer(Self.error(id: id, code: -32602, "Invalid params: tools/call needs \"name\", the tool's name as a string" + (params?["name"].map { ", not \($0.typeName)" } ?? "")))
            }
            var given: [String: JSONValue] = [:]
            if let arguments = params?["arguments"], arguments != .null {
                guard case .object(let a) = arguments else {
                    return .answer(Self.error(id: id, code: -32602, "Invalid params: the arguments of tools/call must be an object, not \(arguments.typeName)"))
                }
                given = a
            }
            return .call(id: id, name: name, arguments: given)
        case "initialize":
            guard case .object(let p)? = params else {
                return .answer(Self.error(id: id, code: -32602, "Invalid params: initialize needs params with protocolVersion, capabilities and clientInfo"))
            }
            for (key, kind) in [("protocolVersion", "string"), ("capabilities", "object"), ("clientInfo", "object")] where p[key] != nil && p[key]!.typeName != kind {
                return .answer(Self.error(id: id, code: -32602, "Invalid params: initialize's \(key) must be a \(kind), not \(p[key]!.typeName)"))
            }
            if case .object(let info)? = p["clientInfo"] {
                for key in ["name", "version"] where info[key]?.typeName != "string" {
                    return .answer(Self.error(id: id, code: -32602, "Invalid params: initialize's clientInfo.\(key) must be a string"))
                }
            }
            initialized = true
        default:
            break
        }
        return .pass(request: id)
    }

    /// A JSON-RPC error response, on one line.
    static func error(id: JSONValue, code: Int64, _ message: String) -> String {
        JSONValue.object(["jsonrpc": .string("2.0"), "id": id, "error": .object(["code": .integer(code), "message": .string(message)])]).jsonText
    }
}
