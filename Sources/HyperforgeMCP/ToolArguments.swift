import HyperforgeCore

/// A tool call's arguments, checked against the tool's input schema: each
/// getter refuses a value of the wrong type, and `check` an argument the
/// tool does not take, naming the tool, the argument and what it must be.
struct ToolArguments {
    let tool: String
    let values: [String: JSONValue]

    init(tool: String, _ values: [String: JSONValue]?) {
        self.tool = tool
        self.values = values ?? [:]
    }

    /// Refuses arguments outside `known` (a misspelt `contrat` must not pass as no filter).
    func check(known: [String]) throws(ToolError) {
        for name in values.keys.sorted() where !known.contains(name) {
            throw .unknownArgument(tool: tool, argument: name, known: known)
        }
    }

    func string(_ name: String) throws(ToolError) -> String? {
        guard let v = values[name], v != .null else { return nil }
        guard case .string(let s) = v else { throw .wrongType(tool: tool, argument: name, expected: "a string", got: v.article) }
        return s
    }

    func bool(_ name: String) throws(ToolError) -> Bool {
        guard let v = values[name], v != .null else { return false }
        guard case .bool(let b) = v else { throw .wrongType(tool: tool, argument: name, expected: "true or false", got: v.article) }
        return b
    }

    /// A string or an array of strings, each one of `choices`.
    func choices(_ name: String, _ choices: [String]) throws(ToolError) -> [String] {
        guard let v = values[name], v != .null else { return [] }
        let given: [String]
        switch v {
        case .string(let s): given = [s]
        case .array(let items):
            given = try items.map { (item: JSONValue) throws(ToolError) -> String in
                guard case .string(let s) = item else {
                    throw .wrongType(tool: tool, argument: name, expected: "an array of strings", got: "an array holding \(item.article)")
                }
                return s
            }
        default: throw .wrongType(tool: tool, argument: name, expected: "one of \(choices.joined(separator: ", ")) or an array of them", got: v.article)
        }
        for g in given where !choices.contains(g) {
            throw .invalidValue(tool: tool, argument: name, value: g, expected: "one of \(choices.joined(separator: ", "))")
        }
        return given
    }
}

extension JSONValue {
    /// The JSON type's name, as the error messages say it ("an integer").
    var article: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A tool call that cannot run as asked. Answered as the tool's error
/// result (isError), as MCP asks for argument problems, so the assistant
/// can correct the call.
enum ToolError: HyperforgeError, Equatable {
    case unknownArgument(tool: String, argument: String, known: [String])
    case wrongType(tool: String, argument: String, expected: String, got: String)
    case invalidValue(tool: String, argument: String, value: String, expected: String)
    case missing(tool: String, argument: String)

    var exitStatus: ExitStatus { .usage }

    var description: String {
        switch self {
        case .unknownArgument(let tool, let argument, let known):
            return "\(tool) takes no argument \"\(argument)\" (its arguments: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .wrongType(let tool, let argument, let expected, let got):
            return "\(tool)'s argument \"\(argument)\" must be \(expected), not \(got)"
        case .invalidValue(let tool, let argument, let value, let expected):
            return "\(tool)'s argument \"\(argument)\" is \"\(value)\"; it must be \(expected)"
        case .missing(let tool, let argument):
            return "\(tool) needs the argument \"\(argument)\""
        }
    }

    var hint: String? { "see the tool's input schema (tools/list)" }
}
