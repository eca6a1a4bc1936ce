import Foundation
import HyperforgeCore
@testable import HyperforgeCoordinator
@testable import HyperforgeRealm
@testable import HyperforgeSecrets
import Testing

/// The three SQLite databases (grants, the realm check cache, the
/// coordinator's) record their schema version in `PRAGMA user_version`:
/// older files are migrated forward in one transaction, newer ones are
/// refused naming the file and both versions, a damaged cache or
/// coordinator database is moved aside and rebuilt with a warning, and a
/// damaged grants database is never replaced.
@Suite struct VersionedStateTests {
    static func userVersion(_ path: String) throws -> Int64? {
        try SQLiteDatabase(readingOnly: path).query("PRAGMA user_version").first?.first?.integer
    }

    /// A database as an older hyperforge left it: `sql`'s tables, no version.
    static func unversioned(_ path: String, _ sql: String, rows: String = "") throws {
        let db = try SQLiteDatabase(path: path)
        try db.execute(sql + rows)
        #expect(try db.query("PRAGMA user_version").first?.first?.integer == 0)
    }

    static func garbage(_ path: String) throws {
        let text = String(repeating: "this is not an SQLite database\n", count: 256)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func setVersion(_ path: String, _ version: Int) throws {
        try SQLiteDatabase(path: path).execute("PRAGMA user_version = \(version)")
    }

    static let scope = "git/github/alice/repo/tool/token"
    static let request = "protocol=https\nhost=github.com\npath=alice/tool.git\n\n"

    /// A grants database from before versions (version 0, with a grant) is
    /// migrated by the first full run and keeps the grant; the credential
    /// helper's fast path, which never writes, leaves it to the full path
    /// until then, and answers afterwards.
    @Test func anUnversionedGrantsDatabaseIsMigratedAndKeepsItsGrants() throws {
        let env = try TestEnvironment("state-v0")
        #expect(try env.run("git", ["scope", "set", Self.scope], input: "tok-1").code == 0)
        let path = GrantStore.path(Paths(environment: env.environment))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try Self.unversioned(path, GrantStore.schema.migrations[0],
                             rows: "INSERT INTO scope_grants VALUES ('\(Self.scope)', 1700000000, 'approved');")
        let context = env.context(in: env.root)
        #expect(CredentialFastPath.get(input: Array(Self.request.utf8), context: context) == nil, "the fast path used a version-0 file")
        #expect(try Self.userVersion(path) == 0, "the fast path wrote")

        let full = try env.run("git-credential-hforge", ["get"], input: Self.request)
        #expect(full.stdout == "username=x-access-token\npassword=tok-1\n", "\(full)")
        #expect(try Self.userVersion(path) == Int64(GrantStore.schema.version))
        let grants = try env.run("git", ["scope", "grants", "--json"])
        #expect(grants.code == 0 && grants.stdout.contains(Self.scope) && grants.stdout.contains("approved"), "\(grants)")
        #expect(CredentialFastPath.get(input: Array(Self.request.utf8), context: context) == full.stdout)
    }

    /// Written by a newer hyperforge: every database is refused, naming the
    /// file and both versions, and left byte for byte as it was.
    @Test func aNewerDatabaseIsRefusedNamingTheFileAndBothVersions() throws {
        let env = try TestEnvironment("state-newer")
        #expect(try env.run("git", ["scope", "set", Self.scope], input: "tok-1").code == 0)
        #expect(try env.run("git-credential-hforge", ["get"], input: Self.request).code == 0)
        let path = GrantStore.path(Paths(environment: env.environment))
        try Self.setVersion(path, 9)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(CredentialFastPath.get(input: Array(Self.request.utf8), context: env.context(in: env.root)) == nil)
        for args in [["scope", "grants"], ["scope", "get", Self.scope]] {
            let r = try env.run("git", args)
            #expect(r.code == 4, "\(r)")
            #expect(r.stderr.contains("\(path) (the grants database) has schema version 9, written by a newer hyperforge; this one reads versions up to 1"), "\(r)")
            #expect(r.stderr.contains("hint: ") && r.stderr.contains("mv \(path) \(path).v9"), "\(r)")
        }
        let helper = try env.run("git-credential-hforge", ["get"], input: Self.request)
        #expect(helper.stdout.isEmpty && helper.stderr.contains("schema version 9"), "\(helper)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try Self.userVersion(path) == 9)

        // The cache and the coordinator's database too.
        let cacheDir = env.root + "/gitdir"
        try FileManager.default.createDirectory(atPath: cacheDir + "/realm", withIntermediateDirectories: true)
        _ = try CheckCache(gitDirectory: cacheDir, warn: { _ in })
        try Self.setVersion(cacheDir + "/realm/cache.db", 3)
        #expect {
            _ = try CheckCache(gitDirectory: cacheDir, warn: { _ in })
        } throws: { error in
            (error as? SQLiteDatabase.NewerSchema).map { $0.found == 3 && $0.supported == 1 && $0.path == cacheDir + "/realm/cache.db" } ?? false
        }
        let coordinator = env.root + "/coordinator.db"
        _ = try CoordinatorStore(path: coordinator, warn: { _ in })
        let newer = Int(CoordinatorStore.schema.version) + 1
        try Self.setVersion(coordinator, newer)
        #expect {
            _ = try CoordinatorStore(path: coordinator, warn: { _ in })
        } throws: { error in
            (error as? SQLiteDatabase.NewerSchema)?.description.contains("\(coordinator) (the coordinator's database) has schema version \(newer)") ?? false
        }
    }

    /// Grants are the user's decisions: a damaged file is an error naming it, and stays as it is.
    @Test func aDamagedGrantsDatabaseIsNeverReplaced() throws {
        let env = try TestEnvironment("state-damaged")
        #expect(try env.run("git", ["scope", "set", Self.scope], input: "tok-1").code == 0)
        let path = GrantStore.path(Paths(environment: env.environment))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try Self.garbage(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let r = try env.run("git", ["scope", "grants"])
        #expect(r.code == 4, "\(r)")
        #expect(r.stderr.contains("error: \(path) (the grants database) is damaged (file is not a database); it was left as it is"), "\(r)")
        #expect(r.stderr.contains("hint: restore it from a backup, or move it aside") && r.stderr.contains("mv \(path) \(path).damaged"), "\(r)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: FilePaths.parent(path)!)
        #expect(!siblings.contains { $0.contains("corrupt") }, "\(siblings)")
        // The credential helper answers nothing from it and says why.
        let helper = try env.run("git-credential-hforge", ["get"], input: Self.request)
        #expect(helper.stdout.isEmpty && helper.stderr.contains("is damaged"), "\(helper)")
    }

    /// A damaged cache or coordinator database is moved to
    /// `NAME.corrupt-<time>`, kept byte for byte, with a warning naming both
    /// files; a new, current one takes its place (never the old one's
    /// journal: SQLite drops a journal that belongs to no database, and one
    /// still beside the file is moved with it). Damaged two ways: not a
    /// database at all, and a real one whose schema page was overwritten.
    @Test(arguments: ["not a database", "overwritten schema"])
    func aDamagedCacheOrCoordinatorDatabaseIsMovedAsideAndRebuilt(damage: String) throws {
        let env = try TestEnvironment("state-aside")
        let gitDir = env.root + "/gitdir"
        try FileManager.default.createDirectory(atPath: gitDir + "/realm", withIntermediateDirectories: true)
        let cache = gitDir + "/realm/cache.db", coordinator = env.root + "/coordinator.db"
        var reason = "file is not a database"
        if damage == "not a database" {
            for path in [cache, coordinator] {
                try Self.garbage(path)
                try Data("not a journal either".utf8).write(to: URL(fileURLWithPath: path + "-wal"))
            }
        } else {
            reason = "database disk image is malformed"
            _ = try CheckCache(gitDirectory: gitDir, warn: { _ in })
            _ = try CoordinatorStore(path: coordinator, warn: { _ in })
            for path in [cache, coordinator] {
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                for i in 100..<min(4096, bytes.count) { bytes[i] = 0xFF }   // page 1 past the header: sqlite_master
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
        }
        let damaged = try [cache, coordinator].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        var warnings: [String] = []
        let opened = try CheckCache(gitDirectory: gitDir, warn: { warnings.append($0) })
        try opened.storeContract(domain: "d", name: "c", version: "1.0.0", realmCommit: "abc", json: "{}")
        _ = try CoordinatorStore(path: coordinator, warn: { warnings.append($0) }).addSession(
            repo: "r", realm: "x", clientID: nil, pid: nil, path: nil, topic: nil, domains: [])
        #expect(warnings.count == 2, "\(warnings)")
        let cases = [(cache, "the realm check cache", CheckCache.schema), (coordinator, "the coordinator's database", CoordinatorStore.schema)]
        for (((path, name, schema), warning), before) in zip(zip(cases, warnings), damaged) {
            let fresh = schema.freshStart
            let dir = FilePaths.parent(path)!, base = FilePaths.lastComponent(path)
            let aside = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(base + ".corrupt-") }.sorted()
            #expect(aside.count >= 1 && aside.dropFirst().allSatisfy { $0 == aside[0] + "-wal" || $0 == aside[0] + "-shm" }, "\(aside)")
            guard let kept = aside.first else { continue }
            #expect(warning == "\(path) (\(name)) was damaged (\(reason)): moved it to \(dir)/\(kept) and started a new one (\(fresh))", "\(warning)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + kept)) == before, "the damaged file was not kept as it was")
            #expect(try Self.userVersion(path) == Int64(schema.version))
            if let wal = FileManager.default.contents(atPath: path + "-wal") { #expect(wal != Data("not a journal either".utf8)) }
        }
        #expect(try CheckCache(gitDirectory: gitDir, warn: { _ in }).contract(domain: "d", name: "c", version: "1.0.0", realmCommit: "abc") == "{}")
    }

    /// `git realm check` with a damaged cache warns on stderr, moves it aside and checks as usual.
    @Test func aCheckWithADamagedCacheWarnsAndGoesOn() throws {
        let w = try RealmCheckTests.world("state-check")
        let first = try w.run("aperture", "check", "--mode", "contract")
        #expect(first.code == 0, "\(first)")
        let gitDir = w.members["aperture"]! + "/.git"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: gitDir + "/realm/cache.db" + suffix) }
        try Self.garbage(gitDir + "/realm/cache.db")
        CheckReportCache.remove(gitDir: gitDir)     // else the kept report answers without cache.db
        let again = try w.run("aperture", "check", "--mode", "contract")
        #expect(again.code == 0, "\(again)")
        #expect(again.stderr.contains("warning: \(gitDir)/realm/cache.db (the realm check cache) was damaged (file is not a database): moved it to \(gitDir)/realm/cache.db.corrupt-"), "\(again)")
        #expect(again.stdout == first.stdout)
        #expect(try Self.userVersion(gitDir + "/realm/cache.db") == 1)
    }

    /// A migration runs in one transaction: one that fails part-way leaves
    /// the tables and the version as they were, and the next open (with the
    /// migration fixed) takes the file all the way.
    @Test func aFailingMigrationLeavesTheDatabaseAsItWas() throws {
        let env = try TestEnvironment("state-migrate")
        let path = env.root + "/m.db"
        try Self.unversioned(path, "CREATE TABLE kept (x TEXT);", rows: "INSERT INTO kept VALUES ('row');")
        let broken = SQLiteSchema(name: "a test database", migrations: [
            "CREATE TABLE IF NOT EXISTS kept (x TEXT); CREATE TABLE one (y TEXT);",
            "ALTER TABLE one ADD COLUMN z TEXT; INSERT INTO no_such_table VALUES (1);",
        ], whenDamaged: .refuse, freshStart: "nothing")
        #expect(throws: SQLiteDatabase.Error.self) { _ = try SQLiteDatabase.open(path: path, schema: broken, warn: { _ in }) }
        let db = try SQLiteDatabase(path: path)
        #expect(try db.query("PRAGMA user_version").first?.first?.integer == 0)
        #expect(try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { $0[0] } == [.text("kept")])

        var fixed = broken
        fixed.migrations[1] = "ALTER TABLE one ADD COLUMN z TEXT;"
        let migrated = try SQLiteDatabase.open(path: path, schema: fixed, warn: { _ in })
        #expect(try migrated.query("PRAGMA user_version").first?.first?.integer == 2)
        #expect(try migrated.query("SELECT x FROM kept") == [[.text("row")]])
        #expect(try migrated.query("SELECT count(*) FROM pragma_table_info('one')") == [[.integer(2)]])
    }
}
