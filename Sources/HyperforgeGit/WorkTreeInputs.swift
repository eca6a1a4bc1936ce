import CGit2Loader
import Glibc
import HyperforgeCore

extension Repository {
    /// The most work-tree entries whose fingerprints a cached answer keeps:
    /// a larger work tree is read by libgit2 every time.
    public static let largestRecordedWorkTree = 20_000

    /// `workTreeChanges()`, with every file and directory its answer depends
    /// on recorded in `recorder` first (fingerprinted before libgit2 reads
    /// them), so that a later run whose fingerprints all match may reuse
    /// the answer:
    ///
    /// - in the git directory: the index, HEAD, the branch it names (loose
    ///   and packed-refs), the config, info/exclude and info/attributes;
    /// - the global excludes and attributes files git reads;
    /// - every directory of the work tree that is not ignored (a file added,
    ///   removed or renamed in it changes its fingerprint), and every entry
    ///   in them, `.git` and what `.gitignore` excludes as directories left
    ///   out; every path the index tracks, and the directory holding it.
    ///
    /// `recorder.cacheable` is cleared when the answer depends on something
    /// the fingerprints cannot see: a submodule (its own work tree), included
    /// config files, no work tree, or more than `largestRecordedWorkTree` entries.
    public func workTreeChanges(recording recorder: inout InputRecorder, environment: [String: String]) throws(GitError) -> WorkTreeChanges {
        guard let root = workingDirectory else {
            recorder.cacheable = false
            return try workTreeChanges()
        }
        recordWorkTreeInputs(root: root, into: &recorder, environment: environment)
        return try workTreeChanges()
    }

    private func recordWorkTreeInputs(root: String, into recorder: inout InputRecorder, environment: [String: String]) {
        for name in ["index", "HEAD", "packed-refs", "config", "commondir", "info/exclude", "info/attributes"] {
            recorder.record(FilePaths.join(gitDirectory, name))
        }
        if let branch = CachedRepository.headBranchRef(gitDir: gitDirectory) { recorder.record(FilePaths.join(gitDirectory, branch)) }
        // Included files could name other excludes or attributes files.
        if (try? config.entries(where: { $0.hasPrefix("include.") || $0.hasPrefix("includeif.") }))?.isEmpty != true {
            recorder.cacheable = false
        }
        let paths = Paths(environment: environment)
        for (key, fallback) in [("core.excludesFile", "git/ignore"), ("core.attributesFile", "git/attributes")] {
            let configured = (try? config.string(key)).flatMap { $0 }.map(paths.expandTilde)
            let path = configured.map { $0.hasPrefix("/") ? $0 : FilePaths.join(root, $0) } ?? FilePaths.join(paths.configHome, fallback)
            recorder.record(path)
        }

        var count = 0
        // The work tree, from the top, directories recorded before they are listed.
        var stack = [root]
        while let dir = stack.popLast() {
            recorder.record(dir)
            guard let handle = opendir(dir) else { continue }
            var directories: [String] = []
            while let e = readdir(handle) {
                let name = withUnsafePointer(to: &e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
                if name == "." || name == ".." || name == ".git" { continue }
                count += 1
                if count > Repository.largestRecordedWorkTree { closedir(handle); recorder.cacheable = false; return }
                let path = FilePaths.join(dir, name)
                var type = e.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { type = UInt8(DT_DIR) }
                }
                if type == UInt8(DT_DIR) { directories.append(path) } else { recorder.record(path) }
            }
            closedir(handle)
            // Only now (this directory's .gitignore fingerprinted before libgit2 reads it): which to go into.
            for path in directories where !isIgnored(String(path.dropFirst(root.count + 1)) + "/") { stack.append(path) }
        }

        // What the index tracks (in ignored directories too), and whether any is a submodule.
        var index: OpaquePointer?
        guard G.git_repository_index(&index, pointer) == 0, let index else { recorder.cacheable = false; return }
        defer { G.git_index_free(index) }
        var lastDirectory = ""
        for i in 0..<G.git_index_entrycount(index) {
            guard let entry = G.git_index_get_byindex(index, i) else { continue }
            if entry.pointee.mode & 0o170000 == 0o160000 { recorder.cacheable = false; return }
            let path = FilePaths.join(root, String(cString: entry.pointee.path))
            if let parent = FilePaths.parent(path), parent != lastDirectory {
                recorder.record(parent)
                lastDirectory = parent
            }
            recorder.record(path)
        }
    }

    /// Whether git ignores `relative` (a directory's path ends with `/`).
    private func isIgnored(_ relative: String) -> Bool {
        var ignored: Int32 = 0
        return G.git_ignore_path_is_ignored(&ignored, pointer, relative) == 0 && ignored == 1
    }
}
