/// All pages of a list, by each forge's scheme: GitHub's `Link` (rel="next");
/// Gitea/Forgejo's `page`/`limit` with a comma-joined `Link` and
/// `X-Total-Count` (review and comment lists set only the count); GitLab's
/// `Link` (offset or keyset) or `x-next-page`.
extension ForgeTransport {
    /// The most pages one listing follows (5,000 repositories are 50 of GitHub's, 100 of Gitea's).
    static let pageLimit = 10_000

    /// Calls `visit` with each page's items, in order. `path` carries the
    /// first page's query (page size included).
    func eachPage(_ path: String, scope: ForgeTokenScope, what: String, hint: String? = nil,
                  _ visit: ([JSONValue]) throws -> Void) async throws {
        var url = base + path
        var page = 1
        var seen = 0
        for _ in 0..<ForgeTransport.pageLimit {
            let shown = String(url.dropFirst(base.count))
            // Each page is conditional on its own URL's ETag: a page the forge
            // says is unchanged (304) is the cached one (and costs GitHub no rate limit).
            let reply = try await send("GET", shown, url: url, scope: scope, conditional: true)
            guard reply.status == 200 else { throw failure(reply, "GET", shown, scope: scope, what: what, hint: hint) }
            guard case .array(let items)? = reply.json() else {
                throw ForgeAPIError(.badResponse, forge: forge.name, method: "GET", path: shown, status: 200,
                                    detail: "\(what): the answer is not a JSON array")
            }
            try visit(items)
            seen += items.count
            var next = ForgeTransport.linkTarget(reply.response.headerValues("Link"), rel: "next")
            if next == nil, !items.isEmpty {
                switch forge.kind {
                case .gitea, .forgejo:
                    if let total = reply.response.header("X-Total-Count").flatMap({ Int($0.trimmed()) }), seen < total {
                        next = ForgeTransport.replacingQuery(url, "page", "\(page + 1)")
                    }
                case .gitlab:
                    if let n = reply.response.header("x-next-page")?.trimmed(), !n.isEmpty, Int(n) != nil {
                        next = ForgeTransport.replacingQuery(url, "page", n)
                    }
                case .github: break
                }
            }
            // Keyset lists end with an empty page and no Link.
            guard let next, !items.isEmpty else { return }
            url = next
            page += 1
        }
        throw ForgeAPIError(.badResponse, forge: forge.name, method: "GET", path: path,
                            detail: "\(what): more than \(ForgeTransport.pageLimit) pages; stopped")
    }

    /// The URL of the `Link` entry with `rel`: entries `<url>; rel="x"; ...`
    /// joined by "," (with or without a space, possibly in several headers).
    static func linkTarget(_ values: [String], rel wanted: String) -> String? {
        for value in values {
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "<") {
                guard let close = rest[open...].firstIndex(of: ">") else { break }
                let target = String(rest[rest.index(after: open)..<close])
                rest = rest[rest.index(after: close)...]
                let end = rest.firstIndex(of: "<") ?? rest.endIndex
                let params = rest[..<end]
                for p in params.split(separator: ";") {
                    let kv = p.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, String(kv[0]).trimmed().lowercased() == "rel" else { continue }
                    var v = String(kv[1]).trimmed()
                    while v.hasSuffix(",") { v.removeLast(); v = v.trimmed() }
                    if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                    if v.split(separator: " ").contains(Substring(wanted)) { return target }
                }
                rest = rest[end...]
            }
        }
        return nil
    }

    /// `url` with query parameter `name` set to `value` (added when absent).
    static func replacingQuery(_ url: String, _ name: String, _ value: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url + "?\(name)=\(value)" }
        var parts = url[url.index(after: q)...].split(separator: "&").map(String.init)
        if let i = parts.firstIndex(where: { $0.hasPrefix(name + "=") }) { parts[i] = "\(name)=\(value)" } else { parts.append("\(name)=\(value)") }
        return String(url[..<q]) + "?" + parts.joined(separator: "&")
    }
}

/// Reading the forges' JSON.
extension JSONValue {
    var int: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d) where d == d.rounded(): return Int64(exactly: d)
        default: return nil
        }
    }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var isNull: Bool { if case .null = self { return true }; return false }
    /// A string, nil for null or anything else.
    var text: String? { stringValue }
}

/// Path segments and query values, percent-encoded (RFC 3986 unreserved kept).
enum URLText {
    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    /// `owner/name` with each segment encoded and the slashes kept (GitHub, Gitea paths).
    static func path(_ owner: String, _ name: String) -> String {
        owner.split(separator: "/").map { encode(String($0)) }.joined(separator: "/") + "/" + encode(name)
    }
}
