import Glibc
import HyperforgeCore
import HyperforgeGit

/// How `git realm` uses the coordinator: a session for each command while it
/// runs, notifications when contracts change, the realm registered with its
/// member path on this machine. All of it is best effort: when the
/// coordinator cannot start or answer, the command still does its work and
/// says once that sessions are unavailable.
public final class RealmCoordination: @unchecked Sendable {
    public let client: CoordinatorClient
    let context: Context
    /// Whether each coordinator (by socket and state directory) can be
    /// reached, found out once per process however many parts of a command
    /// ask; and whether its absence was already said.
    nonisolated(unsafe) private static var reachability: [String: Bool] = [:]
    nonisolated(unsafe) private static var warned = false
    private static let lock = Lock()

    public init(context: Context) {
        self.context = context
        client = CoordinatorClient(environment: context.environment)
    }

    /// Starts the coordinator if needed; false (after saying so once) when it cannot be reached.
    public func reachable() -> Bool {
        let key = client.paths.socket + "\u{0}" + client.paths.stateDirectory
        RealmCoordination.lock.lock()
        let known = RealmCoordination.reachability[key]
        RealmCoordination.lock.unlock()
        if let known { return known }
        var available = false
        if !client.isDisabled {
            do {
                try client.ensureRunning()
                available = true
            } catch {
                sayUnavailable(error)
            }
        }
        RealmCoordination.lock.lock()
        RealmCoordination.reachability[key] = available
        RealmCoordination.lock.unlock()
        return available
    }

    func sayUnavailable(_ error: any Error) {
        RealmCoordination.lock.lock()
        let first = !RealmCoordination.warned
        RealmCoordination.warned = true
        RealmCoordination.lock.unlock()
        guard first else { return }
        context.output.stderr.line("note: sessions are unavailable (\(error)); going on without them")
    }

    /// Registers a session for this process in `repository`; nil when unavailable.
    public func beginSession(repo: String, realm: String, path: String?, command: String, topic: String? = nil,
                             owned: Bool = true) -> String? {
        guard reachable() else { return nil }
        var body: [String: JSONValue] = ["repo": .string(repo), "realm": .string(realm), "client_id": .string(command)]
        if owned { body["pid"] = .integer(Int64(getpid())) }
        if let path { body["path"] = .string(path) }
        if let topic { body["active_rfc"] = .string(topic) }
        do {
            let r = try client.json("POST", "/sessions", .object(body))
            if case .string(let id)? = r?["id"] { return id }
        } catch {
            sayUnavailable(error)
        }
        return nil
    }

    public func endSession(_ id: String) {
        do { try client.json("DELETE", "/sessions/\(id)") } catch {
            if case .badResponse(404, _) = error { return }
            sayUnavailable(error)
        }
    }

    func registerRealm(_ membership: Membership, path: String) {
        guard reachable() else { return }
        _ = try? client.json("PUT", "/realms/\(FilePaths.percentEncoded(membership.realm))",
                             .object(["url": .string(RemoteURL.redacted(membership.url)), "local_path": .string(path)]))
    }

    /// One notification per contract version that changed between two indexes of a realm.
    func notifyChanges(from old: RealmIndex?, to new: RealmIndex) {
        guard let old, reachable() else { return }
        for (d, domain) in new.domains {
            for (c, contract) in domain.contracts {
                let before = old.domains[d]?.contracts[c]
                guard before?.version != contract.version else { continue }
                notify(realm: new.name, domain: d, contract: c, owner: contract.owner, from: before?.version, to: contract.version)
            }
        }
    }

    func notify(realm: String, domain: String, contract: String, owner: String, from: String?, to: String, changes: [String] = []) {
        guard reachable() else { return }
        let type: String
        if let from, let a = try? SemanticVersion(parsing: from), let b = try? SemanticVersion(parsing: to) {
            type = (a.major != b.major || (a.major == 0 && a.minor != b.minor)) ? "breaking" : "updated"
        } else {
            type = "new"
        }
        let summary = (from.map { "\(contract) \($0) → \(to)" } ?? "\(contract) \(to) is new")
        _ = try? client.json("POST", "/notifications", .object([
            "realm": .string(realm), "domain": .string(domain), "contract": .string(contract), "from_repo": .string(owner),
            "change_type": .string(type), "version": .string(to), "changes": .array(([summary] + changes).map(JSONValue.string)),
        ]))
    }
}

extension Realm {
    /// Runs a `git realm` command inside a session for its repository (when
    /// it is a member of a realm and the coordinator can be reached).
    public static func withSession(_ target: Target, command: String, context: Context,
                                   _ body: () async throws -> ExitStatus) async throws -> ExitStatus {
        var session: (RealmCoordination, String)?
        if let repo = try? openRepository(target, context: context), let membership = try? Membership.read(repo) {
            let coordination = RealmCoordination(context: context)
            if let id = coordination.beginSession(repo: membership.repo, realm: membership.realm, path: repo.workingDirectory, command: command) {
                session = (coordination, id)
            }
        }
        defer { if let (c, id) = session { c.endSession(id) } }
        return try await body()
    }
}

/// A coordinator session held for as long as its holder decides (git realm
/// mcp holds one while its client is connected), not one command's run.
public struct HeldSession: Sendable {
    let coordination: RealmCoordination
    public let id: String
    public let repo: String

    /// Ends the session (a session already gone, as after a coordinator restart, is no error).
    public func end() { coordination.endSession(id) }
}

extension Realm {
    /// Registers a session for `target`'s repository, owned by this process
    /// (the coordinator drops it when the process is gone, however it ended);
    /// nil when the repository is not a member or the coordinator cannot be reached.
    public static func holdSession(_ target: Target, command: String, context: Context) -> HeldSession? {
        guard let repo = try? openRepository(target, context: context), let membership = try? Membership.read(repo) else { return nil }
        let coordination = RealmCoordination(context: context)
        guard let id = coordination.beginSession(repo: membership.repo, realm: membership.realm, path: repo.workingDirectory, command: command) else { return nil }
        return HeldSession(coordination: coordination, id: id, repo: membership.repo)
    }
}
