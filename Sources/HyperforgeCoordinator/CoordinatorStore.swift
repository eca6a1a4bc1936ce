import FoundationEssentials
import Glibc
import HyperforgeCore

/// The coordinator's state (RFC "Session Coordination"): the `realms`,
/// `sessions` and `notifications` tables in `$XDG_STATE_HOME/hyperforge/coordinator.db`.
/// SQLite with WAL; every write is one transaction, committed before the
/// request is answered, so a `kill -9` at any moment loses no acknowledged
/// write (WAL with synchronous=NORMAL survives a process crash; only a power
/// loss could drop the last transactions).
final class CoordinatorStore: @unchecked Sendable {
    private let db: SQLiteDatabase
    private let lock = Lock()

    /// `warn`: told when a damaged database was moved aside and a new one started.
    init(path: String, warn: (String) -> Void) throws {
        db = try SQLiteDatabase.open(path: path, schema: CoordinatorStore.schema, warn: warn)
    }

    /// The tables, version by version (`PRAGMA user_version`); version 0 is a
    /// database from before versions were recorded, with version 1's tables.
    /// Sessions and notifications can be rebuilt (sessions re-register, a
    /// fetch re-announces changes): a damaged file is moved aside
    /// (`coordinator.db.corrupt-<time>`) and a new one started.
    static let schema = SQLiteSchema(name: "the coordinator's database", migrations: [
        """
            CREATE TABLE IF NOT EXISTS realms (
                name TEXT PRIMARY KEY,
                forgejo_url TEXT NOT NULL,          -- the realm's URL (any git remote, not only Forgejo)
                local_path TEXT NOT NULL,           -- a member repository on this machine
                last_sync TEXT,
                status TEXT DEFAULT 'active'
            );
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                repo TEXT NOT NULL,
                realm TEXT NOT NULL,
                client_id TEXT,
                started_at TEXT,
                last_activity TEXT,
                active_rfc TEXT,
                active_domains JSON DEFAULT '[]',
                exports_modified JSON DEFAULT '[]',
                imports_watching JSON DEFAULT '[]',
                pid INTEGER,                        -- the process the session lives as long as (none: until ended)
                path TEXT                           -- the repository on this machine
            );
            CREATE TABLE IF NOT EXISTS notifications (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                realm TEXT NOT NULL,
                domain TEXT NOT NULL,
                contract TEXT NOT NULL,
                from_repo TEXT NOT NULL,
                change_type TEXT NOT NULL,          -- 'updated', 'breaking', 'new'
                changes JSON,
                created_at TEXT,
                acknowledged_by JSON DEFAULT '[]',
                version TEXT
            );
            CREATE UNIQUE INDEX IF NOT EXISTS notifications_once ON notifications(realm, domain, contract, version);
            """,
        // 2: every member repository of each realm on this machine, for the
        // background fetch (`realms` keeps one path per realm: the last one
        // that registered). Registered by `PUT /realms/{name}` (a join, a
        // fetch that moved) and by every session that names its repository's
        // path; the paths `realms` already knew are taken over.
        """
            CREATE TABLE IF NOT EXISTS members (
                realm TEXT NOT NULL,
                path TEXT NOT NULL,                 -- the member's working directory
                registered_at TEXT,
                PRIMARY KEY (realm, path)
            );
            INSERT OR IGNORE INTO members (realm, path, registered_at) SELECT name, local_path, NULL FROM realms;
            """,
    ], whenDamaged: .moveAside, freshStart: "sessions and notifications start empty; members' sessions register again")

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func now() -> String {
        Timestamp.utc(Date(), milliseconds: true)
    }

    static func text(_ v: SQLiteDatabase.Value) -> JSONValue {
        switch v {
        case .null: return .null
        case .integer(let i): return .integer(i)
        case .real(let d): return .number(d)
        case .text(let s): return .string(s)
        }
    }

    // MARK: sessions

    func addSession(repo: String, realm: String, clientID: String?, pid: Int32?, path: String?, topic: String?,
                    domains: [String]) throws -> JSONValue {
        let id = UUID().uuidString.lowercased()
        let now = Self.now()
        let domainsJSON = JSONValue.array(domains.map(JSONValue.string)).jsonText
        try locked {
            _ = try db.query("INSERT INTO sessions (id, repo, realm, client_id, started_at, last_activity, active_rfc, active_domains, pid, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [.text(id), .text(repo), .text(realm), clientID.map { .text($0) } ?? .null, .text(now), .text(now),
                              topic.map { .text($0) } ?? .null, .text(domainsJSON), pid.map { .integer(Int64($0)) } ?? .null, path.map { .text($0) } ?? .null])
        }
        return try session(id) ?? .null
    }

    private static let sessionColumns = "id, repo, realm, client_id, started_at, last_activity, active_rfc, active_domains, exports_modified, imports_watching, pid, path"

    private static func session(_ row: [SQLiteDatabase.Value]) -> JSONValue {
        let names = ["id", "repo", "realm", "client_id", "started_at", "last_activity", "active_rfc", "active_domains", "exports_modified", "imports_watching", "pid", "path"]
        var o: [String: JSONValue] = [:]
        for (name, value) in zip(names, row) {
            if ["active_domains", "exports_modified", "imports_watching"].contains(name), let t = value.text, let j = try? JSONParser.parse(t) {
                o[name] = j
            } else {
                o[name] = text(value)
            }
        }
        return .object(o)
    }

    func session(_ id: String) throws -> JSONValue? {
        try locked { try db.query("SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?", [.text(id)]).first.map(Self.session) }
    }

    func sessions(realm: String?, repo: String?) throws -> [JSONValue] {
        var sql = "SELECT \(Self.sessionColumns) FROM sessions WHERE 1 = 1"
        var params: [SQLiteDatabase.Value] = []
        if let realm { sql += " AND realm = ?"; params.append(.text(realm)) }
        if let repo { sql += " AND repo = ?"; params.append(.text(repo)) }
        sql += " ORDER BY started_at, id"
        return try locked { try db.query(sql, params).map(Self.session) }
    }

    func removeSession(_ id: String) throws -> Bool {
        try locked {
            _ = try db.query("DELETE FROM sessions WHERE id = ?", [.text(id)])
            return db.changes > 0
        }
    }

    func touchSession(_ id: String) throws {
        try locked { _ = try db.query("UPDATE sessions SET last_activity = ? WHERE id = ?", [.text(Self.now()), .text(id)]) }
    }

    /// Removes sessions whose process is gone. Returns how many.
    func pruneDeadSessions() throws -> Int {
        try locked {
            let rows = try db.query("SELECT id, pid FROM sessions WHERE pid IS NOT NULL")
            var removed = 0
            for row in rows {
                guard let id = row[0].text, let pid = row[1].integer else { continue }
                if kill(pid_t(pid), 0) != 0 && errno == ESRCH {
                    _ = try db.query("DELETE FROM sessions WHERE id = ?", [.text(id)])
                    removed += 1
                }
            }
            return removed
        }
    }

    func sessionCount() throws -> Int {
        try locked { Int(try db.query("SELECT count(*) FROM sessions").first?.first?.integer ?? 0) }
    }

    // MARK: realms

    func upsertRealm(name: String, url: String, localPath: String) throws {
        try locked {
            _ = try db.query("""
                INSERT INTO realms (name, forgejo_url, local_path) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET forgejo_url = excluded.forgejo_url, local_path = excluded.local_path
                """, [.text(name), .text(url), .text(localPath)])
        }
    }

    private static func realm(_ row: [SQLiteDatabase.Value]) -> JSONValue {
        .object(["name": text(row[0]), "url": text(row[1]), "local_path": text(row[2]), "last_sync": text(row[3]), "status": text(row[4])])
    }

    func realms() throws -> [JSONValue] {
        try locked { try db.query("SELECT name, forgejo_url, local_path, last_sync, status FROM realms ORDER BY name").map(Self.realm) }
    }

    func realm(_ name: String) throws -> JSONValue? {
        try locked { try db.query("SELECT name, forgejo_url, local_path, last_sync, status FROM realms WHERE name = ?", [.text(name)]).first.map(Self.realm) }
    }

    /// Members registered while this process runs: every command's session
    /// names its path, and only a new one costs a write.
    private var knownMembers = Set<String>()

    func addMember(realm: String, path: String) throws {
        let key = realm + "\u{0}" + path
        try locked {
            guard !knownMembers.contains(key) else { return }
            _ = try db.query("INSERT OR IGNORE INTO members (realm, path, registered_at) VALUES (?, ?, ?)", [.text(realm), .text(path), .text(Self.now())])
            knownMembers.insert(key)
        }
    }

    func members() throws -> [(realm: String, path: String)] {
        try locked {
            try db.query("SELECT realm, path FROM members ORDER BY realm, path").compactMap { row in
                guard let realm = row[0].text, let path = row[1].text else { return nil }
                return (realm, path)
            }
        }
    }

    func removeMember(realm: String, path: String) throws {
        try locked {
            _ = try db.query("DELETE FROM members WHERE realm = ? AND path = ?", [.text(realm), .text(path)])
            knownMembers.remove(realm + "\u{0}" + path)
        }
    }

    func markSynced(_ name: String) throws {
        try locked { _ = try db.query("UPDATE realms SET last_sync = ? WHERE name = ?", [.text(Self.now()), .text(name)]) }
    }

    // MARK: notifications

    private static let notificationColumns = "id, realm, domain, contract, from_repo, change_type, changes, created_at, acknowledged_by, version"

    private static func notification(_ row: [SQLiteDatabase.Value]) -> JSONValue {
        var o: [String: JSONValue] = [:]
        let names = ["id", "realm", "domain", "contract", "from_repo", "change_type", "changes", "created_at", "acknowledged_by", "version"]
        for (name, value) in zip(names, row) {
            if name == "changes" || name == "acknowledged_by", let t = value.text, let j = try? JSONParser.parse(t) { o[name] = j } else { o[name] = text(value) }
        }
        return .object(o)
    }

    /// Adds a notification once per (realm, domain, contract, version): the
    /// same change seen by several members is one notification.
    func addNotification(realm: String, domain: String, contract: String, fromRepo: String, changeType: String,
                         changes: JSONValue, version: String?) throws -> (JSONValue, created: Bool) {
        try locked {
            try db.transaction {
                if let version, let existing = try db.query("SELECT \(Self.notificationColumns) FROM notifications WHERE realm = ? AND domain = ? AND contract = ? AND version = ?",
                                                             [.text(realm), .text(domain), .text(contract), .text(version)]).first {
                    return (Self.notification(existing), false)
                }
                _ = try db.query("INSERT INTO notifications (realm, domain, contract, from_repo, change_type, changes, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [.text(realm), .text(domain), .text(contract), .text(fromRepo), .text(changeType), .text(changes.jsonText),
                                  .text(Self.now()), version.map { .text($0) } ?? .null])
                let id = db.lastInsertRowID
                let row = try db.query("SELECT \(Self.notificationColumns) FROM notifications WHERE id = ?", [.integer(id)]).first!
                return (Self.notification(row), true)
            }
        }
    }

    func notifications(realm: String?, unacknowledgedBy repo: String?, all: Bool) throws -> [JSONValue] {
        var sql = "SELECT \(Self.notificationColumns) FROM notifications WHERE 1 = 1"
        var params: [SQLiteDatabase.Value] = []
        if let realm { sql += " AND realm = ?"; params.append(.text(realm)) }
        if let repo, !all {
            sql += " AND NOT EXISTS (SELECT 1 FROM json_each(notifications.acknowledged_by) WHERE value = ?)"
            params.append(.text(repo))
        }
        sql += " ORDER BY id"
        return try locked { try db.query(sql, params).map(Self.notification) }
    }

    /// Records that `repo` acknowledged notification `id`; nil when there is no such notification.
    func acknowledge(_ id: Int64, by repo: String) throws -> JSONValue? {
        try locked {
            try db.transaction {
                guard let row = try db.query("SELECT acknowledged_by FROM notifications WHERE id = ?", [.integer(id)]).first else { return nil }
                var acked: [String] = []
                if let t = row[0].text, case .array(let a) = try JSONParser.parse(t) {
                    acked = a.compactMap { if case .string(let s) = $0 { return s }; return nil }
                }
                if !acked.contains(repo) {
                    acked.append(repo)
                    _ = try db.query("UPDATE notifications SET acknowledged_by = ? WHERE id = ?",
                                     [.text(JSONValue.array(acked.map(JSONValue.string)).jsonText), .integer(id)])
                }
                return try db.query("SELECT \(Self.notificationColumns) FROM notifications WHERE id = ?", [.integer(id)]).first.map(Self.notification)
            }
        }
    }
}
