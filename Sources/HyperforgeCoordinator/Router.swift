import Dispatch
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeRealm
import HyperforgeSecrets

/// The HTTP API (RFC "Daemon API"), JSON in and out:
///
///     GET    /health
///     GET    /realms                      PUT /realms/{name}  (register: url, local_path)
///     GET    /realms/{name}               POST /realms/{name}/sync
///     GET    /sessions[?realm=&repo=]     POST /sessions      DELETE /sessions/{id}
///     GET    /members                     (member repositories and their background fetches)
///     GET    /notifications[?realm=&repo=&all=1]
///     POST   /notifications               POST /notifications/{id}/ack  (repo)
///
/// Errors are `{"error": "..."}` with 400 (bad JSON or fields), 401 (TCP
/// without the token), 404, 405, 503 (stopping); the server itself answers
/// 408, 411, 413, 414, 431, 501 and 503 (too many connections), see `HTTPLimits`.
struct Router: HTTPHandler {
    let store: CoordinatorStore
    let state: CoordinatorState
    let paths: CoordinatorPaths
    let environment: [String: String]
    /// Required on TCP (`Authorization: Bearer TOKEN`); nil on the Unix socket.
    let token: String?
    let log: CoordinatorLog
    let fetcher: BackgroundFetcher

    struct Failure: Error { let status: Int; let message: String }

    static let draining = HTTPResponse.error(503, "the coordinator is stopping; the next tool starts a new one")

    /// Before any byte of the body: the token (TCP), then whether we are stopping.
    func screen(_ head: HTTPRequest) -> HTTPResponse? {
        if let token {
            let sent = head.header("authorization") ?? ""
            guard Router.constantTimeEqual(Array(sent.utf8), Array("Bearer \(token)".utf8)) else {
                return .error(401, "a token is required: Authorization: Bearer <contents of \(paths.token)>")
            }
        }
        if state.isDraining { return Router.draining }
        return nil
    }

    /// Equal or not, in a time that depends only on the lengths (the token's is fixed).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<b.count { difference |= (i < a.count ? a[i] : 0) ^ b[i] }
        return difference == 0
    }

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        if state.isDraining { return Router.draining }
        // The background fetch's own requests are not activity (BackgroundFetcher).
        let activity = request.header(CoordinatorClient.backgroundHeader.lowercased()) != "1"
        state.begin(activity: activity)
        defer { state.end(activity: activity) }
        do {
            return try await route(request)
        } catch let f as Failure {
            return .error(f.status, f.message)
        } catch {
            log.write("\(request.method) \(request.path): \(error)")
            return .error(500, "\(error)")
        }
    }

    func body(_ request: HTTPRequest) throws -> [String: JSONValue] {
        let data = request.body
        if data.isEmpty { return [:] }
        do {
            guard case .object(let o) = try JSONParser.parse(data, file: "request body") else {
                throw Failure(status: 400, message: "the body must be a JSON object")
            }
            return o
        } catch let e as JSONSyntaxError {
            throw Failure(status: 400, message: "the body is not JSON: \(e.reason) at line \(e.line), column \(e.column)")
        }
    }

    func string(_ o: [String: JSONValue], _ key: String, required: Bool = true) throws -> String? {
        switch o[key] {
        case .string(let s)? where !s.isEmpty: return s
        case nil, .null?: if required { throw Failure(status: 400, message: "'\(key)' is required") }; return nil
        default: throw Failure(status: 400, message: "'\(key)' must be a non-empty string")
        }
    }

    func query(_ request: HTTPRequest, _ name: String) -> String? {
        request.query.first { $0.name == name }?.value
    }

    func route(_ request: HTTPRequest) async throws -> HTTPResponse {
        let method = request.method
        let parts = request.path.split(separator: "/").map { $0.percentDecoded ?? String($0) }
        func allow(_ methods: String...) throws {
            if !methods.contains(method) {
                throw Failure(status: 405, message: "\(method) is not allowed on \(request.path) (allowed: \(methods.joined(separator: ", ")))")
            }
        }
        switch parts.count {
        case 1 where parts[0] == "health":
            try allow("GET")
            return .json(200, .object([
                "status": .string("ok"), "pid": .integer(Int64(getpid())), "version": .string(HyperforgeVersion.current),
                "started_at": .string(Timestamp.utc(state.startedAt)),
                "sessions": .integer(Int64(try store.sessionCount())), "idle_timeout": .number(state.idleTimeout),
                "state_directory": .string(paths.stateDirectory), "socket": .string(paths.socket),
            ]))

        case 1 where parts[0] == "realms":
            try allow("GET")
            return .json(200, .object(["realms": .array(try store.realms())]))
        case 2 where parts[0] == "realms":
            try allow("GET", "PUT")
            if method == "PUT" {
                let b = try body(request)
                let localPath = try string(b, "local_path")!
                try store.upsertRealm(name: parts[1], url: try string(b, "url")!, localPath: localPath)
                try store.addMember(realm: parts[1], path: localPath)
            }
            guard let realm = try store.realm(parts[1]) else { throw Failure(status: 404, message: "no realm \(parts[1]) is known here") }
            return .json(200, try details(realm, name: parts[1]))
        case 3 where parts[0] == "realms" && parts[2] == "sync":
            try allow("POST")
            guard let realm = try store.realm(parts[1]), case .string(let path)? = realm["local_path"] else {
                throw Failure(status: 404, message: "no realm \(parts[1]) is known here")
            }
            let result = try await sync(path)
            guard result.exitCode == 0 else {
                throw Failure(status: 502, message: "fetching realm \(parts[1]) failed: \(RemoteURL.redactedText(result.stderr).trimmedLines())")
            }
            try store.markSynced(parts[1])
            return .json(200, .object(["realm": .string(parts[1]), "result": .string(result.stdout.trimmedLines())]))

        case 1 where parts[0] == "members":
            try allow("GET")
            return .json(200, fetcher.report())

        case 1 where parts[0] == "sessions":
            try allow("GET", "POST")
            if method == "GET" {
                return .json(200, .object(["sessions": .array(try store.sessions(realm: query(request, "realm"), repo: query(request, "repo")))]))
            }
            let b = try body(request)
            var pid: Int32?
            switch b["pid"] {
            case .integer(let p)? where p > 0 && p < Int64(Int32.max): pid = Int32(p)
            case nil, .null?: pid = nil
            default: throw Failure(status: 400, message: "'pid' must be a process id")
            }
            var domains: [String] = []
            if case .array(let a)? = b["active_domains"] { domains = a.compactMap { if case .string(let s) = $0 { return s }; return nil } }
            let realm = try string(b, "realm")!, path = try string(b, "path", required: false)
            let session = try store.addSession(repo: try string(b, "repo")!, realm: realm, clientID: try string(b, "client_id", required: false),
                                               pid: pid, path: path, topic: try string(b, "active_rfc", required: false),
                                               domains: domains)
            // A member repository on this machine: its realm is kept fresh (BackgroundFetcher).
            if let path, path.hasPrefix("/") { try store.addMember(realm: realm, path: path) }
            return .json(201, session)
        case 2 where parts[0] == "sessions":
            try allow("DELETE", "GET")
            if method == "GET" {
                guard let s = try store.session(parts[1]) else { throw Failure(status: 404, message: "no session \(parts[1])") }
                return .json(200, s)
            }
            guard try store.removeSession(parts[1]) else { throw Failure(status: 404, message: "no session \(parts[1])") }
            return HTTPResponse(status: 204)

        case 1 where parts[0] == "notifications":
            try allow("GET", "POST")
            if method == "GET" {
                let list = try store.notifications(realm: query(request, "realm"), unacknowledgedBy: query(request, "repo"), all: query(request, "all") == "1")
                return .json(200, .object(["notifications": .array(list), "approvals": .array(approvals())]))
            }
            let b = try body(request)
            let changeType = try string(b, "change_type")!
            guard ["updated", "breaking", "new"].contains(changeType) else {
                throw Failure(status: 400, message: "'change_type' must be updated, breaking or new")
            }
            let (n, created) = try store.addNotification(realm: try string(b, "realm")!, domain: try string(b, "domain")!, contract: try string(b, "contract")!,
                                                         fromRepo: try string(b, "from_repo")!, changeType: changeType, changes: b["changes"] ?? .array([]),
                                                         version: try string(b, "version", required: false))
            return .json(created ? 201 : 200, n)
        case 3 where parts[0] == "notifications" && parts[2] == "ack":
            try allow("POST")
            guard let id = Int64(parts[1]) else { throw Failure(status: 404, message: "no notification \(parts[1])") }
            let b = try body(request)
            guard let n = try store.acknowledge(id, by: try string(b, "repo")!) else { throw Failure(status: 404, message: "no notification \(id)") }
            return .json(200, n)

        default:
            throw Failure(status: 404, message: "no such endpoint: \(method) \(request.path)")
        }
    }

    /// Pending `git scope` approvals, shown with the notifications.
    func approvals() -> [JSONValue] {
        let path = GrantStore.path(Paths(environment: environment))
        guard FileManager.default.fileExists(atPath: path), let store = try? GrantStore(path: path), let pending = try? store.pending() else { return [] }
        return pending.map { r in
            .object(["id": .integer(r.id), "scope": .string(r.scope), "requester": .string(r.requester),
                     "requested_at": .string(Timestamp.utc(r.requestedAt)), "hint": .string("git scope approve \(r.id)")])
        }
    }

    /// A realm's row, its sessions and pending notifications, and (when the
    /// member repository has an index of it) its domains and repositories.
    func details(_ realm: JSONValue, name: String) throws -> JSONValue {
        guard case .object(var o) = realm else { return realm }
        o["sessions"] = .array(try store.sessions(realm: name, repo: nil))
        o["notifications"] = .integer(Int64(try store.notifications(realm: name, unacknowledgedBy: nil, all: false).count))
        if case .string(let path)? = o["local_path"], let index = RealmIndex.cached(member: path, realm: name, environment: environment) {
            o["repos"] = .array(index.repos.keys.sorted().map(JSONValue.string))
            o["domains"] = .array(index.domains.keys.sorted().map { d in
                .object(["name": .string(d), "members": .array(index.domains[d]!.members.map(JSONValue.string))])
            })
            o["commit"] = .string(index.commit)
        }
        return .object(o)
    }

    /// `POST /realms/{name}/sync`: `git realm fetch` in the member repository.
    func sync(_ path: String) async throws -> ChildProcess.Result {
        try await ChildProcess.run(["git", "realm", "fetch", "--path", path], environment: GitEnvironment.detached(environment),
                                   directory: path, timeout: 120)
    }
}
