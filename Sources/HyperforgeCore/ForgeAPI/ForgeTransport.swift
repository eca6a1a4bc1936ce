import FoundationEssentials
import Glibc

/// The requests of one forge client: authentication by the forge's kind,
/// dry runs, bounded retries of idempotent requests, rate-limit waits,
/// conditional GETs, pages, and errors that name the request.
final class ForgeTransport: Sendable {
    let forge: Forge
    let tokens: any ForgeTokenSource
    let options: ForgeClientOptions
    /// The API base without a trailing slash.
    let base: String
    let cache: ETagCache?

    init(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) {
        self.forge = forge
        self.tokens = tokens
        self.options = options
        var b = forge.apiURL
        while b.hasSuffix("/") { b.removeLast() }
        base = b
        cache = options.cacheDirectory.map { ETagCache(directory: $0) }
    }

    /// An answer: status, headers, body.
    struct Reply: Sendable {
        var response: HTTP.Response
        var url: String
        var status: Int { response.status }
        func json() -> JSONValue? { response.json() }
    }

    static func isMutating(_ method: String) -> Bool { method != "GET" && method != "HEAD" }

    /// In a dry run, the record of a mutating request that is not sent (also
    /// given to `onRequest`); nil when the request is to be sent.
    func plan(_ method: String, _ path: String) -> ForgeRequestRecord? {
        guard options.dryRun, ForgeTransport.isMutating(method) else { return nil }
        let record = ForgeRequestRecord(forge: forge.name, method: method, url: base + path, mutating: true, sent: false)
        options.onRequest?(record)
        return record
    }

    /// The headers for `token` (never logged, never in a URL or argv).
    func authHeaders(_ token: String) throws(ForgeAPIError) -> [String] {
        // By scalars: "\r\n" is a single Character, unequal to "\r" and to "\n".
        if token.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw ForgeAPIError(.scopeRefused, forge: forge.name, detail: "the token contains a line break or NUL, which no HTTP header can carry; nothing was sent",
                                hint: "store the token again on one line with 'git scope set'")
        }
        var h = ["User-Agent: hyperforge/\(HyperforgeVersion.current)"]
        switch forge.kind {
        case .github:
            h += ["Authorization: Bearer \(token)", "Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28"]
        case .gitea, .forgejo:
            // Forgejo accepts exactly "token" (lowercase) or Bearer; Gitea both.
            h += ["Authorization: token \(token)", "Accept: application/json"]
        case .gitlab:
            h += ["PRIVATE-TOKEN: \(token)", "Accept: application/json"]
        }
        return h
    }

    /// Whether `url` lies under this forge's API base (scheme, host, port and path prefix):
    /// the only place its tokens go.
    func isOnAPI(_ url: String) -> Bool {
        guard let a = URLParts(url), let b = URLParts(base) else { return false }
        // curl resolves dot segments (`/api/v3/../../x` is `/x`), percent-encoded
        // ones too: a path with any is not on the API, whatever its prefix says.
        let segments = a.path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: { s in
            let lowered = s.lowercased()
            return [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."].contains(lowered)
        }) || a.path.contains("\\") { return false }
        return a.scheme == b.scheme && a.host == b.host && a.port == b.port
            && (a.path == b.path || a.path.hasPrefix(b.path.hasSuffix("/") ? b.path : b.path + "/"))
    }

    /// Sends one request (`path` below the base, with its query; or an absolute
    /// `url` on the API, for next-page links) with the token of `scope`.
    /// `idempotent` requests are retried on 502/503/504, resets and timeouts;
    /// others are not, and an unknown outcome is `.outcomeUnknown`.
    /// `conditional`: a GET answered from the ETag cache on 304.
    func send(_ method: String, _ path: String, url absolute: String? = nil, body: JSONValue? = nil,
              scope: ForgeTokenScope, idempotent: Bool? = nil, conditional: Bool = false) async throws -> Reply {
        let url = absolute ?? base + path
        let shown = absolute.map { String($0.dropFirst(base.count)) } ?? path
        guard isOnAPI(url) else {
            throw ForgeAPIError(.badResponse, forge: forge.name, method: method, path: shown,
                                detail: "the next request would go to \(url), outside the forge's API at \(base); no token is sent there",
                                hint: "check the forge's ROOT_URL / external URL settings, or api_url in your auth.toml")
        }
        let token = try await tokens.token(for: scope)
        var headers = try authHeaders(token)
        var data: Data?
        if let body {
            headers.append("Content-Type: application/json")
            data = Data(body.jsonText.utf8)
        }
        let cached = conditional && method == "GET" ? cache?.entry(forge: forge.name, scope: scope.path, url: url) : nil
        if let cached { headers.append("If-None-Match: \(cached.etag)") }
        let retriable = idempotent ?? !(method == "POST")
        let httpOptions = HTTP.Options.from(environment: options.environment, url: url)
        var attempt = 0
        var rateWaits = 0
        while true {
            attempt += 1
            let response: HTTP.Response
            do {
                response = try HTTP.request(method, url, headers: headers, body: data, timeout: options.timeout, options: httpOptions)
            } catch let failure as HTTP.Failure {
                options.onRequest?(ForgeRequestRecord(forge: forge.name, method: method, url: url, mutating: ForgeTransport.isMutating(method), sent: failure.sent))
                let reason = ForgeTransport.reason(failure)
                if failure.kind == .tls {
                    throw ForgeAPIError(.transport, forge: forge.name, method: method, path: shown, detail: reason,
                                        hint: "TLS is always verified: if the forge uses a private certificate authority, point CURL_CA_BUNDLE at its PEM file")
                }
                let safe = retriable || !failure.sent
                if safe && attempt < options.attempts && failure.kind != .other {
                    try await backOff(attempt, what: "\(reason) on \(method) \(shown)")
                    continue
                }
                if !safe {
                    throw ForgeAPIError(.outcomeUnknown, forge: forge.name, method: method, path: shown,
                                        detail: "\(reason) after the request was sent, so whether it took effect is unknown")
                }
                throw ForgeAPIError(.transport, forge: forge.name, method: method, path: shown,
                                    detail: reason + (attempt > 1 ? " (\(attempt) attempts)" : ""),
                                    hint: "check the network, the forge's api_url (\(base)) and the proxy variables (https_proxy, no_proxy)")
            }
            options.onRequest?(ForgeRequestRecord(forge: forge.name, method: method, url: url, mutating: ForgeTransport.isMutating(method), sent: true, status: response.status))
            let status = response.status
            if let wait = rateLimitWait(response, method: method) {
                rateWaits += 1
                let until = Date().addingTimeInterval(wait.seconds)
                if wait.seconds > options.longestWait || rateWaits > 5 {
                    throw ForgeAPIError(.rateLimited, forge: forge.name, method: method, path: shown, status: status,
                                        forgeMessage: ForgeErrorBody.message(response, kind: forge.kind),
                                        detail: "rate limited (\(wait.why)) until \(Timestamp.utc(until)) UTC",
                                        hint: "run the command again after \(Timestamp.utc(until)) UTC")
                }
                let shownWait = wait.seconds < 10 ? String(format1(wait.seconds)) : "\(Int(wait.seconds.rounded(.up)))"
                options.notice("forge '\(forge.name)': rate limited on \(method) \(shown) (\(wait.why)); waiting \(shownWait) s, until \(Timestamp.utc(until)) UTC")
                try await Task.sleep(nanoseconds: UInt64(wait.seconds * 1e9))
                continue
            }
            if [502, 503, 504].contains(status) {
                if retriable && attempt < options.attempts {
                    try await backOff(attempt, what: "HTTP \(status) on \(method) \(shown)")
                    continue
                }
                if !retriable {
                    throw ForgeAPIError(.outcomeUnknown, forge: forge.name, method: method, path: shown, status: status,
                                        forgeMessage: ForgeErrorBody.message(response, kind: forge.kind),
                                        detail: "a gateway error after the request was sent, so whether it took effect is unknown")
                }
            }
            if status == 304, let cached {
                return Reply(response: HTTP.Response(status: 200, body: Data(cached.body), headers: cached.headers), url: url)
            }
            if conditional, method == "GET", status == 200, let etag = response.header("ETag") {
                cache?.store(forge: forge.name, scope: scope.path, url: url, etag: etag, response: response)
            }
            return Reply(response: response, url: url)
        }
    }

    private func format1(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded(.up))
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Bounded exponential back-off with jitter before attempt `attempt + 1`.
    private func backOff(_ attempt: Int, what: String) async throws {
        let base = options.backoff * Double(1 << min(attempt - 1, 6))
        let seconds = min(base, 30) * (1 + Double.random(in: 0..<0.25))
        let until = Date().addingTimeInterval(seconds)
        options.notice("forge '\(forge.name)': \(what); retrying in \(format1(seconds)) s, at \(Timestamp.utc(until)) UTC (attempt \(attempt + 1) of \(options.attempts))")
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }

    struct Wait { var seconds: Double; var why: String }

    /// How long a rate-limited answer says to wait, nil when it is not one.
    /// GitHub: 403/429 with x-ratelimit-remaining 0 (until x-ratelimit-reset),
    /// or a secondary limit (Retry-After, else at least a minute, growing);
    /// GitLab: 429 with Retry-After or RateLimit-Reset; any 429: Retry-After.
    func rateLimitWait(_ r: HTTP.Response, method: String) -> Wait? {
        let status = r.status
        guard status == 429 || status == 403 else { return nil }
        let remaining = r.header("x-ratelimit-remaining")
        // A forge's (or anyone's on the way) numbers: finite and within a day,
        // or not a wait at all (a wait longer than the longest allowed is refused later).
        func seconds(_ text: String?) -> Double? {
            guard let text, let d = Double(text.trimmed()), d.isFinite else { return nil }
            return min(max(d, -1e12), 1e12)
        }
        let now = Date().timeIntervalSince1970
        // Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3); both bounded alike.
        let retryAfter = (seconds(r.header("Retry-After"))
            ?? r.header("Retry-After").flatMap { HTTPDate.epochSeconds($0.trimmed()) }.map { Double($0) - now })
            .map { min(max($0, 0), 86_400 * 365) }
        let secondary = status == 403 && (ForgeErrorBody.message(r, kind: forge.kind)?.lowercased().contains("secondary rate limit") ?? false)
        guard status == 429 || remaining == "0" || secondary || retryAfter != nil else { return nil }
        let jitter = Double.random(in: 0..<0.1)
        if let retryAfter { return Wait(seconds: retryAfter * (1 + jitter) + 0.05, why: "\(status), Retry-After \(Int(retryAfter.rounded(.up)))") }
        if remaining == "0", let reset = seconds(r.header("x-ratelimit-reset")) {
            return Wait(seconds: min(max(reset - now, 0), 86_400 * 365) + 1 + jitter, why: "\(status), x-ratelimit-remaining 0")
        }
        if let reset = seconds(r.header("RateLimit-Reset")) {
            return Wait(seconds: min(max(reset - now, 0), 86_400 * 365) + 1 + jitter, why: "\(status), RateLimit-Reset")
        }
        // GitHub's secondary limits without a Retry-After: "wait at least one minute".
        return Wait(seconds: 60 * (1 + jitter), why: secondary ? "\(status), secondary rate limit" : "\(status)")
    }

    static func reason(_ f: HTTP.Failure) -> String {
        switch f.kind {
        case .connect: return "cannot connect (\(f.reason))"
        case .timeout: return "no answer in time (\(f.reason))"
        case .reset: return "the connection broke (\(f.reason))"
        case .tls: return "TLS failed (\(f.reason))"
        case .other: return f.reason
        }
    }

    /// The error for an answer the caller did not expect.
    func failure(_ reply: Reply, _ method: String, _ path: String, scope: ForgeTokenScope, what: String, hint: String? = nil) -> ForgeAPIError {
        let status = reply.status
        let message = ForgeErrorBody.message(reply.response, kind: forge.kind)
        let kind: ForgeAPIError.Kind
        var defaultHint: String?
        switch status {
        case 401:
            kind = .unauthorized
            defaultHint = "the token of \(scope.path) was refused: store a valid one with 'git scope set \(scope.path)'"
        case 403:
            kind = .forbidden
            defaultHint = "the token of \(scope.path) may not do this: check its permissions on the forge"
        case 404:
            kind = .notFound
            defaultHint = forge.kind == .github
                ? "GitHub answers 404 also when the token of \(scope.path) may not see it (private orgs and repositories without access)"
                : "the forge answers 404 also when the token of \(scope.path) may not see it"
        case 405, 406, 409, 422: kind = .conflict
        default: kind = .http
        }
        return ForgeAPIError(kind, forge: forge.name, method: method, path: path, status: status, forgeMessage: message,
                             detail: what, hint: hint ?? defaultHint)
    }
}

/// scheme, lowercased host, port and path of a URL.
struct URLParts: Equatable {
    var scheme: String
    var host: String
    var port: Int
    var path: String

    init?(_ url: String) {
        guard let r = url.firstRange(of: "://") else { return nil }
        scheme = url[..<r.lowerBound].lowercased()
        let rest = url[r.upperBound...]
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<slash]
        if authority.contains("@") { return nil } // no userinfo in API URLs
        var p = String(rest[slash...])
        if let q = p.firstIndex(where: { $0 == "?" || $0 == "#" }) { p = String(p[..<q]) }
        path = p.isEmpty ? "/" : p
        var explicitPort: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let n = Int(authority[authority.index(after: colon)...]) else { return nil }
            explicitPort = n
            authority = authority[..<colon]
        }
        host = authority.lowercased()
        guard !host.isEmpty else { return nil }
        port = explicitPort ?? (scheme == "https" ? 443 : 80)
    }
}
