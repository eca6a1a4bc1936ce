
/// A git remote URL taken apart: scp-like (`git@host:org/repo.git`),
/// `ssh://`, `https://`, `http://` and local paths.
public struct RemoteURL: Sendable, Equatable {
    public enum Scheme: String, Sendable { case ssh, https, http, file }

    public var scheme: Scheme
    public var user: String?
    public var host: String
    public var port: Int?
    /// The path without leading slashes, e.g. `alice/my-tool.git`.
    public var path: String

    public var effectivePort: Int {
        if let port { return port }
        switch scheme {
        case .ssh: return 22
        case .https: return 443
        case .http: return 80
        case .file: return 0
        }
    }

    /// Owner and repository name (`group/sub` and `repo` for `group/sub/repo.git`).
    public var ownerAndName: (owner: String, name: String)? {
        var p = path
        while p.hasSuffix("/") { p.removeLast() }
        if p.hasSuffix(".git") { p.removeLast(4) }
        // Slicing, not split + joined: this runs on the credential helper's
        // fast path, where the generic joined(separator:) alone cost a tenth.
        guard let slash = p.lastIndex(of: "/") else { return nil }
        let owner = p[..<slash], name = p[p.index(after: slash)...]
        guard !owner.isEmpty, !name.isEmpty, !owner.hasPrefix("/"), !owner.hasSuffix("/"), !owner.contains("//") else { return nil }
        return (String(owner), String(name))
    }

    public static func parse(_ raw: String) -> RemoteURL? {
        let s = raw.trimmed()
        if s.isEmpty { return nil }
        if let range = s.firstRange(of: "://") {
            let schemeText = s[..<range.lowerBound].lowercased()
            let scheme: Scheme
            switch schemeText {
            case "ssh", "git+ssh", "ssh+git": scheme = .ssh
            case "https": scheme = .https
            case "http": scheme = .http
            case "file": scheme = .file
            default: return nil
            }
            var rest = s[range.upperBound...]
            if scheme == .file {
                return RemoteURL(scheme: .file, user: nil, host: "", port: nil, path: String(rest.drop(while: { $0 == "/" })))
            }
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            rest = rest[authorityEnd...]
            var user: String?
            if let at = authority.lastIndex(of: "@") {
                var u = String(authority[..<at])
                if let colon = u.firstIndex(of: ":") { u = String(u[..<colon]) } // never keep a password
                user = u
                authority = authority[authority.index(after: at)...]
            }
            var host = String(authority)
            var port: Int?
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return nil }
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") { port = Int(after.dropFirst()); if port == nil { return nil } }
                host = String(host[host.index(after: host.startIndex)..<close])
            } else if let colon = host.lastIndex(of: ":") {
                let portText = host[host.index(after: colon)...]
                if !portText.isEmpty { guard let p = Int(portText) else { return nil }; port = p }
                host = String(host[..<colon])
            }
            guard !host.isEmpty else { return nil }
            // A port is a TCP port (`Int("-5")` and `Int("99999")` parse too).
            if let port, !NumberRange.port.contains(port) { return nil }
            var path = String(rest.drop(while: { $0 == "/" }))
            if scheme == .ssh, path.hasPrefix("~") { path = String(path.dropFirst().drop(while: { $0 == "/" })) }
            return RemoteURL(scheme: scheme, user: user, host: host, port: port, path: path)
        }
        // scp-like: [user@]host:path, where host contains no slash.
        if let colon = s.firstIndex(of: ":") {
            let before = s[..<colon]
            if !before.contains("/") && !before.isEmpty {
                var user: String?
                var host = String(before)
                if let at = host.lastIndex(of: "@") {
                    user = String(host[..<at])
                    host = String(host[host.index(after: at)...])
                }
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                guard !host.isEmpty else { return nil }
                let path = String(s[s.index(after: colon)...].drop(while: { $0 == "/" }))
                return RemoteURL(scheme: .ssh, user: user, host: host, port: nil, path: path)
            }
        }
        return RemoteURL(scheme: .file, user: nil, host: "", port: nil, path: s)
    }
}


extension RemoteURL {
    /// `raw` fit for printing: the credentials an http(s) URL may carry
    /// (`https://user:TOKEN@host/...`, or a token as the user name) become
    /// `***`. ssh user names (`git@host:...`) are kept.
    public static func redacted(_ raw: String) -> String {
        guard let schemeEnd = raw.firstRange(of: "://") else { return raw }
        let scheme = raw[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return raw }
        let rest = raw[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return raw }
        let userinfo = rest[..<at]
        let kept = userinfo.firstIndex(of: ":").map { String(userinfo[..<$0]) + ":***" } ?? "***"
        return String(raw[..<schemeEnd.upperBound]) + kept + String(rest[at...])
    }
}

extension RemoteURL {
    /// `text` (e.g. git's error output) with the credentials of every
    /// http(s) URL in it replaced by `***`, as `redacted` does for one URL.
    public static func redactedText(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let r = rest.firstRange(of: "://") {
            let before = rest[..<r.lowerBound]
            let schemeStart = before.lastIndex(where: { !($0.isLetter) }).map { before.index(after: $0) } ?? before.startIndex
            out += rest[..<schemeStart]
            let afterScheme = rest[r.upperBound...]
            let end = afterScheme.firstIndex(where: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "'" || $0 == "\"" }) ?? afterScheme.endIndex
            out += redacted(String(rest[schemeStart..<end]))
            rest = rest[end...]
        }
        return out + rest
    }
}

extension RemoteURL {
    /// A credential carried in an http(s) URL's userinfo
    /// (`https://alice:TOKEN@host/...`, `https://oauth2:TOKEN@host/...`, or a
    /// token as the user name, `https://ghp_...@github.com/...`).
    public struct EmbeddedCredential: Sendable, Equatable {
        /// The user name the URL gave with a password, if any.
        public var user: String?
        public var secret: String
    }

    /// The credential `raw` carries, percent-decoded; nil when it carries
    /// none (a plain user name such as `alice@` is not a credential).
    public static func embeddedCredential(in raw: String) -> EmbeddedCredential? {
        guard let schemeEnd = raw.firstRange(of: "://") else { return nil }
        let scheme = raw[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let rest = raw[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        let userinfo = rest[..<at]
        if let colon = userinfo.firstIndex(of: ":") {
            let user = String(userinfo[..<colon]), secret = String(userinfo[userinfo.index(after: colon)...])
            guard let decoded = secret.percentDecoded, !decoded.isEmpty else { return nil }
            let name = user.percentDecoded ?? user
            return EmbeddedCredential(user: name.isEmpty ? nil : name, secret: decoded)
        }
        let only = String(userinfo).percentDecoded ?? String(userinfo)
        return looksLikeToken(only) ? EmbeddedCredential(user: nil, secret: only) : nil
    }

    /// Whether a user name alone is a forge token: the documented prefixes of
    /// GitHub's and GitLab's tokens, or Gitea/Forgejo's 40 hexadecimal digits.
    static func looksLikeToken(_ s: String) -> Bool {
        let prefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gloas-", "glptt-", "gldt-"]
        if prefixes.contains(where: { s.hasPrefix($0) }) { return true }
        return s.utf8.count == 40 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
