/// A forge API call that failed: which forge, which request, what the forge
/// said (its own message, parsed from its error body), and what to do next.
/// Never a token (requests carry them in headers, which no error quotes),
/// never Foundation's or libcurl's text unexplained.
public struct ForgeAPIError: HyperforgeError, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The forge answered with an unexpected HTTP status.
        case http
        /// 401: the token was refused.
        case unauthorized
        /// 403/404 where the token may lack access.
        case forbidden
        case notFound
        /// 409/422: a conflict (name taken, head changed, not mergeable).
        case conflict
        /// Rate limited longer than hyperforge waits.
        case rateLimited
        /// No HTTP answer (connection, TLS, timeout), after the bounded retries.
        case transport
        /// A create was sent and its outcome is unknown; a look-up did not find it.
        case outcomeUnknown
        /// The forge's answer is not what its API description says.
        case badResponse
        /// The operation or value cannot be expressed on this forge (e.g. `internal` on GitHub's user repositories).
        case unsupported
        /// The forge is declared only in a repository's committed config: no token goes to its API.
        case untrustedForge
        /// The scope this call needs cannot be formed (an owner segment named `repo`, an invalid name).
        case scopeRefused
    }

    public var kind: Kind
    /// The forge's name (config / remote name).
    public var forge: String
    public var method: String?
    /// The request's path and query below the API base (no token: tokens never go in URLs).
    public var path: String?
    public var status: Int?
    /// The forge's own message, from its error body.
    public var forgeMessage: String?
    /// What happened, in our words.
    public var detail: String
    public var hint: String?

    public init(_ kind: Kind, forge: String, method: String? = nil, path: String? = nil, status: Int? = nil,
                forgeMessage: String? = nil, detail: String, hint: String? = nil) {
        self.kind = kind
        self.forge = forge
        self.method = method
        self.path = path
        self.status = status
        self.forgeMessage = forgeMessage
        self.detail = detail
        self.hint = hint
    }

    public var exitStatus: ExitStatus {
        switch kind {
        case .untrustedForge, .scopeRefused, .unauthorized, .forbidden: return .refused
        case .unsupported: return .usage
        case .transport, .rateLimited: return .environment
        default: return .failure
        }
    }

    public var description: String {
        var s = "forge '\(forge)'"
        if let method, let path { s += ": \(method) \(path)" }
        if let status { s += " answered \(status)" }
        s += ": \(detail)"
        if let forgeMessage, !forgeMessage.isEmpty { s += " (the forge says: \(TerminalText.escaped(forgeMessage)))" }
        return s
    }
}
