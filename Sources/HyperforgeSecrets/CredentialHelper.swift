import Glibc
import HyperforgeCore

/// A request in git's credential protocol (git-credential(1)): `key=value`
/// lines up to a blank line or the end of input.
public struct CredentialRequest: Sendable, Equatable {
    public var protocolName: String?
    public var host: String?
    public var path: String?
    public var username: String?
    public var password: String?

    /// The protocol's limits (git-credential(1) sets none; git's own
    /// requests are a few short lines): what git sends stays far below them,
    /// while a caller cannot make us hold or scan unbounded input.
    public enum Limits {
        /// Bytes of one request (the rest of stdin is read and dropped).
        public static let bytes = 1 << 20
        /// Bytes of one `key=value` line.
        public static let lineBytes = 65536
        /// `key=value` lines before the blank line that ends the request.
        public static let lines = 1000
    }

    public enum ParseError: HyperforgeError, Equatable {
        case nulByte
        case lineTooLong(line: Int)
        case inputTooLarge
        case tooManyLines
        case malformedLine(line: Int)
        case badURL

        public var exitStatus: ExitStatus { .usage }
        public var description: String {
            switch self {
            case .nulByte: return "the request (stdin) contains a NUL byte"
            case .lineTooLong(let l): return "line \(l) of the request (stdin) is longer than \(Limits.lineBytes) bytes, the limit for one line"
            case .inputTooLarge: return "the request (stdin) is larger than \(Limits.bytes >> 20) MiB, the limit for a request"
            case .tooManyLines: return "the request (stdin) has more than \(Limits.lines) lines before its blank line, the limit for a request"
            case .malformedLine(let l): return "line \(l) of the request (stdin) is not key=value"
            case .badURL: return "the request's url= cannot be parsed"
            }
        }
        public var hint: String? { "git-credential-hforge reads git's credential protocol (git-credential(1)); see 'man git-credential-hforge'" }
    }

    public init(protocolName: String? = nil, host: String? = nil, path: String? = nil, username: String? = nil, password: String? = nil) {
        self.protocolName = protocolName
        self.host = host
        self.path = path
        self.username = username
        self.password = password
    }

    public static func parse(_ data: [UInt8]) throws(ParseError) -> CredentialRequest {
        if data.count > Limits.bytes { throw .inputTooLarge }
        if data.contains(0) { throw .nulByte }
        var request = CredentialRequest()
        var lineNumber = 0
        // Line by line, as far as the blank line (never the whole input split up front).
        var start = data.startIndex
        while start <= data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            let raw = data[start..<end]
            start = end + 1
            lineNumber += 1
            if raw.count > Limits.lineBytes { throw .lineTooLong(line: lineNumber) }
            if lineNumber > Limits.lines && !(raw.isEmpty || raw == [0x0D]) { throw .tooManyLines }
            var line = String(decoding: raw, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { break }
            guard let eq = line.firstIndex(of: "=") else { throw .malformedLine(line: lineNumber) }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            switch key {
            case "protocol": request.protocolName = value
            case "host": request.host = value
            case "path": request.path = value.isEmpty ? nil : value
            case "username": request.username = value
            case "password": request.password = value
            case "url":
                // git's own rule: url= sets every field it contains.
                guard let schemeEnd = value.firstRange(of: "://") else { throw .badURL }
                request.protocolName = String(value[..<schemeEnd.lowerBound])
                var rest = value[schemeEnd.upperBound...]
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                var authority = rest[..<slash]
                rest = rest[slash...]
                if let at = authority.lastIndex(of: "@") {
                    let userinfo = authority[..<at]
                    if let colon = userinfo.firstIndex(of: ":") {
                        request.username = String(userinfo[..<colon]).percentDecoded
                        request.password = String(userinfo[userinfo.index(after: colon)...]).percentDecoded
                    } else {
                        request.username = String(userinfo).percentDecoded
                    }
                    authority = authority[authority.index(after: at)...]
                }
                request.host = String(authority)
                let p = String(rest.drop(while: { $0 == "/" }))
                request.path = p.isEmpty ? nil : p
            default:
                continue // unknown keys (capability[], wwwauth[], ...) are ignored
            }
        }
        return request
    }

    /// git's `credential_match`: every field set in `self` equals `other`'s.
    func matches(_ other: CredentialRequest) -> Bool {
        func check(_ a: String?, _ b: String?) -> Bool { a == nil || a == b }
        return check(protocolName, other.protocolName) && check(host, other.host) && check(path, other.path) && check(username, other.username)
    }
}

/// `git-credential-hforge get|store|erase`. For a forge host, the request is
/// mapped to the repository's scope, the scope's grant policy applies, and
/// the token comes from the provider the routing names. For other hosts it is
/// a plain storage helper keyed by protocol, host, path and username, like
/// `git credential-store`, keeping the passwords in the routed provider.
public struct CredentialHelper {
    let context: Context
    let broker: SecretBroker

    public init(context: Context) throws {
        self.context = context
        broker = try SecretBroker.load(context, compiledAuth: true)
    }

    /// Runs one operation on `input` and returns what to print on stdout.
    /// Problems are reported on stderr; git then goes on to its next helper.
    public static func run(operation: String, input: [UInt8], context: Context) async -> String {
        guard ["get", "store", "erase"].contains(operation) else { return "" } // unknown operations are ignored
        do {
            let request = try CredentialRequest.parse(input)
            guard request.host != nil, request.protocolName != nil else {
                context.output.stderr.line("git-credential-hforge: the request names no protocol or host; nothing to answer")
                return ""
            }
            let helper = try CredentialHelper(context: context)
            switch operation {
            case "get": return try await helper.get(request)
            case "store": try await helper.store(request); return ""
            default: try await helper.erase(request); return ""
            }
        } catch let e as any HyperforgeError {
            context.output.stderr.line("git-credential-hforge: \(e.description)")
            if let hint = e.hint { context.output.stderr.line("git-credential-hforge: \(hint)") }
            return ""
        } catch {
            context.output.stderr.line("git-credential-hforge: \(error)")
            return ""
        }
    }

    /// The forge `url` points at, among those whose hosts get tokens: the
    /// built-in ones, those of the user's auth.toml, and those of the
    /// untracked `defaults.toml` files the user owns above the repository git
    /// runs in. Never one a repository's committed config declares or
    /// redefines: such a host gets nothing from a scope (it is a plain
    /// credential host, like any other). The built-in and auth.toml forges
    /// come first, and no further file is read when one matches (this is on
    /// git's path for every request).
    func userForge(matching url: RemoteURL) throws -> Forge? {
        if let forge = broker.auth.forges.first(where: { $0.matches(url) }) { return forge }
        guard let root = FilePaths.enclosingGitEntry(from: context.workingDirectory)?.root else { return nil }
        let chain = try ConfigLoader.layers(repoRoot: root, environment: context.environment, includeRepoConfig: false)
        return ConfigLoader.mergedCustomForges(chain.layers).sorted(by: { $0.key < $1.key })
            .compactMap { $0.value.trust == .user ? $0.value.forge(named: $0.key) : nil }
            .first(where: { $0.matches(url) })
    }

    enum Target {
        case scope(Scope, Forge)
        case plain
    }

    func target(_ r: CredentialRequest) throws -> Target {
        guard let proto = r.protocolName, proto == "https" || proto == "http", let host = r.host,
              let url = RemoteURL.parse("\(proto)://\(host)/\(r.path ?? "")") else { return .plain }
        // Scheme, host and port must all be the forge's.
        guard let forge = try userForge(matching: url) else { return .plain }
        guard r.path != nil else { throw CredentialError.noPath(host: host, url: forge.credentialURL) }
        guard let scope = Scope.forRemote(url, forges: [forge]) else { throw CredentialError.noRepository(host: host, path: r.path ?? "") }
        return .scope(scope, forge)
    }

    /// Where git says the request goes (`https://host[:port]`), for messages and the rejected mark.
    static func origin(_ r: CredentialRequest) -> String {
        "\(r.protocolName ?? "")://\(r.host ?? "")"
    }

    /// How the warning that a token goes over plain http begins (`workspace`
    /// commands say it once per host and drop it from git's output).
    public static func plainHTTPWarningPrefix(_ forge: Forge) -> String {
        "git-credential-hforge: warning: forge '\(forge.name)' is plain http ("
    }

    static func defaultUsername(_ kind: ForgeKind) -> String {
        kind == .gitlab ? "oauth2" : "x-access-token"
    }

    func get(_ r: CredentialRequest) async throws -> String {
        switch try target(r) {
        case .scope(let scope, let forge):
            if forge.isPlainHTTP {
                context.output.stderr.line(CredentialHelper.plainHTTPWarningPrefix(forge) + "\(forge.webURL), as your config says): the token of \(scope.path) is sent unencrypted")
            }
            let secret = try await broker.secret(for: scope, requester: "git credential (pid \(getppid()))") { request, seconds in
                context.output.stderr.line("git-credential-hforge: \(request.scope) needs approval: waiting up to \(Int(seconds)) s for 'git scope approve \(request.id)'")
            }
            let broker = broker
            return try CredentialValue.answer(username: r.username ?? CredentialHelper.defaultUsername(forge.kind), password: secret,
                                              what: "scope \(scope.path) (provider '\((try? broker.provider(for: scope.path))?.config.name ?? "?")')",
                                              fix: "store it again on one line with 'git scope set \(scope.path)'")
        case .plain:
            let (provider, entries) = try await plainEntries(r)
            for (key, stored) in entries where r.matches(stored) {
                guard let password = try await provider.get(key) else { continue }
                return try CredentialValue.answer(username: stored.username ?? "", password: password,
                                                  what: "the stored credential for \(CredentialHelper.origin(r)) (provider '\(provider.config.name)', entry \(key))",
                                                  fix: "replace it: 'git credential reject' it, then let git store a new one")
            }
            return ""
        }
    }

    func store(_ r: CredentialRequest) async throws {
        guard let password = r.password else { return }
        switch try target(r) {
        case .scope(let scope, _):
            let provider = try broker.provider(for: scope.path)
            if provider.config.kind == .env { return } // read-only: git stores after every success
            // The forge accepted this token: a rejected mark no longer applies.
            _ = try broker.grants().clearRejection(scope.path)
            if try await provider.get(scope.path) == password { return }
            try await provider.set(scope.path, password)
        case .plain:
            guard r.username != nil else { return }
            // Replace what this exact credential replaces, as credential-store does.
            let (provider, entries) = try await plainEntries(r)
            let exact = CredentialRequest(protocolName: r.protocolName, host: r.host, path: r.path, username: r.username)
            for (key, stored) in entries where stored == exact { _ = try await provider.remove(key) }
            try await provider.set(PlainKey.encode(r), password)
        }
    }

    func erase(_ r: CredentialRequest) async throws {
        switch try target(r) {
        case .scope(let scope, _):
            // Never deleted: a server that answers 401 (or a git that was
            // pointed at the wrong one) must not be able to destroy a token.
            // The scope is marked rejected instead; `get` answers nothing
            // until `git scope set` or `git scope approve SCOPE` clears it.
            let provider = try broker.provider(for: scope.path)
            if provider.config.kind == .env { return } // read from the environment afresh each run
            let origin = CredentialHelper.origin(r)
            try broker.grants().reject(scope.path, host: origin, at: context.now())
            context.output.stderr.line("git-credential-hforge: \(origin) refused the token of \(scope.path): marked rejected (kept in provider '\(provider.config.name)', not handed out)")
            context.output.stderr.line("git-credential-hforge: store a new token with 'git scope set \(scope.path)', or keep the stored one with 'git scope approve \(scope.path)'")
        case .plain:
            let (provider, entries) = try await plainEntries(r)
            for (key, stored) in entries where r.matches(stored) { _ = try await provider.remove(key) }
        }
    }

    /// The stored plain credentials for the request's protocol and host.
    func plainEntries(_ r: CredentialRequest) async throws -> (any SecretProvider, [(String, CredentialRequest)]) {
        let provider = try broker.provider(for: PlainKey.prefix(r))
        let prefix = PlainKey.prefix(r)
        let keys = try await provider.list().filter { $0.hasPrefix(prefix) }
        return (provider, keys.compactMap { key in PlainKey.decode(key).map { (key, $0) } })
    }
}

/// Keys of plain (non-forge) credentials:
/// `credential/PROTOCOL/HOST/(-|+PATH)/USERNAME`, each part percent-encoded.
enum PlainKey {
    static func enc(_ s: String) -> String { FilePaths.percentEncoded(s) }

    static func prefix(_ r: CredentialRequest) -> String {
        "credential/\(enc(r.protocolName ?? ""))/\(enc(r.host ?? ""))/"
    }

    static func encode(_ r: CredentialRequest) -> String {
        prefix(r) + (r.path.map { "+" + enc($0) } ?? "-") + "/" + enc(r.username ?? "")
    }

    static func decode(_ key: String) -> CredentialRequest? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "credential" else { return nil }
        var r = CredentialRequest(protocolName: parts[1].percentDecoded, host: parts[2].percentDecoded,
                                  username: parts[4].percentDecoded)
        if parts[3].hasPrefix("+") { r.path = String(parts[3].dropFirst()).percentDecoded }
        else if parts[3] != "-" { return nil }
        return r
    }
}

/// git's credential protocol is one `key=value` per line: a value may not
/// contain a newline (or NUL), or it would inject lines of its own.
enum CredentialValue {
    /// The name of the first character in `value` that the protocol cannot carry.
    static func unsafeCharacter(_ value: String) -> String? {
        for u in value.unicodeScalars {
            switch u.value {
            case 0x0A: return "line feed (LF)"
            case 0x0D: return "carriage return (CR)"
            case 0x00: return "NUL byte"
            default: continue
            }
        }
        return nil
    }

    /// The answer to a `get`, refused when a value cannot be carried.
    static func answer(username: String, password: String, what: @autoclosure () -> String, fix: String) throws(CredentialError) -> String {
        for (field, value) in [("username", username), ("password", password)] {
            if let bad = unsafeCharacter(value) { throw .unsafeValue(what: what(), field: field, character: bad, fix: fix) }
        }
        return "username=\(username)\npassword=\(password)\n"
    }
}

public enum CredentialError: HyperforgeError, Equatable {
    case noPath(host: String, url: String)
    case noRepository(host: String, path: String)
    /// A value that would break git's credential protocol; nothing is answered.
    case unsafeValue(what: String, field: String, character: String, fix: String)

    public var exitStatus: ExitStatus { .refused }
    public var description: String {
        switch self {
        case .noPath(let host, _): return "git sent no repository path for \(host), so no scope can be chosen"
        case .noRepository(let host, let path): return "\(host)/\(path) does not name a repository (org/name)"
        case .unsafeValue(let what, let field, let character, _):
            return "the \(field) of \(what) contains a \(character), which git's credential protocol cannot carry (a value is one line); nothing was answered"
        }
    }
    public var hint: String? {
        switch self {
        case .noPath(_, let url): return "run 'git config credential.\(url).useHttpPath true' ('git hforge init' sets it)"
        case .unsafeValue(_, _, _, let fix): return fix
        default: return nil
        }
    }
}
