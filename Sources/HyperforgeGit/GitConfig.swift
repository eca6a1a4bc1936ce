
import CGit2Loader
import FoundationEssentials
import HyperforgeCore

/// A git configuration: every level git reads, or one level for writing.
public final class GitConfig {
    let pointer: OpaquePointer

    /// The levels of git's configuration, lowest precedence first.
    public enum Level: Int32, Sendable, CaseIterable {
        case system = 2
        case xdg = 3
        case global = 4
        case local = 5
        case app = 6

        var raw: git_config_level_t { git_config_level_t(rawValue) }
    }

    init(pointer: OpaquePointer) { self.pointer = pointer }
    deinit { G.git_config_free(pointer) }

    /// The configuration git uses in the repository at `gitDirectory`, built
    /// from the files git would read given `environment` (git's own rules:
    /// `GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM`, `GIT_CONFIG_GLOBAL`,
    /// `XDG_CONFIG_HOME`, `HOME`). libgit2 alone does not honour the
    /// `GIT_CONFIG_*` variables, and reads the process environment only.
    static func forRepository(_ repo: OpaquePointer?, gitDirectory: String, environment env: [String: String]) throws(GitError) -> GitConfig {
        var raw: OpaquePointer?
        try check(G.git_config_new(&raw), "creating a configuration")
        let config = GitConfig(pointer: raw!)
        for (path, level) in files(gitDirectory: gitDirectory, environment: env)
        where level == .local || FileManager.default.fileExists(atPath: path) {
            try check(G.git_config_add_file_ondisk(config.pointer, path, level.raw, repo, 0), "reading \(path)")
        }
        return config
    }

    /// The files git reads its configuration from, lowest precedence first
    /// (whether they exist or not).
    public static func files(gitDirectory: String, environment env: [String: String]) -> [(path: String, level: Level)] {
        let paths = Paths(environment: env)
        var files: [(String, Level)] = []
        if !isTruthy(env["GIT_CONFIG_NOSYSTEM"]) {
            files.append((env["GIT_CONFIG_SYSTEM"] ?? "/etc/gitconfig", .system))
        }
        if let global = env["GIT_CONFIG_GLOBAL"] {
            if !global.isEmpty && global != "/dev/null" { files.append((global, .global)) }
        } else {
            files.append((FilePaths.join(paths.configHome, "git/config"), .xdg))
            files.append((FilePaths.join(paths.home, ".gitconfig"), .global))
        }
        files.append((FilePaths.join(gitDirectory, "config"), .local))
        return files
    }

    static func isTruthy(_ value: String?) -> Bool {
        guard let v = value?.lowercased() else { return false }
        return v == "1" || v == "true" || v == "yes" || v == "on"
    }

    /// This configuration narrowed to one level, for writing there.
    public func level(_ level: Level) throws(GitError) -> GitConfig {
        var raw: OpaquePointer?
        try check(G.git_config_open_level(&raw, pointer, level.raw), "opening the \(level) configuration")
        return GitConfig(pointer: raw!)
    }

    /// The value git would use for `name`, or nil.
    public func string(_ name: String) throws(GitError) -> String? {
        var buf = git_buf()
        let code = G.git_config_get_string_buf(&buf, pointer, name)
        defer { G.git_buf_dispose(&buf) }
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "reading \(name)")
        return buf.ptr.map { String(cString: $0) } ?? ""
    }

    /// Every value of a multi-valued key, lowest level first.
    public func all(_ name: String) throws(GitError) -> [String] {
        let normalised = GitConfig.normalised(name)
        return try entries(where: { $0 == normalised }).map(\.value)
    }

    /// `name` as libgit2 names entries: section and key lowercased, a
    /// subsection (`credential.<URL>.helper`, `remote.<name>.url`) as written.
    static func normalised(_ name: String) -> String {
        guard let first = name.firstIndex(of: "."), let last = name.lastIndex(of: "."), first != last else { return name.lowercased() }
        return name[..<first].lowercased() + name[first...last] + name[name.index(after: last)...].lowercased()
    }

    public struct Entry: Sendable, Equatable {
        /// The key in git's normalised form (section and key lowercased).
        public let name: String
        public let value: String
        public let level: Int32
    }

    /// Every entry whose normalised name `wanted` accepts, lowest level first.
    /// Names are matched here, not by libgit2: libgit2 1.5's regex matching
    /// (`git_config_iterator_glob_new`, and `git_remote_list` over it) leaks
    /// the PCRE2 match data, with its 20 KB frame vector, of every entry that
    /// does not match (measured with heaptrack on `remote pull` of 50
    /// repositories: 1,100 such leaks, 21.5 MB, about 120 KB of resident
    /// memory per repository; the reason pull's peak grew with the count).
    public func entries(where wanted: (String) -> Bool) throws(GitError) -> [Entry] {
        var iterator: OpaquePointer?
        try check(G.git_config_iterator_new(&iterator, pointer), "listing configuration")
        return try GitConfig.drain(iterator, "listing configuration", wanted)
    }

    /// Every entry whose normalised name matches `regex` (POSIX ERE), by
    /// libgit2 (which leaks per entry that does not match: see `entries(where:)`,
    /// for anything called once per repository).
    public func entries(matching regex: String) throws(GitError) -> [Entry] {
        var iterator: OpaquePointer?
        try check(G.git_config_iterator_glob_new(&iterator, pointer, regex), "listing configuration \(regex)")
        return try GitConfig.drain(iterator, "listing configuration \(regex)") { _ in true }
    }

    /// The entries `iterator` yields that `wanted` accepts; frees it.
    private static func drain(_ iterator: OpaquePointer?, _ what: String, _ wanted: (String) -> Bool) throws(GitError) -> [Entry] {
        defer { G.git_config_iterator_free(iterator) }
        var result: [Entry] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let code = G.git_config_next(&entry, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try check(code, what)
            guard let e = entry?.pointee else { continue }
            let name = String(cString: e.name)
            guard wanted(name) else { continue }
            result.append(Entry(name: name, value: e.value.map { String(cString: $0) } ?? "", level: Int32(e.level.rawValue)))
        }
        return result
    }

    public func set(_ name: String, _ value: String) throws(GitError) {
        try check(G.git_config_set_string(pointer, name, value), "setting \(name)")
    }

    /// Adds one more value to a multi-valued key.
    public func add(_ name: String, _ value: String) throws(GitError) {
        // A pattern that matches no existing value makes libgit2 append.
        try check(G.git_config_set_multivar(pointer, name, "^$a", value), "adding \(name)")
    }

    /// Removes `name` (every value of it). Missing keys are not an error.
    public func remove(_ name: String) throws(GitError) {
        let code = G.git_config_delete_multivar(pointer, name, ".*")
        if code == GIT_ENOTFOUND.rawValue { return }
        try check(code, "removing \(name)")
    }

    /// Removes the values of `name` equal to `value`.
    public func remove(_ name: String, value: String) throws(GitError) {
        let code = G.git_config_delete_multivar(pointer, name, "^" + GitConfig.escapeRegex(value) + "$")
        if code == GIT_ENOTFOUND.rawValue { return }
        try check(code, "removing \(name)")
    }

    /// Escapes the POSIX ERE metacharacters of `s`.
    public static func escapeRegex(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
