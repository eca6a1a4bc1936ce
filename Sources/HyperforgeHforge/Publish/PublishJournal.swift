import FoundationEssentials
import HyperforgeCore

/// The record of one release in progress, `.git/hforge/publish.json`,
/// rewritten atomically (0600) before and after each step, so that after an
/// interruption at any point (kill -9 included) `publish --resume` knows
/// what was done, what may have been half done, and never publishes twice.
/// The files' bytes before the bump are kept in it, for the roll-back.
struct PublishJournal: Codable, Sendable, Equatable {
    static let steps = ["bump", "build", "test", "publish", "commit", "tag", "push"]

    struct File: Codable, Sendable, Equatable {
        /// Relative to the repository's root.
        var path: String
        /// Base64 of the bytes before and after the bump; nil: the file did not exist.
        var before: String?
        var after: String?
    }

    var format = 1
    /// The (first) package kind: "cargo", "npm", "pypi" or "swift".
    var kind = "cargo"
    var package: String
    var previousVersion: String
    var version: String
    /// The crate's directory, relative to the repository's root ("." for the root).
    var directory: String
    var registry: String
    var branch: String
    var startCommit: String
    var tag: String
    var message: String
    var push: Bool
    var forges: [String]
    var build: [[String]]
    var test: [[String]]
    /// Why `test` is empty when the kind says so ("no test targets"); nil in journals written before it.
    var testSkipped: String?
    var files: [File]
    /// Step name -> "started" or "done".
    var state: [String: String] = [:]
    var pushed: [String] = []
    var releaseCommit: String?
    /// The publish step found the version on the registry already.
    var alreadyOnRegistry = false
    /// Several kinds in one directory (a crate with Python bindings: Cargo.toml
    /// and pyproject.toml), released together in this order: every package,
    /// the first being the one the fields above name. Nil: one package.
    var parts: [Part]?

    struct Part: Codable, Sendable, Equatable {
        var kind: String
        var package: String
        var previousVersion: String
        var registry: String
        /// Its upload is done (or the registry had the version already).
        var published = false
        var alreadyOnRegistry = false
    }

    /// Every package of the release, in publish order.
    var releases: [Part] {
        parts ?? [Part(kind: kind, package: package, previousVersion: previousVersion, registry: registry, published: isDone("publish"), alreadyOnRegistry: alreadyOnRegistry)]
    }

    static func path(gitDirectory: String) -> String {
        FilePaths.join(FilePaths.join(gitDirectory, "hforge"), "publish.json")
    }

    static func load(_ path: String) throws -> PublishJournal? {
        let bytes: [UInt8]?
        do { bytes = try FileRead.bytes(path, limit: 64 << 20) } catch { throw PublishError.unreadable(path: path, reason: error.reason) }
        guard let bytes else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(PublishJournal.self, from: Data(bytes))
        } catch {
            throw PublishError.journalMismatch(path: path, reason: "it is not a journal this version of git-hforge can read")
        }
    }

    func save(_ path: String) throws {
        let bytes = try PublishJournal.encoded(self, path: path)
        if let dir = FilePaths.parent(path) { try FilePaths.makeDirectories(dir, mode: 0o700) }
        // Not fsynced: every step looks at the world before it is redone (the
        // registry, HEAD, the tag, the forges), so a journal a power cut
        // rolled back costs re-checks, never a second publish; kill -9 keeps it.
        try AtomicFile.write(bytes, to: path, mode: 0o600, durable: false)
    }

    /// A journal's bytes: JSON, snake_case keys, sorted (this one and the workspace's).
    static func encoded(_ value: some Encodable, path: String) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(value)) } catch { throw PublishError.unreadable(path: path, reason: "the journal could not be encoded") }
    }

    /// Refuses a journal that names a path outside the work tree `root` (or
    /// reached through a symbolic link), or a tag or branch git would take
    /// for an option: a hand-edited journal must not make --resume or
    /// --abort write elsewhere.
    func checkConfined(root: String, journalPath: String) throws {
        func refuse(_ entry: String, _ reason: String) -> WorkspacePublishError {
            .journalEntryRefused(journal: journalPath, entry: entry, reason: reason, workspace: false)
        }
        if let p = JournalConfinement.problem(directory, in: root) { throw refuse("directory", p) }
        for (i, file) in files.enumerated() {
            if let p = JournalConfinement.problem(file.path, in: root) { throw refuse("files[\(i)].path", p) }
            if file.path == "." { throw refuse("files[\(i)].path", "is the work tree itself, not a file") }
        }
        if let p = JournalConfinement.refNameProblem(tag) { throw refuse("tag", p) }
        if let p = JournalConfinement.refNameProblem(branch) { throw refuse("branch", p) }
    }

    func isDone(_ step: String) -> Bool { state[step] == "done" }

    /// The first step not done.
    var current: String? { PublishJournal.steps.first { !isDone($0) } }

    static func encode(_ bytes: [UInt8]?) -> String? { bytes.map { Data($0).base64EncodedString() } }
    static func decode(_ text: String?) -> [UInt8]? { text.flatMap { Data(base64Encoded: $0) }.map { Array($0) } }
}
