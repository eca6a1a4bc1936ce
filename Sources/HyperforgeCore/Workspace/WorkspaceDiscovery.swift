import Glibc

/// Finding the repositories of a workspace: every git work tree below a
/// directory, and which of them the workspace commands take.
///
/// - A directory with a `.git` entry is a work tree: `.git` a directory is
///   a repository; `.git` a file is a submodule (its git directory is in its
///   superproject's `.git/modules`) or a linked worktree (`git worktree add`).
///   Each is a member when it has its own `.hyperforge/config.toml`, or,
///   with `allRepos`, when a `.hyperforge/defaults.toml` lies in a directory
///   above it inside the workspace (its config then comes from that chain).
/// - The walk goes on below a work tree (a repository nested in another's
///   work tree, untracked or ignored by the outer one, is a member of its
///   own, and so is a submodule), never into `.git` or a bare repository,
///   and never through a symbolic link: links are not followed, so nothing
///   outside the directory is reached (a link to a directory outside any
///   work tree is listed as skipped).
/// - `.hyperforge/ignore` files (gitignore syntax) in the workspace's
///   directories and above it, outside work trees, name directories to skip;
///   patterns are relative to the directory holding `.hyperforge`.
public enum WorkspaceDiscovery {
    public enum Kind: String, Sendable, Codable {
        case repository, submodule, worktree
    }

    /// A work tree the workspace commands take.
    public struct Member: Sendable, Equatable {
        /// Absolute path of the work tree.
        public var path: String
        /// Relative to the workspace directory (`.` for the directory itself).
        public var relativePath: String
        public var kind: Kind
        /// Why it is a member: its own config, or the defaults.toml it is under.
        public var reason: String
        /// Whether it has its own `.hyperforge/config.toml`.
        public var hasOwnConfig: Bool
    }

    /// A work tree, bare repository, link or directory that was passed over, and why.
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var relativePath: String
        public var reason: String
    }

    public struct Result: Sendable {
        public var root: String
        /// In path order (component by component, bytewise).
        public var members: [Member] = []
        public var skipped: [Skipped] = []
        public var warnings: [String] = []
    }

    /// The directory does not exist or is not a directory.
    public struct NotADirectory: HyperforgeError, Equatable {
        public let path: String
        public let reason: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "workspace directory \(path): \(reason)" }
        public var hint: String? { "pass an existing directory with --path DIR (default: the current directory)" }
    }

    public static func discover(root given: String, allRepos: Bool) throws(NotADirectory) -> Result {
        var st = stat()
        guard stat(given, &st) == 0 else { throw NotADirectory(path: given, reason: FileRead.reason(errno)) }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw NotADirectory(path: given, reason: "it is not a directory") }
        // The directory itself may be a link (the user named it); below it, nothing is followed.
        let root = FilePaths.real(given) ?? given
        var result = Result(root: root)
        var walker = Walker(root: root, allRepos: allRepos)
        walker.loadIgnoreFilesAbove()
        walker.walk()
        result.members = walker.members.sorted { pathOrder($0.relativePath, $1.relativePath) }
        result.skipped = walker.skipped.sorted { pathOrder($0.relativePath, $1.relativePath) }
        result.warnings = walker.warnings
        return result
    }

    /// Path order: component by component, bytewise (`a/b` before `a-b`, `.` first).
    public static func pathOrder(_ a: String, _ b: String) -> Bool {
        if a == "." || b == "." { return a == "." && b != "." }
        let x = a.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let y = b.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (p, q) in zip(x, y) where !p.elementsEqual(q) { return p.lexicographicallyPrecedes(q) }
        return x.count < y.count
    }

    struct Walker {
        let root: String
        let allRepos: Bool
        var members: [Member] = []
        var skipped: [Skipped] = []
        var warnings: [String] = []
        /// Ignore files that apply, outermost first.
        var ignores: [IgnoreRules] = []

        init(root: String, allRepos: Bool) {
            self.root = root
            self.allRepos = allRepos
        }

        func relative(_ path: String) -> String {
            path == root ? "." : String(path.dropFirst(root == "/" ? 1 : root.count + 1))
        }

        /// Ignore files in the directories above the workspace apply to it too.
        mutating func loadIgnoreFilesAbove() {
            var dirs: [String] = []
            var dir = FilePaths.parent(root)
            while let d = dir { dirs.append(d); dir = FilePaths.parent(d) }
            for d in dirs.reversed() { loadIgnoreFile(in: d) }
        }

        mutating func loadIgnoreFile(in dir: String) {
            let path = FilePaths.join(dir, ".hyperforge/ignore")
            guard FilePaths.entryExists(path) else { return }
            do {
                // Yours (or root's) and writable only by you, as a defaults.toml must be.
                guard let bytes = try FileTrust.read(path, limit: 1 << 20) else { return }
                ignores.append(IgnoreRules(base: dir, file: path, text: String(decoding: bytes, as: UTF8.self)))
            } catch {
                warnings.append("skipped \(path): \(error.description)" + (error.hint.map { "; \($0)" } ?? ""))
            }
        }

        /// The ignore rule that decides `path` (a directory), if it is ignored.
        func ignoredBy(_ path: String) -> (IgnoreRules, IgnoreRules.Rule)? {
            for rules in ignores.reversed() {
                let prefix = rules.base == "/" ? "/" : rules.base + "/"
                guard path.hasPrefix(prefix) else { continue }
                if let rule = rules.match(String(path.dropFirst(prefix.count)), isDirectory: true) {
                    return rule.negated ? nil : (rules, rule)
                }
            }
            return nil
        }

        struct Entry { var name: String; var type: UInt8 }

        func entries(_ dir: String) -> [Entry]? {
            guard let handle = opendir(dir) else { return nil }
            defer { closedir(handle) }
            var list: [Entry] = []
            while let e = readdir(handle) {
                let name = withUnsafePointer(to: &e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
                if name == "." || name == ".." { continue }
                var type = e.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    if lstat(FilePaths.join(dir, name), &st) == 0 {
                        switch st.st_mode & S_IFMT {
                        case S_IFDIR: type = UInt8(DT_DIR)
                        case S_IFLNK: type = UInt8(DT_LNK)
                        case S_IFREG: type = UInt8(DT_REG)
                        default: type = UInt8(DT_UNKNOWN)
                        }
                    }
                }
                list.append(Entry(name: name, type: type))
            }
            return list
        }

        mutating func walk() {
            // (directory, nearest defaults.toml directory inside the workspace, inside a work tree)
            var stack: [(String, String?, Bool)] = [(root, nil, false)]
            var ignoreDepth: [(String, Int)] = [] // ignore files added below the root, popped when leaving
            while let (dir, defaults, inWorkTree) = stack.popLast() {
                while let last = ignoreDepth.last, !(dir == last.0 || dir.hasPrefix(last.0 == "/" ? "/" : last.0 + "/")) {
                    ignores.removeLast(ignores.count - last.1)
                    ignoreDepth.removeLast()
                }
                guard let list = entries(dir) else {
                    skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "cannot be read: \(FileRead.reason(errno))"))
                    continue
                }
                let names = Set(list.map(\.name))
                // A bare repository (git's own test): not a work tree, never walked into.
                if names.contains("HEAD"), names.contains("objects"), names.contains("refs"), !names.contains(".git") {
                    skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "a bare repository (no work tree)"))
                    continue
                }
                var isWorkTree = false
                let hasOwnHyperforge = list.contains { $0.name == ConfigLoader.directoryName && $0.type == UInt8(DT_DIR) }
                if let git = list.first(where: { $0.name == ".git" }) {
                    isWorkTree = true
                    consider(dir, git: git, defaults: defaults, hasHyperforge: hasOwnHyperforge)
                }
                var nearestDefaults = defaults
                if !isWorkTree && !inWorkTree && hasOwnHyperforge {
                    let before = ignores.count
                    loadIgnoreFile(in: dir)
                    if ignores.count > before { ignoreDepth.append((dir, before)) }
                    if FilePaths.entryExists(FilePaths.join(dir, ".hyperforge/defaults.toml")) { nearestDefaults = dir }
                } else if hasOwnHyperforge && FilePaths.entryExists(FilePaths.join(dir, ".hyperforge/defaults.toml")) {
                    nearestDefaults = dir
                }
                let childrenInWorkTree = inWorkTree || isWorkTree
                // Pushed in reverse so that they are visited in name order.
                for entry in list.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }).reversed() {
                    let path = FilePaths.join(dir, entry.name)
                    if entry.type == UInt8(DT_LNK) {
                        if !childrenInWorkTree { noteLink(path) }
                        continue
                    }
                    guard entry.type == UInt8(DT_DIR), entry.name != ".git" else { continue }
                    if entry.name == ConfigLoader.directoryName { continue }
                    if let (rules, rule) = ignoredBy(path) {
                        if !childrenInWorkTree || FilePaths.entryExists(FilePaths.join(path, ".git")) {
                            skipped.append(Skipped(path: path, relativePath: relative(path), reason: "ignored by \(rules.file):\(rule.line) (\(rule.text))"))
                        }
                        continue
                    }
                    stack.append((path, nearestDefaults, childrenInWorkTree))
                }
            }
        }

        /// A link to a directory, outside any work tree: said, not followed.
        mutating func noteLink(_ path: String) {
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return }
            let target = FilePaths.real(path) ?? path
            let inside = target == root || target.hasPrefix(root + "/")
            skipped.append(Skipped(path: path, relativePath: relative(path),
                                   reason: "a symbolic link to \(target)\(inside ? "" : ", outside the workspace"): links are not followed"))
        }

        mutating func consider(_ dir: String, git: Entry, defaults: String?, hasHyperforge: Bool) {
            var kind = Kind.repository
            if git.type == UInt8(DT_LNK) {
                // Git would follow it to wherever it points: out of the workspace, perhaps.
                skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "its .git is a symbolic link: links are not followed"))
                return
            }
            if git.type != UInt8(DT_DIR) {
                // `gitdir: PATH`: into a superproject's modules (a submodule) or a repository's worktrees.
                let text = (try? FileRead.text(FilePaths.join(dir, ".git"), limit: 4096)).flatMap { $0 } ?? ""
                // The git directory it names must be inside the workspace too.
                if text.hasPrefix("gitdir:") {
                    let named = String(text.dropFirst("gitdir:".count)).trimmed()
                    let absolute = named.hasPrefix("/") ? named : FilePaths.join(dir, named)
                    let real = FilePaths.real(absolute) ?? FilePaths.normalize(absolute)
                    guard real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                        skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "its .git file names a git directory outside the workspace (\(named))"))
                        return
                    }
                }
                if text.contains("/modules/") { kind = .submodule } else if text.contains("/worktrees/") { kind = .worktree }
                else if !text.hasPrefix("gitdir:") {
                    skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "its .git is a file that names no git directory"))
                    return
                }
            }
            let own = hasHyperforge && FilePaths.entryExists(ConfigLoader.configPath(repoRoot: dir))
            let what = kind == .repository ? "" : " (\(kind.rawValue))"
            if own {
                members.append(Member(path: dir, relativePath: relative(dir), kind: kind, reason: "its own .hyperforge/config.toml\(what)", hasOwnConfig: true))
            } else if let defaults, defaults != dir {
                let file = FilePaths.join(defaults, ".hyperforge/defaults.toml")
                if allRepos {
                    members.append(Member(path: dir, relativePath: relative(dir), kind: kind, reason: "under \(file) (--all-repos)\(what)", hasOwnConfig: false))
                } else {
                    skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "no .hyperforge/config.toml\(what); under \(file), so --all-repos would take it"))
                }
            } else {
                skipped.append(Skipped(path: dir, relativePath: relative(dir), reason: "no .hyperforge/config.toml\(what), and no defaults.toml above it inside the workspace"))
            }
        }
    }
}
