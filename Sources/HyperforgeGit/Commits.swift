import CGit2Loader
import HyperforgeCore

/// Who wrote a commit, and when.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since 1970.
    public var time: Int64
    /// Minutes east of UTC.
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

extension Repository {
    /// The directory shared by all worktrees (where refs and objects live).
    public var commonDirectory: String {
        guard let c = G.git_repository_commondir(pointer) else { return gitDirectory }
        let s = String(cString: c)
        return s.count > 1 && s.hasSuffix("/") ? String(s.dropLast()) : s
    }

    /// Writes `files` (path -> bytes, `/`-separated paths) as a tree and a
    /// commit on top of `parent` (hex, or nil for a root commit) into the
    /// object database, without touching any ref, index or working tree.
    /// Returns the new commit's id.
    public func writeCommit(files: [String: [UInt8]], parent: String?, message: String,
                            author: Signature) throws(GitError) -> String {
        final class Dir { var files: [String: [UInt8]] = [:]; var dirs: [String: Dir] = [:] }
        let root = Dir()
        for (path, bytes) in files {
            let parts = path.split(separator: "/").map(String.init)
            var dir = root
            for part in parts.dropLast() {
                if let d = dir.dirs[part] { dir = d } else { let d = Dir(); dir.dirs[part] = d; dir = d }
            }
            dir.files[parts.last!] = bytes
        }
        func write(_ dir: Dir, _ where_: String) throws(GitError) -> git_oid {
            var builder: OpaquePointer?
            try check(G.git_treebuilder_new(&builder, pointer, nil), "building the tree of \(where_)")
            defer { G.git_treebuilder_free(builder) }
            for (name, bytes) in dir.files {
                var blob = git_oid()
                let code = bytes.withUnsafeBytes { G.git_blob_create_from_buffer(&blob, pointer, $0.baseAddress, $0.count) }
                try check(code, "writing \(where_)\(name)")
                try check(G.git_treebuilder_insert(nil, builder, name, &blob, GIT_FILEMODE_BLOB), "adding \(where_)\(name)")
            }
            for (name, sub) in dir.dirs {
                var tree = try write(sub, where_ + name + "/")
                try check(G.git_treebuilder_insert(nil, builder, name, &tree, GIT_FILEMODE_TREE), "adding \(where_)\(name)/")
            }
            var id = git_oid()
            try check(G.git_treebuilder_write(&id, builder), "writing the tree of \(where_.isEmpty ? "/" : where_)")
            return id
        }
        var treeID = try write(root, "")
        var tree: OpaquePointer?
        try check(G.git_tree_lookup(&tree, pointer, &treeID), "reading the new tree")
        defer { G.git_tree_free(tree) }

        var parentCommit: OpaquePointer?
        if let parent {
            var oid = git_oid()
            try check(G.git_oid_fromstr(&oid, parent), "parsing \(parent)")
            try check(G.git_commit_lookup(&parentCommit, pointer, &oid), "reading commit \(parent.prefix(12))")
        }
        defer { if parentCommit != nil { G.git_commit_free(parentCommit) } }

        var signature: UnsafeMutablePointer<git_signature>?
        try check(G.git_signature_new(&signature, author.name, author.email, author.time, author.offsetMinutes), "making the commit's signature")
        defer { G.git_signature_free(signature) }

        var id = git_oid()
        if let parentCommit {
            var parents: [OpaquePointer?] = [parentCommit]
            try check(G.git_commit_create(&id, pointer, nil, signature, signature, "UTF-8", message, tree, 1, &parents), "writing the commit")
        } else {
            try check(G.git_commit_create(&id, pointer, nil, signature, signature, "UTF-8", message, tree, 0, nil), "writing the commit")
        }
        return Repository.hex(&id)
    }

    /// Points `name` at commit `id` (hex), creating or moving it, with a reflog message.
    public func setReference(_ name: String, to id: String, message: String) throws(GitError) {
        var oid = git_oid()
        try check(G.git_oid_fromstr(&oid, id), "parsing \(id)")
        var ref: OpaquePointer?
        try check(G.git_reference_create(&ref, pointer, name, &oid, 1, message), "updating \(name)")
        G.git_reference_free(ref)
    }

    /// Deletes `name`; nothing happens when it does not exist.
    public func deleteReference(_ name: String) throws(GitError) {
        let code = G.git_reference_remove(pointer, name)
        if code == GIT_ENOTFOUND.rawValue { return }
        try check(code, "deleting \(name)")
    }
}
