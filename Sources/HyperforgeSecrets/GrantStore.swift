import FoundationEssentials
import HyperforgeCore

/// Grants and approval requests, in the suite's local state database
/// (`$XDG_STATE_HOME/hyperforge/state.db`, SQLite in WAL mode), so that one
/// terminal can wait for a scope while another approves it. No secret is
/// ever written here: only scope names, times and who asked.
public final class GrantStore {
    let db: SQLiteDatabase

    public static func path(_ paths: Paths) -> String {
        FilePaths.join(paths.stateHome, "hyperforge/state.db")
    }

    public init(path: String) throws {
        // Someone else's state.db could hold grants we never gave.
        try FileTrust.prepareDirectory(FilePaths.parent(path) ?? "/")
        // SQLite keeps -wal and -shm beside the database's real path (not beside a link to it).
        let real = FileTrust.resolvedPath(path)
        for file in [path, real + "-wal", real + "-shm"] { try FileTrust.check(file, kind: .file) }
        db = try SQLiteDatabase.open(path: path, schema: GrantStore.schema, warn: { _ in })
    }

    /// The tables, version by version (`PRAGMA user_version`). Version 0 is a
    /// database from before versions were recorded, with these same tables
    /// (or none, when new): `CREATE ... IF NOT EXISTS` takes either to 1.
    /// Grants are the user's decisions: a damaged file is never replaced.
    public static let schema = SQLiteSchema(name: "the grants database", migrations: [
        """
            CREATE TABLE IF NOT EXISTS scope_grants (
                scope TEXT PRIMARY KEY,
                granted_at REAL NOT NULL,
                how TEXT NOT NULL            -- auto | approved
            );
            CREATE TABLE IF NOT EXISTS scope_requests (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                scope TEXT NOT NULL,
                requested_at REAL NOT NULL,
                requester TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending',   -- pending | approved | denied
                decided_at REAL
            );
            CREATE INDEX IF NOT EXISTS scope_requests_pending ON scope_requests(status, scope);
            CREATE TABLE IF NOT EXISTS scope_rejections (
                scope TEXT PRIMARY KEY,
                rejected_at REAL NOT NULL,
                host TEXT NOT NULL           -- protocol://host[:port] that refused the token
            );
            """,
    ], whenDamaged: .refuse, freshStart: "no scope is granted then: each asks again on first use, as its policy says")

    /// The existing database, for looking up only (nothing is created or
    /// written); the same ownership checks as `init(path:)`.
    public init(readingOnly path: String) throws {
        _ = try FileTrust.check(FilePaths.parent(path) ?? "/", kind: .directory)
        let real = FileTrust.resolvedPath(path)
        for file in [path, real + "-wal", real + "-shm"] { _ = try FileTrust.check(file, kind: .file) }
        db = try SQLiteDatabase(readingOnly: path)
    }

    /// A scope whose token a server refused (git's `erase`): kept in its
    /// provider, but not handed out until the mark is cleared.
    public struct Rejection: Codable, Sendable, Equatable {
        public var scope: String
        public var rejectedAt: Date
        public var host: String
    }

    public func reject(_ scope: String, host: String, at date: Date) throws {
        try db.query("INSERT OR REPLACE INTO scope_rejections(scope, rejected_at, host) VALUES (?1, ?2, ?3)",
                     [.text(scope), .real(date.timeIntervalSince1970), .text(host)])
    }

    public func rejection(_ scope: String) throws -> Rejection? {
        try db.query("SELECT scope, rejected_at, host FROM scope_rejections WHERE scope = ?1", [.text(scope)]).first.map(Self.rejection)
    }

    public func rejections() throws -> [Rejection] {
        try db.query("SELECT scope, rejected_at, host FROM scope_rejections ORDER BY scope").map(Self.rejection)
    }

    /// Returns whether there was a mark to clear.
    @discardableResult
    public func clearRejection(_ scope: String) throws -> Bool {
        try db.query("DELETE FROM scope_rejections WHERE scope = ?1", [.text(scope)])
        return db.changes > 0
    }

    private static func rejection(_ row: [SQLiteDatabase.Value]) -> Rejection {
        Rejection(scope: row[0].text ?? "", rejectedAt: Date(timeIntervalSince1970: row[1].real ?? 0), host: row[2].text ?? "")
    }

    public struct Grant: Codable, Sendable, Equatable {
        public var scope: String
        public var grantedAt: Date
        public var how: String
    }

    public struct Request: Codable, Sendable, Equatable {
        public var id: Int64
        public var scope: String
        public var requestedAt: Date
        public var requester: String
        public var status: String
    }

    /// Whether `scope` is granted and not marked rejected, in one statement
    /// (the credential helper's fast path: each statement SQLite parses costs).
    ///
    /// Also false when the file's schema version is not the one this build
    /// writes (`schema.version`): the reading-only connection never migrates,
    /// so the full path (which does, or refuses a newer file) decides then.
    /// The version is read first (PRAGMA user_version: SQLite's header, as
    /// the connection sees it, the write-ahead log included).
    public func isUsable(_ scope: String) throws -> Bool {
        // A statement of its own: `pragma_user_version` inside the query would
        // make SQLite declare a virtual table, parsing its definition (88,000
        // instructions, 4.7% of the fast path; this costs a tenth of that).
        guard try db.query("PRAGMA user_version").first?.first?.integer == Int64(GrantStore.schema.version) else { return false }
        let rows = try db.query("""
            SELECT EXISTS(SELECT 1 FROM scope_grants WHERE scope = ?1)
               AND NOT EXISTS(SELECT 1 FROM scope_rejections WHERE scope = ?1)
            """, [.text(scope)])
        return rows.first?.first?.integer == 1
    }

    public func grant(_ scope: String) throws -> Grant? {
        try db.query("SELECT scope, granted_at, how FROM scope_grants WHERE scope = ?1", [.text(scope)]).first.map(Self.grant)
    }

    public func grants() throws -> [Grant] {
        try db.query("SELECT scope, granted_at, how FROM scope_grants ORDER BY scope").map(Self.grant)
    }

    public func insertGrant(_ scope: String, how: String, at date: Date) throws {
        try db.query("INSERT OR IGNORE INTO scope_grants(scope, granted_at, how) VALUES (?1, ?2, ?3)",
                     [.text(scope), .real(date.timeIntervalSince1970), .text(how)])
    }

    /// Returns whether there was a grant to revoke.
    public func revoke(_ scope: String) throws -> Bool {
        try db.query("DELETE FROM scope_grants WHERE scope = ?1", [.text(scope)])
        return db.changes > 0
    }

    /// The pending request for `scope`, or a new one.
    public func request(_ scope: String, requester: String, at date: Date) throws -> Request {
        try db.transaction {
            if let row = try db.query("SELECT id, scope, requested_at, requester, status FROM scope_requests WHERE scope = ?1 AND status = 'pending' ORDER BY id LIMIT 1", [.text(scope)]).first {
                return Self.request(row)
            }
            try db.query("INSERT INTO scope_requests(scope, requested_at, requester) VALUES (?1, ?2, ?3)",
                         [.text(scope), .real(date.timeIntervalSince1970), .text(requester)])
            return Request(id: db.lastInsertRowID, scope: scope, requestedAt: date, requester: requester, status: "pending")
        }
    }

    public func request(id: Int64) throws -> Request? {
        try db.query("SELECT id, scope, requested_at, requester, status FROM scope_requests WHERE id = ?1", [.integer(id)]).first.map(Self.request)
    }

    public func pending() throws -> [Request] {
        try db.query("SELECT id, scope, requested_at, requester, status FROM scope_requests WHERE status = 'pending' ORDER BY id").map(Self.request)
    }

    /// Approves (granting the scope) or denies a pending request.
    public func decide(id: Int64, approve: Bool, at date: Date) throws -> Request? {
        try db.transaction {
            guard let request = try self.request(id: id), request.status == "pending" else { return try self.request(id: id) }
            try db.query("UPDATE scope_requests SET status = ?1, decided_at = ?2 WHERE id = ?3",
                         [.text(approve ? "approved" : "denied"), .real(date.timeIntervalSince1970), .integer(id)])
            if approve {
                try db.query("INSERT OR REPLACE INTO scope_grants(scope, granted_at, how) VALUES (?1, ?2, 'approved')",
                             [.text(request.scope), .real(date.timeIntervalSince1970)])
            }
            var decided = request
            decided.status = approve ? "approved" : "denied"
            return decided
        }
    }

    private static func grant(_ row: [SQLiteDatabase.Value]) -> Grant {
        Grant(scope: row[0].text ?? "", grantedAt: Date(timeIntervalSince1970: row[1].real ?? 0), how: row[2].text ?? "")
    }

    private static func request(_ row: [SQLiteDatabase.Value]) -> Request {
        Request(id: row[0].integer ?? 0, scope: row[1].text ?? "", requestedAt: Date(timeIntervalSince1970: row[2].real ?? 0),
                requester: row[3].text ?? "", status: row[4].text ?? "")
    }
}
