import HyperforgeCore

extension Realm {
    public struct SessionOptions: Sendable {
        public var target = Target()
        public var topic: String?
        public var id: String?
        public var json = false
        public var allRealms = false
        public init() {}
    }

    static func describeSession(_ s: JSONValue, me: String? = nil) -> String {
        func str(_ k: String) -> String? { if case .string(let v)? = s[k] { return v }; return nil }
        let repo = str("repo") ?? "?"
        var line = "• \(repo)\(repo == me ? " (you)" : "")"
        if let topic = str("active_rfc") { line += " - working on \(topic)" } else if let client = str("client_id") { line += " - \(client)" }
        if case .integer(let pid)? = s["pid"] { line += " (pid \(pid))" }
        if let id = str("id") { line += "  [\(id.prefix(8))]" }
        return line
    }
}
