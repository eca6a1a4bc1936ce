import FoundationEssentials
import Glibc
import HyperforgeCore

/// The record of one `workspace publish` in progress, under the user's state
/// directory (`$XDG_STATE_HOME/hyperforge/workspace-publish/`, 0700), one
/// file (0600) per workspace, named after the canonical workspace path. It
/// holds the plan (order, versions, requirements) and, per package, how far
/// it got and the per-repository journal (`.git/hforge/publish.json`) that
/// drove its release, so `--resume` carries on without publishing twice.
struct WorkspacePublishJournal: Codable, Sendable, Equatable {
    struct Package: Codable, Sendable, Equatable {
        /// The repository's work tree, relative to the workspace ("." for the workspace itself).
        var repository: String
        /// The package's directory, relative to the repository ("." for its root).
        var directory: String
        var name: String
        /// The first kind (the one that names the package), as every journal has it.
        var kind: String
        /// Every kind released together from the directory, in publish order
        /// (PackageKind.loadAll); nil in journals written before it was recorded.
        var kinds: [String]?
        /// Every kind: `kinds`, or `kind` alone for an older journal.
        var allKinds: [String] { kinds ?? [kind] }
        var previousVersion: String
        var version: String
        var tag: String
        /// The new versions of the workspace packages it requires (PackageKind.key -> version).
        var requirements: [String: String]
        /// "pending", "started", "failed" or "done".
        var state = "pending"
        /// The per-repository journal that drives its release, relative to the repository.
        var journal: String
        var commit: String?
        var alreadyOnRegistry = false
    }

    var format = 1
    /// The canonical workspace path.
    var workspace: String
    var bump: String
    var noPush: Bool
    var packages: [Package]

    /// `$XDG_STATE_HOME/hyperforge/workspace-publish/NAME-HASH.json` for the canonical `workspace`.
    static func path(workspace: String, context: Context) -> String {
        // FNV-1a of the path: the name must stay short whatever the path's length.
        var hash: UInt64 = 0xcbf29ce484222325
        for b in workspace.utf8 { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        let hex = String(hash, radix: 16)
        let name = String(FilePaths.lastComponent(workspace).unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }.prefix(40))
        return context.paths.stateHome + "/hyperforge/workspace-publish/" + (name.isEmpty ? "" : name + "-") + String(repeating: "0", count: 16 - hex.count) + hex + ".json"
    }

    /// The journal at `path`, or nil. Refused when it is a symbolic link, is
    /// not the user's own 0600 file, is for another workspace, or names a
    /// repository or directory outside the workspace (or through a link).
    static func load(_ path: String, workspace: String) throws -> WorkspacePublishJournal? {
        func refuse(_ entry: String, _ reason: String) -> WorkspacePublishError {
            .journalEntryRefused(journal: path, entry: entry, reason: reason, workspace: true)
        }
        var st = stat()
        if lstat(path, &st) != 0 { return nil }
        if st.st_mode & S_IFMT == S_IFLNK { throw refuse("(the file itself)", "is a symbolic link") }
        let bytes: [UInt8]
        do {
            guard let b = try FileTrust.read(path, kind: .privateFile, limit: 16 << 20) else { return nil }
            bytes = b
        } catch {
            throw refuse("(the file itself)", "is not yours alone to read and write: \(error.description)")
        }
        let journal: WorkspacePublishJournal
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            journal = try decoder.decode(WorkspacePublishJournal.self, from: Data(bytes))
        } catch {
            throw refuse("(the file itself)", "is not a workspace journal this version of git-hforge can read")
        }
        guard journal.workspace == workspace else { throw refuse("workspace", "names \(TerminalText.inline(journal.workspace)), not \(workspace)") }
        for (i, p) in journal.packages.enumerated() {
            if let problem = JournalConfinement.problem(p.repository, in: workspace) { throw refuse("packages[\(i)].repository", problem) }
            let repo = p.repository == "." ? workspace : FilePaths.join(workspace, p.repository)
            if let problem = JournalConfinement.problem(p.directory, in: repo) { throw refuse("packages[\(i)].directory", problem) }
            if let problem = JournalConfinement.problem(p.journal, in: repo) { throw refuse("packages[\(i)].journal", problem) }
            if let problem = JournalConfinement.refNameProblem(p.tag) { throw refuse("packages[\(i)].tag", problem) }
            guard ["pending", "started", "failed", "done"].contains(p.state) else { throw refuse("packages[\(i)].state", "is not a state workspace publish writes") }
            guard ReleaseVersion(p.version) != nil else { throw refuse("packages[\(i)].version", "is not a SemVer version") }
            if let kinds = p.kinds, kinds.first != p.kind { throw refuse("packages[\(i)].kinds", "does not begin with its kind \(TerminalText.inline(p.kind))") }
        }
        return journal
    }

    func save(_ path: String) throws {
        let bytes = try PublishJournal.encoded(self, path: path)
        if let dir = FilePaths.parent(path) { try FileTrust.prepareDirectory(dir) }
        try AtomicFile.write(bytes, to: path, mode: 0o600, durable: false)
    }

    /// The first package not done.
    var current: Package? { packages.first { $0.state != "done" } }
}

/// The order in which a workspace's packages publish: each after the ones it requires.
enum PublishOrder {
    /// `requires[i]`: the indices package `i` requires. The order visits the
    /// packages as given (path order), each after what it requires; a cycle
    /// is refused with its path of names.
    static func order(names: [String], requires: [[Int]]) throws -> [Int] {
        var state = [UInt8](repeating: 0, count: names.count) // 0 new, 1 on the stack, 2 placed
        var order: [Int] = []
        var stack: [Int] = []
        func visit(_ i: Int) throws {
            if state[i] == 2 { return }
            if state[i] == 1 {
                let from = stack.firstIndex(of: i)!
                throw WorkspacePublishError.cycle(path: (stack[from...] + [i]).map { names[$0] })
            }
            state[i] = 1
            stack.append(i)
            for d in requires[i] { try visit(d) }
            stack.removeLast()
            state[i] = 2
            order.append(i)
        }
        for i in names.indices { try visit(i) }
        return order
    }
}
