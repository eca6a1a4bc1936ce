import CSQLite
import FoundationEssentials
import Glibc

/// What a database's tables look like at each version, and what to do when
/// the file is damaged. The version is kept in the file itself
/// (`PRAGMA user_version`, in SQLite's header): a database from before
/// versions existed reads as 0.
public struct SQLiteSchema: Sendable {
    /// What the database is, for messages ("the grants database").
    public var name: String
    /// `migrations[n]` takes the tables from version `n` to `n + 1`; the
    /// current version is their count.
    public var migrations: [String]
    public var whenDamaged: WhenDamaged
    /// What starting afresh costs the user, for hints ("every scope asks again").
    public var freshStart: String

    public enum WhenDamaged: Sendable {
        /// A cache, or state that can be rebuilt: the damaged file is moved
        /// aside (kept for inspection) and a new one made, with a warning.
        case moveAside
        /// The user's own decisions: never replaced; an error naming the file.
        case refuse
    }

    public init(name: String, migrations: [String], whenDamaged: WhenDamaged, freshStart: String) {
        self.name = name
        self.migrations = migrations
        self.whenDamaged = whenDamaged
        self.freshStart = freshStart
    }

    public var version: Int32 { Int32(migrations.count) }
}

extension SQLiteDatabase {
    /// A database written by a newer hyperforge, whose tables this one does not know.
    public struct NewerSchema: HyperforgeError {
        public let path: String
        public let name: String
        public let found: Int32
        public let supported: Int32
        public let freshStart: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String {
            "\(path) (\(name)) has schema version \(found), written by a newer hyperforge; this one reads versions up to \(supported), so it was left as it is"
        }
        public var hint: String? {
            "run the newer hyperforge that wrote it, or move the file aside to start afresh here (\(freshStart)): mv \(path) \(path).v\(found)"
        }
    }

    /// A database file SQLite cannot read (not a database, or corrupted),
    /// which holds something that must not be silently replaced.
    public struct Damaged: HyperforgeError {
        public let path: String
        public let name: String
        public let reason: String
        public let freshStart: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String {
            "\(path) (\(name)) is damaged (\(reason)); it was left as it is"
        }
        public var hint: String? {
            "restore it from a backup, or move it aside to start with an empty one (\(freshStart)): mv \(path) \(path).damaged"
        }
    }

    /// Whether SQLite's result code says the file is not a readable database.
    static func isDamage(_ code: Int32) -> Bool {
        let primary = code & 0xff
        return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT
    }

    /// Opens (creating when needed) the database at `path` with `schema`'s
    /// tables: an older version is migrated forward in one transaction (a
    /// migration that fails leaves the file as it was), a newer one is
    /// refused, and a damaged file is moved aside or refused as the schema
    /// says. `warn` hears about a file moved aside.
    public static func open(path: String, schema: SQLiteSchema, warn: (String) -> Void) throws -> SQLiteDatabase {
        do {
            return try openAndMigrate(path: path, schema: schema)
        } catch let error as SQLiteDatabase.Error where isDamage(error.code) {
            switch schema.whenDamaged {
            case .refuse:
                throw Damaged(path: path, name: schema.name, reason: error.message, freshStart: schema.freshStart)
            case .moveAside:
                let kept = try moveAside(path, inode: error.inode)
                warn("\(path) (\(schema.name)) was damaged (\(error.message)): moved it to \(kept) and started a new one (\(schema.freshStart))")
                return try openAndMigrate(path: path, schema: schema)
            }
        }
    }

    private static func openAndMigrate(path: String, schema: SQLiteSchema) throws -> SQLiteDatabase {
        let inode = Self.inode(path)
        do {
            let db = try SQLiteDatabase(path: path)
            try db.migrate(to: schema)
            return db
        } catch var error as SQLiteDatabase.Error {
            error.inode = inode ?? Self.inode(path)
            throw error
        }
    }

    /// The schema version and whether SQLite could read the schema, in one
    /// statement (reading `sqlite_master` makes SQLite parse every table's
    /// definition: a damaged schema shows here, not in a later query).
    func storedVersion() throws -> Int32 {
        let row = try query("SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)").first
        return Int32(truncatingIfNeeded: row?.first?.integer ?? 0)
    }

    /// Brings the tables to `schema.version`.
    public func migrate(to schema: SQLiteSchema) throws {
        let found = try storedVersion()
        if found == schema.version { return }
        // A negative version is no version of ours either.
        if found > schema.version || found < 0 {
            throw NewerSchema(path: path, name: schema.name, found: found, supported: schema.version, freshStart: schema.freshStart)
        }
        try transaction {
            // Read again under the write lock: another process may have migrated meanwhile.
            let now = try storedVersion()
            if now > schema.version || now < 0 {
                throw NewerSchema(path: path, name: schema.name, found: now, supported: schema.version, freshStart: schema.freshStart)
            }
            for step in Int(now)..<Int(schema.version) {
                try execute(schema.migrations[step])
            }
            try execute("PRAGMA user_version = \(schema.version)")
        }
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// Renames a damaged database (and its `-wal` and `-shm`, which belong to
    /// it: a new database must never pick up the old one's journal) to
    /// `PATH.corrupt-<UTC time>`. Returns the new name. When the file at
    /// `path` is no longer the one found damaged (`inode`), another process
    /// moved it already and nothing is renamed.
    static func moveAside(_ path: String, inode: UInt64?) throws -> String {
        var stamp = Timestamp.utc(Date()).filter { $0 != "-" && $0 != ":" }
        var target = "\(path).corrupt-\(stamp)"
        var n = 1
        while access(target, F_OK) == 0 {
            n += 1
            stamp = Timestamp.utc(Date()).filter { $0 != "-" && $0 != ":" } + "-\(n)"
            target = "\(path).corrupt-\(stamp)"
        }
        if let inode, let now = Self.inode(path), now != inode { return "(moved by another process)" }
        guard rename(path, target) == 0 else {
            throw AtomicFile.Failure(path: path, reason: "it is damaged and cannot be moved aside to \(target): \(FileRead.reason(errno))")
        }
        for suffix in ["-wal", "-shm"] { rename(path + suffix, target + suffix) }
        return target
    }
}
