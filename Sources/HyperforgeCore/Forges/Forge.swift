/// The families of forge hyperforge speaks to. Each has its own REST API;
/// a custom forge names its kind so the right client and URL rules apply.
public enum ForgeKind: String, Sendable, Codable, CaseIterable {
    case github
    case forgejo
    case gitea
    case gitlab

    /// Whether an owner may be a nested path (`group/subgroup`).
    public var allowsNestedOwners: Bool { self == .gitlab }
}

/// How git reaches a forge.
public enum GitProtocol: String, Sendable, Codable, CaseIterable {
    case ssh
    case https
}

/// One forge: a built-in (github, codeberg, gitlab) or a custom one declared
/// in config (`[custom_forges.NAME]`), for self-hosted GitHub Enterprise,
/// Forgejo/Gitea or GitLab instances.
public struct Forge: Sendable, Equatable, Codable {
    /// The name used in config (`forges = [...]`) and as the git remote name.
    public var name: String
    public var kind: ForgeKind
    /// Host name for ssh and, unless `webURL` says otherwise, https.
    public var host: String
    public var sshPort: Int
    public var sshUser: String
    /// Base of https clone URLs and web pages, without a trailing slash.
    public var webURL: String
    /// Base URL of the REST API.
    public var apiURL: String

    public init(name: String, kind: ForgeKind, host: String, sshPort: Int = 22, sshUser: String = "git",
                webURL: String? = nil, apiURL: String? = nil) {
        self.name = name
        self.kind = kind
        self.host = host
        self.sshPort = sshPort
        self.sshUser = sshUser
        let web = webURL.map(Forge.trimmedURL) ?? "https://\(host)"
        self.webURL = web
        self.apiURL = apiURL ?? Forge.defaultAPI(kind: kind, host: host, webURL: web)
    }

    /// A base URL as stored: without a trailing slash.
    public static func trimmedURL(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Whether git talks to this forge over plain, unencrypted http (only
    /// when the user's own config says so, with `web_url = "http://..."`).
    public var isPlainHTTP: Bool { webURL.lowercased().hasPrefix("http://") }

    static func defaultAPI(kind: ForgeKind, host: String, webURL: String) -> String {
        switch kind {
        case .github: return host == "github.com" ? "https://api.github.com" : webURL + "/api/v3"
        case .forgejo, .gitea: return webURL + "/api/v1"
        case .gitlab: return webURL + "/api/v4"
        }
    }

    public static let github = Forge(name: "github", kind: .github, host: "github.com")
    public static let codeberg = Forge(name: "codeberg", kind: .forgejo, host: "codeberg.org")
    public static let gitlab = Forge(name: "gitlab", kind: .gitlab, host: "gitlab.com")
    public static let builtIn: [Forge] = [.github, .codeberg, .gitlab]

    /// The remote URL for `org/repo` on this forge (seed §4's patterns; an ssh
    /// port other than 22 needs the `ssh://` form).
    public func remoteURL(org: String, repo: String, protocol proto: GitProtocol) -> String {
        switch proto {
        case .ssh:
            if sshPort == 22 { return "\(sshUser)@\(host):\(org)/\(repo).git" }
            return "ssh://\(sshUser)@\(host):\(sshPort)/\(org)/\(repo).git"
        case .https:
            return "\(webURL)/\(org)/\(repo).git"
        }
    }

    /// The URL that git's credential configuration is keyed by (`credential.<url>.*`).
    public var credentialURL: String { webURL }

    /// Whether a parsed remote URL points at this forge.
    public func matches(_ url: RemoteURL) -> Bool {
        switch url.scheme {
        case .ssh:
            return url.host.lowercased() == host.lowercased() && (url.port ?? 22) == sshPort
        case .https, .http:
            // The scheme too: a token for an https forge never goes over http.
            guard let web = RemoteURL.parse(webURL + "/x/y") else { return false }
            return url.scheme == web.scheme && url.host.lowercased() == web.host.lowercased() && url.effectivePort == web.effectivePort
        case .file:
            return false
        }
    }
}
