import FoundationEssentials
import HyperforgeCore

/// WorkOS Vault (seed 000 §11), through its REST API: objects named by scope,
/// read by name, created, updated, deleted and listed.
///
///     [auth.providers.workos]
///     type = "workos"
///     base_url = "https://api.workos.com"   # default; a stand-in or proxy elsewhere
///     api_key_env = "WORKOS_API_KEY"        # the variable holding the API key (default)
///
/// The API key is read from the environment and sent only in the
/// Authorization header; neither it nor a secret appears in any message.
public struct WorkOSProvider: SecretProvider {
    public let config: ProviderConfig
    let baseURL: String
    let apiKey: String

    init(config: ProviderConfig, context: Context) throws {
        self.config = config
        var base = config.settings["base_url"] ?? "https://api.workos.com"
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        let variable = config.settings["api_key_env"] ?? "WORKOS_API_KEY"
        guard let key = context.environment[variable], !key.isEmpty else {
            throw ProviderError.failed(provider: config.name, what: "authenticating", reason: "\(variable) is not set")
        }
        apiKey = key
    }

    static func segment(_ s: String) -> String { FilePaths.percentEncoded(s) }

    private func call(_ method: String, _ path: String, json: JSONValue? = nil, what: String) throws -> HTTP.Response {
        var headers = ["Authorization: Bearer \(apiKey)", "Accept: application/json", "User-Agent: hyperforge/\(HyperforgeVersion.current)"]
        var body: Data?
        if let json {
            headers.append("Content-Type: application/json")
            body = Data(json.jsonText.utf8)
        }
        let response: HTTP.Response
        do {
            response = try HTTP.request(method, baseURL + path, headers: headers, body: body)
        } catch let e as HTTP.Failure {
            throw ProviderError.failed(provider: config.name, what: what, reason: e.reason)
        }
        return response
    }

    private func failure(_ r: HTTP.Response, _ what: String) -> ProviderError {
        // The API's error message, never the request: it may hold the secret.
        let message = r.json()?["message"]?.stringValue
        let reason: String
        switch r.status {
        case 401: reason = "the API key was refused (401)"
        case 403: reason = "the API key may not use Vault (403)"
        case 429: reason = "rate limited by WorkOS (429); try again shortly"
        default: reason = "HTTP \(r.status)" + (message.map { ": \($0)" } ?? "")
        }
        return .failed(provider: config.name, what: what, reason: reason)
    }

    /// The object named `key`, or nil.
    private func object(_ key: String) throws -> JSONValue? {
        let r = try call("GET", "/vault/v1/kv/name/" + Self.segment(key), what: "reading \(key)")
        if r.status == 404 { return nil }
        guard r.status == 200, let object = r.json(), case .object = object else { throw failure(r, "reading \(key)") }
        return object
    }

    public func get(_ key: String) async throws -> String? {
        guard let object = try object(key) else { return nil }
        guard let value = object["value"]?.stringValue else {
            throw ProviderError.failed(provider: config.name, what: "reading \(key)", reason: "the response has no value")
        }
        return value.isEmpty ? nil : value
    }

    public func set(_ key: String, _ secret: String) async throws {
        if let existing = try object(key), let id = existing["id"]?.stringValue {
            let r = try call("PUT", "/vault/v1/kv/" + Self.segment(id), json: .object(["value": .string(secret)]), what: "updating \(key)")
            guard (200..<300).contains(r.status) else { throw failure(r, "updating \(key)") }
        } else {
            let r = try call("POST", "/vault/v1/kv", json: .object(["name": .string(key), "value": .string(secret), "key_context": .object(["application": .string("hyperforge")])]),
                             what: "creating \(key)")
            guard (200..<300).contains(r.status) else { throw failure(r, "creating \(key)") }
        }
    }

    public func remove(_ key: String) async throws -> Bool {
        guard let existing = try object(key), let id = existing["id"]?.stringValue else { return false }
        let r = try call("DELETE", "/vault/v1/kv/" + Self.segment(id), what: "deleting \(key)")
        guard (200..<300).contains(r.status) || r.status == 404 else { throw failure(r, "deleting \(key)") }
        return r.status != 404
    }

    public func list() async throws -> [String] {
        var names: [String] = []
        var after: String?
        for _ in 0..<1000 {
            var path = "/vault/v1/kv?limit=100"
            if let after { path += "&after=" + Self.segment(after) }
            let r = try call("GET", path, what: "listing objects")
            guard r.status == 200, let page = r.json(), case .array(let data)? = page["data"] else {
                throw failure(r, "listing objects")
            }
            names += data.compactMap { $0["name"]?.stringValue }
            after = page["list_metadata"]?["after"]?.stringValue
            if after == nil || data.isEmpty { break }
        }
        return names.sorted()
    }
}
