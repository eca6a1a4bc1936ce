import Foundation
import HyperforgeCore
import Testing

/// A stand-in forge REST API (Tests/Fixtures/forge-standin/forge_standin.py)
/// of one personality, on loopback: it checks every request against the
/// forge's API description copied into Tests/Fixtures/forge-apis/ and
/// records it. `violations` must be empty at the end of a test
/// (`expectDescribedRequestsOnly()`).
final class ForgeStandIn: @unchecked Sendable {
    enum Personality: String, CaseIterable, Sendable {
        case github, gitea, forgejo, gitlab

        var kind: ForgeKind {
            switch self {
            case .github: return .github
            case .gitea: return .gitea
            case .forgejo: return .forgejo
            case .gitlab: return .gitlab
            }
        }
        /// GHES's base for github (a custom GitHub forge's api_url default is HOST/api/v3).
        var basePath: String {
            switch self {
            case .github: return "/api/v3"
            case .gitea, .forgejo: return "/api/v1"
            case .gitlab: return "/api/v4"
            }
        }
    }

    struct Token {
        var value: String
        /// What the log records instead of the token.
        var label: String
        var user: String
        /// Orgs/groups (and the user) it may see and change.
        var owners: [String]
    }

    struct Repo {
        var owner: String
        var name: String
        var isPrivate = false
        var archived = false
        var fork = false
        var description = ""
        var defaultBranch = "main"
        var cloneURL: String?
        var sshURL: String?
    }

    /// One recorded request.
    struct Request: CustomStringConvertible {
        var method: String
        var path: String
        var query: String
        var token: String?
        var status: String
        var violation: String?
        var body: [String: Any]?
        var operation: String?
        /// Whether it carried If-None-Match.
        var conditional = false

        var isMutating: Bool { method != "GET" && method != "HEAD" }
        var description: String { "\(method) \(path)\(query.isEmpty ? "" : "?" + query) -> \(status) [\(token ?? "-")]" + (violation.map { " VIOLATION: \($0)" } ?? "") }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Fixtures"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") }

    let personality: Personality
    let port: Int
    let root: String
    let log: String
    let faultsFile: String
    let scheme: String
    private let pid: pid_t

    init(_ personality: Personality, in env: TestEnvironment, tokens: [Token], orgs: [String] = [], users: [String] = [],
         repos: [Repo] = [], maxPageSize: Int? = nil, tls: (cert: String, key: String)? = nil, cloneURLTemplate: String? = nil,
         generate: (owner: String, count: Int)? = nil, settingsAPI: Bool = true, gitRoot: String? = nil) throws {
        self.personality = personality
        root = env.root + "/standin-\(personality.rawValue)-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        log = root + "/requests.log"
        faultsFile = root + "/faults.json"
        scheme = tls == nil ? "http" : "https"
        var config: [String: Any] = [
            "personality": personality.rawValue, "base_path": personality.basePath, "port_file": root + "/port",
            "log": log, "faults": faultsFile, "specs": ForgeStandIn.fixtures + "/forge-apis",
            "tokens": Dictionary(uniqueKeysWithValues: tokens.map { ($0.value, ["label": $0.label, "user": $0.user, "owners": $0.owners] as [String: Any]) }),
            "orgs": orgs, "users": users,
            "repos": repos.map { r -> [String: Any] in
                var d: [String: Any] = ["owner": r.owner, "name": r.name, "private": r.isPrivate, "archived": r.archived, "fork": r.fork,
                                        "description": r.description, "default_branch": r.defaultBranch]
                if let c = r.cloneURL { d["clone_url"] = c }
                if let s = r.sshURL { d["ssh_url"] = s }
                return d
            },
        ]
        if let maxPageSize { config["max_page_size"] = maxPageSize }
        if let tls { config["tls_cert"] = tls.cert; config["tls_key"] = tls.key }
        if let cloneURLTemplate { config["clone_url_template"] = cloneURLTemplate }
        if let generate { config["generate"] = ["owner": generate.owner, "count": generate.count] }
        if !settingsAPI { config["settings_api"] = false }
        // Repositories served over smart HTTP from gitRoot/OWNER/NAME.git: real heads, real merges.
        if let gitRoot { config["git_root"] = gitRoot }
        let configPath = root + "/config.json"
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        _ = FileManager.default.createFile(atPath: log, contents: Data())
        pid = try Spawn.start(["/usr/bin/python3", ForgeStandIn.fixtures + "/forge-standin/forge_standin.py", configPath],
                              environment: env.environment, logFile: root + "/stderr")
        let found = Spawn.port(in: root + "/port", of: pid)
        guard let found else {
            let err = (try? String(contentsOfFile: root + "/stderr", encoding: .utf8)) ?? ""
            throw SSHServerError.setup("forge stand-in (\(personality)) did not start: \(err)")
        }
        port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }

    var host: String { "127.0.0.1:\(port)" }
    var webURL: String { "\(scheme)://127.0.0.1:\(port)" }
    var apiURL: String { webURL + personality.basePath }

    /// The forge as a custom forge of the stand-in's kind.
    func forge(named name: String) -> Forge {
        Forge(name: name, kind: personality.kind, host: "127.0.0.1", webURL: webURL, apiURL: apiURL)
    }

    /// `[custom_forges.NAME]` for the test's auth.toml; `gitURL`: where its git repositories are served (SmartHTTPServer.baseURL).
    func customForgeTOML(named name: String, gitURL: String? = nil) -> String {
        """
        [custom_forges.\(name)]
        kind = "\(personality.kind.rawValue)"
        host = "127.0.0.1"
        web_url = "\(gitURL ?? webURL)"
        api_url = "\(apiURL)"

        """
    }

    /// Every request so far.
    var requests: [Request] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let status: String = (o["status"] as? Int).map(String.init) ?? (o["status"] as? String) ?? "?"
            return Request(method: o["method"] as? String ?? "", path: o["path"] as? String ?? "", query: o["query"] as? String ?? "",
                           token: o["token"] as? String, status: status, violation: o["violation"] as? String,
                           body: o["body"] as? [String: Any], operation: o["operation"] as? String,
                           conditional: o["conditional"] as? Bool ?? false)
        }
    }

    var violations: [Request] { requests.filter { $0.violation != nil } }

    func expectDescribedRequestsOnly(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let v = violations
        #expect(v.isEmpty, "requests the \(personality) API description does not describe:\n\(v.map(\.description).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }

    /// A fault rule: the first `times` requests whose method and path (below
    /// the API base) start with `match` get it.
    struct Fault {
        var match: String
        var times = 1
        var status: Int?
        var headers: [String: String] = [:]
        var body: Any?
        var delay: Double?
        /// x-ratelimit-reset this many seconds from the answer.
        var resetIn: Double?
        /// Do the request, then close the connection without an answer.
        var drop = false
    }

    func setFaults(_ faults: [Fault]) throws {
        let rules: [[String: Any]] = faults.map { f in
            var d: [String: Any] = ["match": f.match, "times": f.times, "headers": f.headers, "drop": f.drop]
            if let s = f.status { d["status"] = s }
            if let b = f.body { d["body"] = b }
            if let delay = f.delay { d["delay"] = delay }
            if let r = f.resetIn { d["reset_in"] = r }
            return d
        }
        let tmp = faultsFile + ".tmp"
        try JSONSerialization.data(withJSONObject: rules).write(to: URL(fileURLWithPath: tmp))
        _ = rename(tmp, faultsFile)
    }
}

/// Tokens from a fixed table, for tests of the client layer alone (the
/// broker-backed source has its own end-to-end test). Records every scope asked for.
final class TableTokens: ForgeTokenSource, @unchecked Sendable {
    let table: [String: String]
    private let lock = NSLock()
    private var asked: [String] = []

    init(_ table: [String: String]) { self.table = table }

    var scopesAsked: [String] { lock.lock(); defer { lock.unlock() }; return asked }

    func token(for scope: ForgeTokenScope) async throws -> String {
        lock.withLock { asked.append(scope.path) }
        guard let t = table[scope.path] else { throw TableTokensError(scope: scope.path) }
        return t
    }

    struct TableTokensError: Error { var scope: String }
}

/// Collects notices and request records from a client.
final class ClientLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _notices: [String] = []
    private var _records: [ForgeRequestRecord] = []

    var notices: [String] { lock.lock(); defer { lock.unlock() }; return _notices }
    var records: [ForgeRequestRecord] { lock.lock(); defer { lock.unlock() }; return _records }

    func options(dryRun: Bool = false, cache: String? = nil, environment: [String: String] = [:], attempts: Int = 4) -> ForgeClientOptions {
        ForgeClientOptions(dryRun: dryRun, onRequest: { r in self.lock.lock(); self._records.append(r); self.lock.unlock() },
                           notice: { n in self.lock.lock(); self._notices.append(n); self.lock.unlock() },
                           cacheDirectory: cache, timeout: 20, attempts: attempts, longestWait: 30, backoff: 0.05, environment: environment)
    }
}
