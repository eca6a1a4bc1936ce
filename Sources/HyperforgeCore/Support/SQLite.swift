import CSQLite
import FoundationEssentials
import Glibc

/// A small wrapper over SQLite's C API: one connection, prepared statements,
/// WAL and a busy timeout so that several processes can share a database.
public final class SQLiteDatabase {
    private let handle: OpaquePointer

    public struct Error: HyperforgeError {
        public let code: Int32
        public let message: String
        public let path: String
        /// The file found at `path` when this happened (for moving a damaged one aside).
        var inode: UInt64?
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "\(path): \(message) (SQLite error \(code))" }
        public var hint: String? {
            switch code & 0xff {
            case SQLITE_FULL: return "free some space on the file system holding \(path), then run the command again; nothing stored in it was lost"
            case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM:
                return "\(path) and its directory must be writable by you (SQLite keeps \(FilePaths.lastComponent(path))-wal and -shm beside it); nothing stored in it was changed"
            default: return nil
            }
        }

        init(code: Int32, message: String, path: String) {
            self.code = code
            self.message = message
            self.path = path
        }

        /// SQLite's message and, when a system call failed, why.
        init(code: Int32, handle: OpaquePointer?, path: String) {
            var message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            let system = handle.map { sqlite3_system_errno($0) } ?? 0
            let primary = code & 0xff
            if system != 0, [SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM].contains(primary) {
                message += ": " + FileRead.reason(system)
            }
            // The usual reason a database we own cannot be written: its directory cannot be (WAL needs -wal and -shm beside it).
            if [SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM].contains(primary), let dir = FilePaths.parent(path), access(dir, W_OK) != 0 {
                message += " (its directory \(dir) cannot be written: \(FileRead.reason(errno)))"
            }
            self.init(code: code, message: message, path: path)
        }
    }

    public let path: String

    /// Opens (creating when needed, with the directory at mode 0700 and the
    /// file at 0600) the database at `path`.
    public init(path: String) throws {
        self.path = path
        if let dir = FilePaths.parent(path) {
            do { try FilePaths.makeDirectories(dir, mode: 0o700) } catch {
                throw Error(code: SQLITE_CANTOPEN, message: error.description, path: path)
            }
        }
        let existed = FileManager.default.fileExists(atPath: path)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let failure = Error(code: rc, handle: db, path: path)
            sqlite3_close(db)
            throw failure
        }
        handle = db
        if !existed { chmod(path, 0o600) }
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    /// Opens an existing database for reading only: nothing is created,
    /// no pragma is written (for the credential helper's fast path, which
    /// only looks a grant up). Throws when the file does not exist.
    public init(readingOnly path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let failure = Error(code: rc, handle: db, path: path)
            sqlite3_close(db)
            throw failure
        }
        handle = db
        sqlite3_busy_timeout(handle, 5000)
    }

    private let statementLock = Lock()
    private var statements: [String: OpaquePointer] = [:]

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    public enum Value: Equatable, Sendable {
        case null, integer(Int64), real(Double), text(String)

        public var text: String? { if case .text(let s) = self { return s }; return nil }
        public var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
        public var real: Double? {
            switch self { case .real(let d): return d; case .integer(let i): return Double(i); default: return nil }
        }
    }

    private func error(_ rc: Int32) -> Error {
        Error(code: rc, handle: handle, path: path)
    }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            sqlite3_free(message)
            throw error(rc)
        }
    }

    /// Runs one statement with `parameters` bound to `?1`, `?2`, ... and
    /// returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [Value] = []) throws -> [[Value]] {
        // Statements are prepared once per connection and reused (reset after
        // each use): a warm `git realm check` asks the same question 110 times,
        // and preparing was most of each. One query at a time per connection.
        statementLock.lock()
        defer { statementLock.unlock() }
        var rc: Int32
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            rc = sqlite3_prepare_v2(handle, sql, -1, &prepared, nil)
            guard rc == SQLITE_OK, let prepared else { throw error(rc) }
            statements[sql] = prepared
            statement = prepared
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .real(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let v): rc = sqlite3_bind_text(statement, index, v, -1, transient)
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
        var rows: [[Value]] = []
        while true {
            rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            var row: [Value] = []
            for c in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, c)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, c)))
                case SQLITE_NULL: row.append(.null)
                default: row.append(.text(String(cString: sqlite3_column_text(statement, c))))
                }
            }
            rows.append(row)
        }
        return rows
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in an immediate transaction (committed when it returns,
    /// rolled back when it throws).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
