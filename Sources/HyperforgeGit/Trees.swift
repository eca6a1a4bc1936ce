import CGit2Loader
import HyperforgeCore

extension Repository {
    /// Every file (blob) in the tree of the commit `refName` points at, by
    /// path, read with libgit2: no working copy is needed. Nil when the ref
    /// does not exist.
    public func files(atRef refName: String) throws(GitError) -> (commit: String, files: [String: [UInt8]])? {
        var oid = git_oid()
        let code = G.git_reference_name_to_id(&oid, pointer, refName)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "resolving \(refName)")
        return (Repository.hex(&oid), try files(at: &oid, describedAs: refName))
    }

    /// How much of a tree `files(atCommit:within:)` reads before it gives up.
    /// Each subtree counts as a file, so that a deep chain of empty
    /// directories (no blobs at all) costs as much as it makes us read.
    public struct TreeBudget: Sendable {
        public var files: Int
        public var bytes: Int
        public init(files: Int, bytes: Int) { self.files = files; self.bytes = bytes }
        public static let unbounded = TreeBudget(files: .max, bytes: .max)
    }

    /// Every file in the tree of commit `id`, or nil when it holds more than
    /// `budget` files or bytes (checked before each blob is copied, so a tree
    /// others wrote never fills memory).
    public func files(atCommit id: String, within budget: TreeBudget) throws(GitError) -> [String: [UInt8]]? {
        var irregular: [String: UInt32] = [:]
        return try files(atCommit: id, within: budget, irregular: &irregular)
    }

    /// As `files(atCommit:within:)`, and the entries that are not regular
    /// files (mode 100644), by path and mode: executables (100755), symbolic
    /// links (120000, their target's bytes are in `files`) and submodules
    /// (160000, not in `files`).
    public func files(atCommit id: String, within budget: TreeBudget, irregular: inout [String: UInt32]) throws(GitError) -> [String: [UInt8]]? {
        var oid = git_oid()
        try check(G.git_oid_fromstr(&oid, id), "parsing \(id)")
        var left = budget
        let files = try files(at: &oid, describedAs: String(id.prefix(12)), budget: &left, irregular: &irregular)
        return left.files < 0 || left.bytes < 0 ? nil : files
    }

    private func files(at oid: UnsafePointer<git_oid>, describedAs refName: String) throws(GitError) -> [String: [UInt8]] {
        var unbounded = TreeBudget.unbounded
        var irregular: [String: UInt32] = [:]
        return try files(at: oid, describedAs: refName, budget: &unbounded, irregular: &irregular)
    }

    private func files(at oid: UnsafePointer<git_oid>, describedAs refName: String, budget: inout TreeBudget,
                       irregular: inout [String: UInt32]) throws(GitError) -> [String: [UInt8]] {
        var commit: OpaquePointer?
        try check(G.git_commit_lookup(&commit, pointer, oid), "reading the commit of \(refName)")
        defer { G.git_commit_free(commit) }
        var tree: OpaquePointer?
        try check(G.git_commit_tree(&tree, commit), "reading the tree of \(refName)")
        var files: [String: [UInt8]] = [:]
        try collect(tree!, into: &files, irregular: &irregular, ref: refName, budget: &budget)
        return files
    }

    /// Walks the tree with a queue of subtrees, not by recursion: a tree
    /// pushed by someone else may nest thousands of levels deep, which
    /// recursion would answer with a stack overflow. Takes `root` (frees it).
    private func collect(_ root: OpaquePointer, into files: inout [String: [UInt8]], irregular: inout [String: UInt32], ref: String,
                         budget: inout TreeBudget) throws(GitError) {
        var pending: [(tree: OpaquePointer, prefix: String)] = [(root, "")]
        defer { for p in pending { G.git_tree_free(p.tree) } }
        while let (tree, prefix) = pending.popLast() {
            defer { G.git_tree_free(tree) }
            for i in 0..<G.git_tree_entrycount(tree) {
                guard budget.files >= 0 && budget.bytes >= 0 else { return }
                guard let entry = G.git_tree_entry_byindex(tree, i) else { continue }
                let name = String(cString: G.git_tree_entry_name(entry)!)
                let path = prefix.isEmpty ? name : prefix + "/" + name
                let id = G.git_tree_entry_id(entry)
                let mode = G.git_tree_entry_filemode(entry).rawValue
                switch G.git_tree_entry_type(entry) {
                case GIT_OBJECT_TREE:
                    budget.files -= 1
                    guard budget.files >= 0 else { return }
                    var sub: OpaquePointer?
                    try check(G.git_tree_lookup(&sub, pointer, id), "reading \(path) in \(ref)")
                    pending.append((sub!, path))
                case GIT_OBJECT_BLOB:
                    if mode != GIT_FILEMODE_BLOB.rawValue { irregular[path] = mode }
                    var blob: OpaquePointer?
                    try check(G.git_blob_lookup(&blob, pointer, id), "reading \(path) in \(ref)")
                    defer { G.git_blob_free(blob) }
                    let size = Int(G.git_blob_rawsize(blob))
                    budget.files -= 1
                    budget.bytes = budget.bytes == .max ? .max : budget.bytes - size
                    guard budget.files >= 0 && budget.bytes >= 0 else { return }
                    if let raw = G.git_blob_rawcontent(blob), size > 0 {
                        files[path] = Array(UnsafeRawBufferPointer(start: raw, count: size))
                    } else {
                        files[path] = []
                    }
                default:
                    irregular[path] = mode // a submodule (a commit): its files are not here
                }
            }
        }
    }
}

extension Repository {
    /// The bytes of `path` in the tree of commit `id` (hex); nil when the
    /// commit has no such file.
    public func file(atCommit id: String, path: String) throws(GitError) -> [UInt8]? {
        var oid = git_oid()
        try check(G.git_oid_fromstr(&oid, id), "parsing \(id)")
        var commit: OpaquePointer?
        try check(G.git_commit_lookup(&commit, pointer, &oid), "reading commit \(id.prefix(12))")
        defer { G.git_commit_free(commit) }
        var tree: OpaquePointer?
        try check(G.git_commit_tree(&tree, commit), "reading the tree of \(id.prefix(12))")
        defer { G.git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = G.git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "finding \(path) in \(id.prefix(12))")
        defer { G.git_tree_entry_free(entry) }
        guard G.git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        var blob: OpaquePointer?
        try check(G.git_blob_lookup(&blob, pointer, G.git_tree_entry_id(entry)), "reading \(path) in \(id.prefix(12))")
        defer { G.git_blob_free(blob) }
        let size = Int(G.git_blob_rawsize(blob))
        guard size > 0, let raw = G.git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}

extension Repository {
    /// What a path is in a commit's tree.
    public enum TreeEntryKind: Equatable, Sendable {
        /// A regular file (mode 100644 or 100755).
        case file(executable: Bool)
        case symlink
        case directory
        /// A submodule (gitlink).
        case submodule
    }

    /// What `path` is in the tree of the commit `refName` resolves to (e.g. `HEAD`);
    /// nil when the ref does not resolve (an unborn branch) or the tree has no such path.
    public func treeEntry(atRef refName: String, path: String) throws(GitError) -> TreeEntryKind? {
        try withTreeEntry(atRef: refName, path: path) { entry in
            switch G.git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_BLOB: return .file(executable: false)
            case GIT_FILEMODE_BLOB_EXECUTABLE: return .file(executable: true)
            case GIT_FILEMODE_LINK: return .symlink
            case GIT_FILEMODE_TREE: return .directory
            default: return .submodule
            }
        }
    }

    /// `MODE:BLOB` (octal mode, hex id) of `path` in the tree of the commit
    /// `refName` resolves to; nil when the ref does not resolve or the tree has
    /// no such path. A cache key for what HEAD says about a file.
    public func treeEntryID(atRef refName: String, path: String) throws(GitError) -> String? {
        try withTreeEntry(atRef: refName, path: path) { entry in
            guard let id = G.git_tree_entry_id(entry) else { return nil }
            return String(G.git_tree_entry_filemode(entry).rawValue, radix: 8) + ":" + Repository.hex(id)
        }
    }

    /// `body` on the entry for `path` in the tree of the commit `refName`
    /// resolves to (valid only inside `body`); nil when the ref does not
    /// resolve (an unborn branch) or the tree has no such path.
    private func withTreeEntry<T>(atRef refName: String, path: String, _ body: (OpaquePointer?) -> T?) throws(GitError) -> T? {
        var oid = git_oid()
        let resolved = G.git_reference_name_to_id(&oid, pointer, refName)
        if resolved == GIT_ENOTFOUND.rawValue || resolved == GIT_EUNBORNBRANCH.rawValue { return nil }
        try check(resolved, "resolving \(refName)")
        var commit: OpaquePointer?
        try check(G.git_commit_lookup(&commit, pointer, &oid), "reading the commit of \(refName)")
        defer { G.git_commit_free(commit) }
        var tree: OpaquePointer?
        try check(G.git_commit_tree(&tree, commit), "reading the tree of \(refName)")
        defer { G.git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = G.git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "finding \(path) in \(refName)")
        defer { G.git_tree_entry_free(entry) }
        return body(entry)
    }

    /// Whether commit `descendant` has commit `ancestor` in its history, so that
    /// moving a ref from `ancestor` to `descendant` is a fast-forward (equal ids: true).
    /// The parents of commit `id`, in order.
    public func parents(of id: String) throws(GitError) -> [String] {
        var oid = git_oid()
        try check(G.git_oid_fromstr(&oid, id), "parsing \(id)")
        var commit: OpaquePointer?
        try check(G.git_commit_lookup(&commit, pointer, &oid), "reading commit \(id.prefix(12))")
        defer { G.git_commit_free(commit) }
        return (0..<G.git_commit_parentcount(commit)).compactMap { G.git_commit_parent_id(commit, $0).map { Repository.hex($0) } }
    }

    public func isDescendant(_ descendant: String, of ancestor: String) throws(GitError) -> Bool {
        if descendant == ancestor { return true }
        var a = git_oid(), d = git_oid()
        try check(G.git_oid_fromstr(&d, descendant), "parsing \(descendant)")
        try check(G.git_oid_fromstr(&a, ancestor), "parsing \(ancestor)")
        let code = G.git_graph_descendant_of(pointer, &d, &a)
        try check(code, "comparing the histories of \(descendant.prefix(12)) and \(ancestor.prefix(12))")
        return code == 1
    }
}
