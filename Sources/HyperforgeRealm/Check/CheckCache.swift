import FoundationEssentials
import Glibc
import HyperforgeCore

/// `cache.db` in the repository's git directory (`.git/realm/cache.db`):
/// the RFC's three caches, in SQLite with WAL so that two checks running at
/// once both read and write safely.
///
/// - `export_cache`: each source file an export names, by path: its mtime,
///   size and content hash. A file whose mtime and size are unchanged is not
///   read again.
/// - `contract_cache`: a contract version's parsed content (JSON), valid for
///   the realm commit it was read at: a fetch that moves the realm
///   invalidates it.
/// - `validation_cache`: the findings of one check of one contract version,
///   keyed by a hash of everything the check read (the binding, the working
///   contract file, source files, scripts, the CI flag): any change to those
///   is a different key.
package final class CheckCache {
    let database: SQLiteDatabase
    let path: String

    /// Set by `--no-cache`: every file is hashed afresh (its stored hash is
    /// replaced), whatever its mtime and size say.
    let rehash: Bool

    /// `warn`: told when a damaged cache was moved aside and a new one started.
    package init(gitDirectory: String, rehash: Bool = false, warn: (String) -> Void) throws {
        self.rehash = rehash
        let dir = gitDirectory + "/realm"
        try FilePaths.makeDirectories(dir)
        path = dir + "/cache.db"
        database = try SQLiteDatabase.open(path: path, schema: CheckCache.schema, warn: warn)
    }

    /// The tables, version by version (`PRAGMA user_version`); version 0 is a
    /// cache from before versions were recorded, with these same tables. A
    /// damaged cache is moved aside (`cache.db.corrupt-<time>`) and rebuilt.
    static let schema = SQLiteSchema(name: "the realm check cache", migrations: [
        """
        CREATE TABLE IF NOT EXISTS export_cache (
            file_path TEXT PRIMARY KEY, mtime INTEGER NOT NULL, content_hash TEXT NOT NULL,
            exports JSON, cached_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS contract_cache (
            domain TEXT NOT NULL, contract TEXT NOT NULL, version TEXT NOT NULL, schema JSON,
            realm_commit TEXT, cached_at INTEGER NOT NULL, PRIMARY KEY (domain, contract, version));
        CREATE TABLE IF NOT EXISTS validation_cache (
            contract TEXT NOT NULL, version TEXT NOT NULL, binding_hash TEXT NOT NULL, valid INTEGER NOT NULL,
            output TEXT, validated_at INTEGER NOT NULL, PRIMARY KEY (contract, version, binding_hash));
        CREATE TABLE IF NOT EXISTS cache_stats (name TEXT PRIMARY KEY, hits INTEGER NOT NULL, misses INTEGER NOT NULL);
        """,
    ], whenDamaged: .moveAside, freshStart: "every check result is worked out afresh once")

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    // MARK: validation_cache

    func validation(contract: String, version: String, key: String) throws -> [Finding]? {
        let rows = try database.query("SELECT output FROM validation_cache WHERE contract = ? AND version = ? AND binding_hash = ?",
                                      [.text(contract), .text(version), .text(key)])
        guard let text = rows.first?.first?.text, case .array(let items) = try JSONParser.parse(text, file: path) else { return nil }
        var findings: [Finding] = []
        for item in items {
            guard let f = Finding(json: item) else { return nil }
            findings.append(f)
        }
        return findings
    }

    func storeValidation(contract: String, version: String, key: String, findings: [Finding]) throws {
        let valid: Int64 = findings.contains { $0.severity == .error } ? 0 : (findings.contains { $0.severity == .warning } ? 2 : 1)
        let output = JSONValue.array(findings.map(\.json)).jsonText
        _ = try database.query("INSERT OR REPLACE INTO validation_cache VALUES (?, ?, ?, ?, ?, ?)",
                               [.text(contract), .text(version), .text(key), .integer(valid), .text(output), .integer(CheckCache.now())])
    }

    // MARK: contract_cache

    func contract(domain: String, name: String, version: String, realmCommit: String) throws -> String? {
        let rows = try database.query("SELECT schema FROM contract_cache WHERE domain = ? AND contract = ? AND version = ? AND realm_commit = ?",
                                      [.text(domain), .text(name), .text(version), .text(realmCommit)])
        return rows.first?.first?.text
    }

    func storeContract(domain: String, name: String, version: String, realmCommit: String, json: String) throws {
        _ = try database.query("INSERT OR REPLACE INTO contract_cache VALUES (?, ?, ?, ?, ?, ?)",
                               [.text(domain), .text(name), .text(version), .text(json), .text(realmCommit), .integer(CheckCache.now())])
    }

    // MARK: export_cache

    /// The largest source file hashed; a larger one is keyed by why it was not read.
    static let maximumHashedBytes = 256 << 20

    /// The content hash of a file, read only when its mtime or size changed
    /// since it was last hashed; nil when the file does not exist.
    func fileHash(_ absolutePath: String, as path: String) throws -> String? {
        var st = stat()
        guard stat(absolutePath, &st) == 0 else { return nil }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let size = Int64(st.st_size)
        let stamp = "{\"size\":\(size)}"
        let rows = try database.query("SELECT content_hash, exports FROM export_cache WHERE file_path = ? AND mtime = ?",
                                      [.text(path), .integer(mtime)])
        if !rehash, let row = rows.first, row.count == 2, row[1].text == stamp, let hash = row[0].text { return hash }
        // A source file's path comes from a binding in the realm: read it as a
        // bounded regular file (a link to /dev/zero there must not be read
        // forever); what cannot be read hashes as its reason, so the key
        // still changes when it does.
        let hash: String
        do {
            guard let data = try FileRead.bytes(absolutePath, limit: CheckCache.maximumHashedBytes) else { return nil }
            hash = ContentHash.of(data)
        } catch {
            hash = ContentHash.of(["unreadable", error.reason])
        }
        _ = try database.query("INSERT OR REPLACE INTO export_cache VALUES (?, ?, ?, ?, ?)",
                               [.text(path), .integer(mtime), .text(hash), .text(stamp), .integer(CheckCache.now())])
        return hash
    }

    // MARK: stats and clearing

    func count(hits: Int, misses: Int) throws {
        _ = try database.query("""
            INSERT INTO cache_stats VALUES ('validation', ?, ?)
            ON CONFLICT(name) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses
            """, [.integer(Int64(hits)), .integer(Int64(misses))])
    }

    struct Stats: Codable, Sendable {
        var path: String
        var exports: Int
        var contracts: Int
        var validations: Int
        var hits: Int
        var misses: Int
        var hitRate: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }
    }

    func stats() throws -> Stats {
        func count(_ table: String) throws -> Int { Int(try database.query("SELECT count(*) FROM \(table)").first?.first?.integer ?? 0) }
        let row = try database.query("SELECT hits, misses FROM cache_stats WHERE name = 'validation'").first
        return Stats(path: path, exports: try count("export_cache"), contracts: try count("contract_cache"),
                     validations: try count("validation_cache"), hits: Int(row?[0].integer ?? 0), misses: Int(row?[1].integer ?? 0))
    }

    func clear() throws {
        try database.transaction {
            for table in ["export_cache", "contract_cache", "validation_cache", "cache_stats"] { try database.execute("DELETE FROM \(table)") }
        }
    }
}
