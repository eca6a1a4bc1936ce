import FoundationEssentials
import Glibc
import TOMLKit

/// Who can see a repository on its forges.
public enum Visibility: String, Sendable, Codable, CaseIterable {
    case `public`, `private`, `internal`
}

/// A value and where it was set.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var origin: Origin

    public init(_ value: Value, _ origin: Origin) {
        self.value = value
        self.origin = origin
    }
}

extension Located: Equatable where Value: Equatable {}

/// Where a configuration value came from.
public enum Origin: Sendable, Equatable, CustomStringConvertible {
    case file(SourceLocation)
    case commandLine(String)
    case builtIn(String)

    public var description: String {
        switch self {
        case .file(let loc): return loc.description
        case .commandLine(let flag): return "command line (\(flag))"
        case .builtIn(let why): return "default (\(why))"
        }
    }
}

/// Whose word a configuration file is. Only the user's own files say which
/// host a forge is (and so where its tokens may go): auth.toml and the
/// `defaults.toml` files they own that no repository tracks. A repository's
/// `.hyperforge/config.toml` and any tracked `defaults.toml` were written by
/// whoever committed them.
public enum LayerTrust: String, Sendable, Equatable {
    case user
    case repository
}

/// The values one configuration file (or the command line) sets.
public struct ConfigLayer: Sendable {
    public var name: String
    /// Whose word the file is (`.repository` unless the loader knows better).
    public var trust: LayerTrust = .repository
    public var forges: Located<[Located<String>]>?
    public var org: Located<String>?
    public var repoName: Located<String>?
    public var visibility: Located<Visibility>?
    public var gitProtocol: Located<GitProtocol>?
    public var ssh: [String: Located<String>] = [:]
    public var customForges: [String: CustomForgeLayer] = [:]
    /// The repository's description on the forges (used when creating it there).
    public var description: Located<String>?

    public init(name: String) { self.name = name }

    public var isEmpty: Bool {
        forges == nil && org == nil && repoName == nil && visibility == nil && gitProtocol == nil
            && ssh.isEmpty && customForges.isEmpty && description == nil
    }
}

/// A `[custom_forges.NAME]` table, as one file sets it.
public struct CustomForgeLayer: Sendable {
    public var origin: Origin
    /// `.user` when the user's own files declare the forge.
    public var trust: LayerTrust = .repository
    /// Declared in the user's auth.toml, their most explicit word: no other
    /// file changes where its tokens go (host, web_url, api_url, ssh_port).
    public var fromAuth = false
    public var kind: Located<ForgeKind>?
    public var host: Located<String>?
    public var sshPort: Located<Int>?
    public var sshUser: Located<String>?
    public var webURL: Located<String>?
    public var apiURL: Located<String>?

    /// The forge these fields describe, with defaults for what is unset.
    public func forge(named name: String, kind: ForgeKind, host: String) -> Forge {
        Forge(name: name, kind: kind, host: host, sshPort: sshPort?.value ?? 22,
              sshUser: sshUser?.value ?? "git", webURL: webURL?.value, apiURL: apiURL?.value)
    }

    /// The forge, when the fields are complete enough to describe one.
    public func forge(named name: String) -> Forge? {
        guard let kind = kind?.value, let host = host?.value else { return nil }
        return forge(named: name, kind: kind, host: host)
    }
}

/// The effective configuration of one repository: defaults from every parent
/// directory, outermost first, then the repository's own `config.toml`.
public struct HforgeConfig: Sendable {
    /// The forges, in config order, resolved to their definitions.
    public var forges: [Located<Forge>]
    public var org: Located<String>
    public var repoName: Located<String>
    public var visibility: Located<Visibility>
    public var gitProtocol: Located<GitProtocol>
    /// SSH private key per forge name, as written (`~` not expanded).
    public var ssh: [String: Located<String>]
    /// Custom forges declared anywhere in the chain (used or not).
    public var customForges: [String: Located<Forge>]
    /// The tables behind `customForges`, merged: each field set with its own
    /// file:line, nil where the forge's default applies.
    public var customForgeTables: [String: CustomForgeLayer] = [:]
    /// The custom forges the user's own files declare (auth.toml, untracked
    /// defaults.toml they own): only these, and the built-in forges, get the
    /// credential helper and tokens.
    public var userForges: Set<String> = []
    /// The files that were read, in the order they were applied.
    public var files: [String]
    /// What the loader skipped or ignored, and why (files others control,
    /// overrides of the user's forges by committed config).
    public var warnings: [String] = []
    /// The repository's description on the forges (`description`), when set.
    public var description: Located<String>? = nil

    /// Whether tokens may be sent to `forge`: built in, or declared by the user's own files.
    public func isUserForge(_ forge: Forge) -> Bool {
        Forge.builtIn.contains(forge) || userForges.contains(forge.name)
    }

    public func forge(named name: String) -> Forge? {
        forges.first(where: { $0.value.name == name })?.value
    }

    /// The remote URL hyperforge wants for `forge`.
    public func remoteURL(for forge: Forge) -> String {
        forge.remoteURL(org: org.value, repo: repoName.value, protocol: gitProtocol.value)
    }
}

/// Reads and merges `.hyperforge/defaults.toml` and `.hyperforge/config.toml`.
public enum ConfigLoader {
    /// The main work tree of the repository whose (linked) work tree is
    /// `root`: a linked worktree's `.git` file says `gitdir: MAIN/.git/worktrees/NAME`,
    /// and the repository's name is its main work tree's; `root` itself otherwise.
    public static func mainWorkTree(of root: String) -> String {
        guard let bytes = try? FileRead.bytes(root + "/.git", limit: 4096), let text = String(validating: bytes, as: UTF8.self),
              text.hasPrefix("gitdir: ") else { return root }
        let gitdir = String(text.dropFirst(8)).trimmed()
        let parts = gitdir.split(separator: "/", omittingEmptySubsequences: false)
        guard gitdir.hasPrefix("/"), parts.count >= 4, parts[parts.count - 2] == "worktrees", parts[parts.count - 3] == ".git" else { return root }
        return parts.dropLast(3).joined(separator: "/")
    }

    public static let directoryName = ".hyperforge"
    public static let configFile = "config.toml"
    public static let defaultsFile = "defaults.toml"

    public static func configPath(repoRoot: String) -> String {
        FilePaths.join(FilePaths.join(repoRoot, directoryName), configFile)
    }

    /// The user's auth.toml (`$XDG_CONFIG_HOME/hyperforge/auth.toml`): its
    /// `[custom_forges]` are known to every command.
    public static func authPath(_ paths: Paths) -> String {
        FilePaths.join(paths.configHome, "hyperforge/auth.toml")
    }

    /// `defaults.toml` paths from the outermost directory down to the
    /// repository's parent (the repository's own directory is not included:
    /// defaults are for child repositories).
    public static func defaultsPaths(repoRoot: String) -> [String] {
        // Anything there counts (lstat): a dangling link or a link loop is
        // reported, not taken for no file.
        candidateDefaultsPaths(repoRoot: repoRoot).filter { FilePaths.entryExists($0) }
    }

    /// Every place a `defaults.toml` for `repoRoot` could be, outermost first.
    public static func candidateDefaultsPaths(repoRoot: String) -> [String] {
        var paths: [String] = []
        var dir = FilePaths.parent(repoRoot)
        while let d = dir {
            paths.append(FilePaths.join(FilePaths.join(d, directoryName), defaultsFile))
            dir = FilePaths.parent(d)
        }
        return paths.reversed()
    }

    /// The layers that apply to a repository, and what was skipped.
    public struct Chain: Sendable {
        public var layers: [ConfigLayer] = []
        public var warnings: [String] = []
    }

    /// All layers that apply to the repository at `repoRoot`, outermost
    /// first: the `[custom_forges]` of the user's auth.toml (an error when
    /// someone else owns or may write it), every parent `defaults.toml`
    /// (skipped with a warning when someone else owns or may write it or its
    /// `.hyperforge` directory; the repository's word, not the user's, when a
    /// repository tracks it), then the repository's own config, when it exists.
    public static func layers(repoRoot: String, environment: [String: String],
                              includeRepoConfig: Bool = true) throws(ConfigError) -> Chain {
        var chain = Chain()
        if let auth = try authLayer(Paths(environment: environment)) { chain.layers.append(auth) }
        for path in defaultsPaths(repoRoot: repoRoot) {
            let source: TOMLSource
            do throws(ConfigError) {
                do { try FileTrust.check(FilePaths.parent(path) ?? "/", kind: .directory) } catch { throw ConfigError.untrusted(error) }
                guard let s = try TOMLSource.loadTrusted(path) else { continue }
                source = s
            } catch {
                guard case .untrusted(let e) = error else { throw error }
                chain.warnings.append("skipped \(path): \(e.description)" + (e.hint.map { "; \($0)" } ?? ""))
                continue
            }
            let standing = standing(path)
            if case .skip(let why) = standing {
                chain.warnings.append("skipped \(path): \(why)")
                continue
            }
            var l = try layer(from: source)
            switch standing {
            case .skip: continue
            case .notYours(let why):
                l.trust = .repository
                chain.warnings.append("\(path): \(why); its forges are treated as a repository's committed config and get no tokens")
            case .ok:
                switch tracked(path, environment: environment) {
                case .no: l.trust = .user
                case .yes: l.trust = .repository
                case .unknown(let why):
                    l.trust = .repository
                    chain.warnings.append("\(path): cannot tell whether a repository tracks it (\(why)); its forges are treated as a repository's committed config and get no tokens")
                }
            }
            chain.layers.append(l)
        }
        // A committed config.toml that is a link to a file outside the
        // repository is whoever committed it reaching for one of yours (a key,
        // a secrets file): its parse errors would quote it. Refused unread.
        let repoConfig = configPath(repoRoot: repoRoot)
        if includeRepoConfig, FilePaths.kind(repoConfig) != .missing, let real = FilePaths.real(repoConfig),
           let realRoot = FilePaths.real(repoRoot), !real.hasPrefix(realRoot + "/") {
            throw ConfigError.unreadable(path: repoConfig, reason: "it is a link to \(real), outside the repository; a committed config.toml must be a file in it")
        }
        if includeRepoConfig, let source = try TOMLSource.load(repoConfig) {
            chain.layers.append(try layer(from: source, otherKeys: repoConfigOwnTables))
        }
        return chain
    }

    /// The `[custom_forges]` of the user's auth.toml, as a layer of the user's word.
    public static func authLayer(_ paths: Paths) throws(ConfigError) -> ConfigLayer? {
        let path = authPath(paths)
        do { try FileTrust.check(FilePaths.parent(path) ?? "/", kind: .directory) } catch { throw .untrusted(error) }
        guard let source = try TOMLSource.loadTrusted(path), source.table["custom_forges"] != nil else { return nil }
        var l = try layer(from: source, otherKeys: Set(source.table.keys).subtracting(["custom_forges"]))
        l.trust = .user
        for name in l.customForges.keys { l.customForges[name]?.fromAuth = true }
        for (name, f) in l.customForges {
            guard case .file(let loc) = f.origin else { continue }
            if f.kind == nil { throw .incompleteForge(loc, name: name, missing: "kind") }
            if f.host == nil { throw .incompleteForge(loc, name: name, missing: "host") }
        }
        return l
    }

    enum Tracked: Equatable { case yes, no, unknown(String) }

    /// What the layout around a `defaults.toml` says of it, before asking
    /// git: `.ok` when it may be the user's word (then `tracked` decides),
    /// `.skip` when someone else could have chosen it (a symlink another user
    /// owns, a directory holding `.hyperforge` that others may write),
    /// `.notYours` when it is not plainly the user's file (reached through a
    /// symlink, inside a `.git` directory).
    enum Standing: Equatable { case ok, skip(String), notYours(String) }

    static func standing(_ path: String) -> Standing {
        let hyperforge = FilePaths.parent(path) ?? "/"
        let container = FilePaths.parent(hyperforge) ?? "/"
        let me = geteuid()
        // `.hyperforge` and the file itself: real, not symlinks (lstat).
        for p in [hyperforge, path] {
            var st = stat()
            guard lstat(p, &st) == 0 else { return .notYours("\(p) cannot be inspected (\(FileRead.reason(errno)))") }
            guard st.st_mode & S_IFMT == S_IFLNK else { continue }
            if st.st_uid != me && st.st_uid != 0 {
                return .skip("\(p) is a symlink owned by \(FileTrust.userName(st.st_uid)), not by you (\(FileTrust.userName(me))): another user chose what it points at; remove it (rm \(FileTrust.shellQuoted(p)))")
            }
            return .notYours("\(p) is a symlink; a defaults.toml is your own word only as a real file in a real .hyperforge directory")
        }
        // The directory holding `.hyperforge`: nobody else may replace it,
        // unless the directory is sticky and root's or yours (like /tmp).
        var st = stat()
        guard stat(container, &st) == 0 else { return .notYours("\(container) cannot be inspected (\(FileRead.reason(errno)))") }
        let mode = st.st_mode & 0o7777
        let sticky = mode & mode_t(S_ISVTX) != 0
        let owned = st.st_uid == me || st.st_uid == 0
        if !owned || (mode & 0o022 != 0 && !sticky) {
            let who = !owned ? "it belongs to \(FileTrust.userName(st.st_uid))" : "group or others may write it"
            let fix = !owned ? "move the .hyperforge directory to a directory of yours" : "chmod go-w \(FileTrust.shellQuoted(container))"
            return .skip("the directory holding it, \(container) (owner \(FileTrust.userName(st.st_uid)), mode 0\(String(mode, radix: 8))), is not only yours: \(who), so another user could replace its .hyperforge; \(fix)")
        }
        // Inside a git directory (`.git/...`, a bare repository's files): never the user's word.
        if let real = FilePaths.real(path), real.split(separator: "/").contains(where: { $0 == ".git" }) {
            return .notYours("it lies inside a git directory (\(real))")
        }
        return .ok
    }


    /// Whether a repository holds the `defaults.toml` at `path`, decided on
    /// its real path: its directory being a repository (or submodule) of its
    /// own (a `.git` entry in it), or its index holding the file or the
    /// directory itself (a gitlink, a symlink), is tracked. git is asked only
    /// when a repository is around it; when git fails, the answer is unknown
    /// (and the file counts as committed).
    static func tracked(_ path: String, environment: [String: String]) -> Tracked {
        guard let real = FilePaths.real(path) else { return .unknown("its real path cannot be resolved (\(FileRead.reason(errno)))") }
        let realDir = FilePaths.parent(real) ?? "/"
        var st = stat()
        if lstat(FilePaths.join(realDir, ".git"), &st) == 0 { return .yes }
        guard let top = FilePaths.parent(realDir) else { return .unknown("\(realDir) has no parent directory") }
        guard let enclosing = FilePaths.enclosingGitEntry(from: top), let root = FilePaths.real(enclosing.root) else { return .no }
        // A directory between the repository's root and the file that looks
        // like a git directory (HEAD, objects, refs: what git itself takes for
        // a bare repository) was committed by someone: asking git from inside
        // it would read its config (and run its core.fsmonitor). It is a
        // repository boundary, so the file is not the user's own.
        var dir: String? = realDir
        while let d = dir, d.count > root.count {
            if Self.looksLikeGitDirectory(d) { return .yes }
            dir = FilePaths.parent(d)
        }
        // Ask the enclosing repository itself, by its own git directory and
        // work tree (never by discovery from the file's directory), with
        // nothing a checked-out tree could configure taking effect.
        var env = environment
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GIT_PREFIX",
                    "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"] {
            env.removeValue(forKey: key)
        }
        env["GIT_OPTIONAL_LOCKS"] = "0"
        let prefix = root == "/" ? "/" : root + "/"
        guard real.hasPrefix(prefix), realDir.hasPrefix(prefix) else { return .unknown("\(real) is not inside \(root)") }
        let fileInRepo = String(real.dropFirst(prefix.count)), dirInRepo = String(realDir.dropFirst(prefix.count))
        guard let result = ChildProcess.runSync(["git", "-C", root, "--literal-pathspecs", "--git-dir=" + enclosing.entry, "--work-tree=" + root,
                                                 "-c", "core.fsmonitor=false", "ls-files", "-s", "-z", "--", fileInRepo, dirInRepo],
                                                environment: env) else { return .unknown("git could not be run") }
        if result.exitCode != 0 {
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? "exit \(result.exitCode)"
            return .unknown("git ls-files: \(first.prefix(200))")
        }
        // Entries are "MODE OID STAGE\tPATH", NUL-terminated; PATH relative to the root.
        for entry in result.stdout.split(separator: "\u{0}") {
            guard let tab = entry.firstIndex(of: "\t") else { return .unknown("git ls-files printed an unexpected line") }
            let entryPath = String(entry[entry.index(after: tab)...])
            if entryPath == fileInRepo || entryPath == dirInRepo || entryPath.hasPrefix(dirInRepo + "/") { return .yes }
        }
        return .no
    }

    /// git's own test for a git directory: HEAD, objects/ and refs/.
    static func looksLikeGitDirectory(_ dir: String) -> Bool {
        var st = stat()
        guard lstat(FilePaths.join(dir, "HEAD"), &st) == 0 else { return false }
        return FilePaths.isDirectory(FilePaths.join(dir, "objects")) && FilePaths.isDirectory(FilePaths.join(dir, "refs"))
    }

    /// Whether the repository has its own `.hyperforge/config.toml`.
    public static func hasConfig(repoRoot: String) -> Bool {
        FilePaths.entryExists(configPath(repoRoot: repoRoot))
    }

    /// Loads the effective config of the repository at `repoRoot`.
    public static func load(repoRoot: String, environment: [String: String]) throws(ConfigError) -> HforgeConfig {
        let chain = try layers(repoRoot: repoRoot, environment: environment)
        var config = try resolve(chain.layers, repoRoot: repoRoot)
        config.warnings = chain.warnings + config.warnings
        return config
    }

    // MARK: - Parsing one file

    /// Tables a repository's committed config.toml may hold that are not
    /// the forge configuration: [publish] is git hforge publish's own
    /// (PublishSettings reads it).
    public static let repoConfigOwnTables: Set<String> = ["publish"]

    static let topLevelKeys = ["forges", "org", "repo_name", "visibility", "protocol", "ssh", "custom_forges", "description"]
    static let forgeKeys = ["kind", "host", "ssh_port", "ssh_user", "web_url", "api_url"]

    /// Parses TOML text as one layer (exposed for tests and `init`).
    public static func layer(text: String, path: String) throws(ConfigError) -> ConfigLayer {
        try layer(from: TOMLSource.parse(text, path: path))
    }

    /// Parses one file as a layer. Top-level keys in `otherKeys` belong to
    /// another reader of the same file (auth.toml's `auth`) and are skipped.
    public static func layer(from source: TOMLSource, otherKeys: Set<String> = []) throws(ConfigError) -> ConfigLayer {
        var layer = ConfigLayer(name: source.path)
        func origin(_ path: [String]) -> Origin { .file(source.location(path)) }
        func typeName(_ v: any TOMLValueConvertible) -> String {
            switch v.type {
            case .table: return "a table"
            case .array: return "an array"
            case .string: return "a string"
            case .int: return "an integer"
            case .double: return "a float"
            case .bool: return "a boolean"
            default: return "a date or time"
            }
        }
        func string(_ v: any TOMLValueConvertible, _ path: [String]) throws(ConfigError) -> Located<String> {
            guard let s = v.string else {
                throw .wrongType(source.location(path), key: path.joined(separator: "."), expected: "a string", found: typeName(v))
            }
            return Located(s, origin(path))
        }
        func enumValue<E: RawRepresentable & CaseIterable>(_ v: any TOMLValueConvertible, _ path: [String], _: E.Type) throws(ConfigError) -> Located<E> where E.RawValue == String {
            let s = try string(v, path)
            guard let e = E(rawValue: s.value) else {
                throw .invalidValue(source.location(path), key: path.joined(separator: "."), value: s.value,
                                    reason: "is not one of " + E.allCases.map { $0.rawValue }.joined(separator: ", "))
            }
            return Located(e, s.origin)
        }

        for (key, value) in source.table where !otherKeys.contains(key) {
            let path = [key]
            switch key {
            case "forges":
                guard let array = value.array else {
                    throw .wrongType(source.location(path), key: key, expected: "an array of forge names", found: typeName(value))
                }
                var names: [Located<String>] = []
                for element in array {
                    guard let name = element.string else {
                        throw .wrongType(source.location(path), key: key, expected: "an array of strings", found: "an array holding \(typeName(element))")
                    }
                    let loc = source.location(ofValue: name, in: path)
                    if let problem = Names.problem(with: name, as: .forge) {
                        throw .invalidValue(loc, key: key, value: name, reason: problem)
                    }
                    names.append(Located(name, .file(loc)))
                }
                layer.forges = Located(names, origin(path))
            case "org":
                layer.org = try string(value, path)
            case "repo_name":
                let s = try string(value, path)
                if let problem = Names.problem(with: s.value, as: .repository) {
                    throw .invalidValue(source.location(path), key: key, value: s.value, reason: problem)
                }
                layer.repoName = s
            case "visibility":
                layer.visibility = try enumValue(value, path, Visibility.self)
            case "protocol":
                layer.gitProtocol = try enumValue(value, path, GitProtocol.self)
            case "description":
                let d = try string(value, path)
                guard d.value.unicodeScalars.count <= 2000 else {
                    throw .invalidValue(source.location(path), key: key, value: String(d.value.prefix(40)) + "...", reason: "is longer than 2000 characters")
                }
                layer.description = d
            case "ssh":
                guard let table = value.table else {
                    throw .wrongType(source.location(path), key: key, expected: "a table of forge = key path", found: typeName(value))
                }
                for (forge, keyPath) in table {
                    let p = [key, forge]
                    if let problem = Names.problem(with: forge, as: .forge) {
                        throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: forge, reason: problem)
                    }
                    let s = try string(keyPath, p)
                    if s.value.isEmpty {
                        throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: "", reason: "is empty")
                    }
                    layer.ssh[forge] = s
                }
            case "custom_forges":
                guard let table = value.table else {
                    throw .wrongType(source.location(path), key: key, expected: "a table of forge tables", found: typeName(value))
                }
                for (name, forgeValue) in table {
                    let fp = [key, name]
                    if let problem = Names.problem(with: name, as: .forge) {
                        throw .invalidValue(source.location(fp), key: fp.joined(separator: "."), value: name, reason: problem)
                    }
                    guard let ft = forgeValue.table else {
                        throw .wrongType(source.location(fp), key: fp.joined(separator: "."), expected: "a table", found: typeName(forgeValue))
                    }
                    var custom = CustomForgeLayer(origin: origin(fp))
                    for (field, fieldValue) in ft {
                        let p = fp + [field]
                        switch field {
                        case "kind": custom.kind = try enumValue(fieldValue, p, ForgeKind.self)
                        case "host":
                            let h = try string(fieldValue, p)
                            if let problem = Names.problem(with: h.value, as: .host) {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: h.value, reason: "is not a host name: it \(problem)")
                            }
                            custom.host = h
                        case "ssh_port":
                            guard let port = fieldValue.int else {
                                throw .wrongType(source.location(p), key: p.joined(separator: "."), expected: "an integer", found: typeName(fieldValue))
                            }
                            guard (1...65535).contains(port) else {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: "\(port)", reason: "is not a TCP port")
                            }
                            custom.sshPort = Located(port, origin(p))
                        case "ssh_user":
                            let u = try string(fieldValue, p)
                            if let problem = Names.problem(with: u.value, as: .user) {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: u.value, reason: "is not a user name: it \(problem)")
                            }
                            custom.sshUser = u
                        case "web_url", "api_url":
                            let u = try string(fieldValue, p)
                            guard let parsed = RemoteURL.parse(u.value + "/x/y"), parsed.scheme == .https || parsed.scheme == .http else {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: u.value, reason: "is not an http(s) URL")
                            }
                            if parsed.user != nil {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: RemoteURL.redacted(u.value),
                                                    reason: "may not carry a user name or credentials")
                            }
                            if let problem = Names.problem(with: parsed.host, as: .host) ?? Names.asciiProblem(u.value) {
                                throw .invalidValue(source.location(p), key: p.joined(separator: "."), value: u.value, reason: "is not a usable URL: it \(problem)")
                            }
                            if field == "web_url" { custom.webURL = u } else { custom.apiURL = u }
                        default:
                            throw .unknownKey(source.location(p), key: p.joined(separator: "."), known: forgeKeys)
                        }
                    }
                    layer.customForges[name] = custom
                }
            default:
                throw .unknownKey(source.location(path), key: key, known: topLevelKeys)
            }
        }
        return layer
    }

    // MARK: - Merging

    /// Every `[custom_forges.NAME]` of `layers`, merged field by field, the
    /// innermost layer winning.
    public static func mergedCustomForges(_ layers: [ConfigLayer]) -> [String: CustomForgeLayer] {
        mergeCustomForges(layers).forges
    }

    /// Merges every `[custom_forges.NAME]` of `layers` field by field, the
    /// innermost winning, except that a repository's committed config never
    /// changes a forge the user's own files declare: such a table is ignored,
    /// with a warning naming it when it sets anything different. A forge the
    /// user declares after a committed file did starts afresh from the user's
    /// table (nothing committed survives in it). A committed table named after a
    /// built-in forge is ignored the same way.
    public static func mergeCustomForges(_ layers: [ConfigLayer]) -> (forges: [String: CustomForgeLayer], warnings: [String]) {
        var custom: [String: CustomForgeLayer] = [:]
        var warnings: [String] = []
        for layer in layers {
            for (name, f) in layer.customForges.sorted(by: { $0.key < $1.key }) {
                var f = f
                f.trust = layer.trust
                // A built-in forge is the user's word too: committed config cannot redefine it.
                // (In the user's own files it is an error, raised by `resolve`.)
                if layer.trust == .repository, Forge.builtIn.contains(where: { $0.name == name }) {
                    warnings.append("\(f.origin): [custom_forges.\(name)] ignored: \(name) is a built-in forge; "
                        + "a repository's committed config cannot redefine it, so its tokens go only where the built-in forge says")
                    continue
                }
                guard var merged = custom[name], !(merged.trust == .repository && layer.trust == .user) else {
                    custom[name] = f
                    continue
                }
                if merged.trust == .user && layer.trust == .repository {
                    var changed: [String] = []
                    if let v = f.kind, v.value != merged.kind?.value { changed.append("kind") }
                    if let v = f.host, v.value != merged.host?.value { changed.append("host") }
                    if let v = f.sshPort, v.value != (merged.sshPort?.value ?? 22) { changed.append("ssh_port") }
                    if let v = f.sshUser, v.value != (merged.sshUser?.value ?? "git") { changed.append("ssh_user") }
                    let userForge = merged.forge(named: name)
                    if let v = f.webURL, Forge.trimmedURL(v.value) != userForge?.webURL { changed.append("web_url") }
                    if let v = f.apiURL, Forge.trimmedURL(v.value) != userForge.map({ Forge.trimmedURL($0.apiURL) }) { changed.append("api_url") }
                    if !changed.isEmpty {
                        warnings.append("\(f.origin): [custom_forges.\(name)] ignored: '\(name)' is your own forge (declared at \(merged.origin)); "
                            + "a repository's committed config cannot change its \(changed.joined(separator: ", ")), so its tokens go only where your files say")
                    }
                    continue
                }
                if merged.fromAuth && !f.fromAuth {
                    // A defaults.toml of the user's own: it may not move an auth.toml forge elsewhere.
                    let userForge = merged.forge(named: name)
                    var ignored: [String] = []
                    func note(_ field: String, _ origin: Origin) { ignored.append("\(field) (\(origin))") }
                    if let v = f.host, v.value != merged.host?.value { note("host", v.origin) }
                    if let v = f.sshPort, v.value != (merged.sshPort?.value ?? 22) { note("ssh_port", v.origin) }
                    if let v = f.webURL, Forge.trimmedURL(v.value) != userForge?.webURL { note("web_url", v.origin) }
                    if let v = f.apiURL, Forge.trimmedURL(v.value) != userForge.map({ Forge.trimmedURL($0.apiURL) }) { note("api_url", v.origin) }
                    if !ignored.isEmpty {
                        warnings.append("\(f.origin): [custom_forges.\(name)] cannot change \(ignored.joined(separator: ", ")) of '\(name)': your auth.toml declares it (at \(merged.origin)) and says where its tokens go; "
                            + "change it there, or give this forge another name")
                    }
                    if let v = f.kind { merged.kind = v }
                    if let v = f.sshUser { merged.sshUser = v }
                    custom[name] = merged
                    continue
                }
                merged.origin = f.origin
                if let v = f.kind { merged.kind = v }
                if let v = f.host { merged.host = v }
                if let v = f.sshPort { merged.sshPort = v }
                if let v = f.sshUser { merged.sshUser = v }
                if let v = f.webURL { merged.webURL = v }
                if let v = f.apiURL { merged.apiURL = v }
                custom[name] = merged
            }
        }
        return (custom, warnings)
    }

    /// Merges `layers` (outermost first) and resolves forge names. `repoRoot`
    /// names the default for `repo_name` (the directory's name).
    public static func resolve(_ layers: [ConfigLayer], repoRoot: String) throws(ConfigError) -> HforgeConfig {
        var forgesValue: Located<[Located<String>]>?
        var org: Located<String>?
        var repoName: Located<String>?
        var visibility: Located<Visibility>?
        var proto: Located<GitProtocol>?
        var ssh: [String: Located<String>] = [:]
        var description: Located<String>?
        var files: [String] = []

        for layer in layers {
            files.append(layer.name)
            if let v = layer.forges { forgesValue = v }
            if let v = layer.org { org = v }
            if let v = layer.repoName { repoName = v }
            if let v = layer.visibility { visibility = v }
            if let v = layer.gitProtocol { proto = v }
            if let v = layer.description { description = v }
            for (k, v) in layer.ssh { ssh[k] = v }
        }
        let (custom, warnings) = mergeCustomForges(layers)
        let searched = files.filter { $0.hasPrefix("/") }
        // Where 'forges' and 'org' belong: a repository's .hyperforge/config.toml or the user's defaults.toml, never auth.toml (which says where tokens go).
        let settable = searched.filter { !$0.hasSuffix("/auth.toml") }

        // Custom forges, complete.
        var customForges: [String: Located<Forge>] = [:]
        for (name, f) in custom {
            guard case .file(let loc) = f.origin else { continue }
            if Forge.builtIn.contains(where: { $0.name == name }) {
                throw .redefinesBuiltInForge(loc, name: name)
            }
            guard let kind = f.kind else { throw .incompleteForge(loc, name: name, missing: "kind") }
            guard let host = f.host else { throw .incompleteForge(loc, name: name, missing: "host") }
            customForges[name] = Located(f.forge(named: name, kind: kind.value, host: host.value), f.origin)
        }
        let known = Forge.builtIn.map(\.name) + customForges.keys.sorted()

        guard let forgesValue, !forgesValue.value.isEmpty else {
            throw .missing(key: "forges", searched: settable)
        }
        var forges: [Located<Forge>] = []
        for name in forgesValue.value {
            guard let forge = Forge.builtIn.first(where: { $0.name == name.value }) ?? customForges[name.value]?.value else {
                var loc: SourceLocation? = nil
                if case .file(let l) = name.origin { loc = l }
                throw .unknownForge(loc, name: name.value, known: known)
            }
            if forges.contains(where: { $0.value.name == forge.name }) { continue }
            forges.append(Located(forge, name.origin))
        }
        guard let org else { throw .missing(key: "org", searched: settable) }
        for forge in forges {
            if let problem = Names.problem(with: org.value, as: .owner, nestedOwners: forge.value.kind.allowsNestedOwners) {
                let loc: SourceLocation
                if case .file(let l) = org.origin { loc = l } else { loc = SourceLocation(file: org.origin.description) }
                throw .invalidValue(loc, key: "org", value: org.value, reason: "\(problem) (\(forge.value.name))")
            }
        }
        for (forgeName, key) in ssh where !forges.contains(where: { $0.value.name == forgeName }) && customForges[forgeName] == nil && !Forge.builtIn.contains(where: { $0.name == forgeName }) {
            var loc: SourceLocation? = nil
            if case .file(let l) = key.origin { loc = l }
            throw .unknownForge(loc, name: forgeName, known: known)
        }
        let dirName = FilePaths.lastComponent(ConfigLoader.mainWorkTree(of: repoRoot))
        let resolvedRepoName = repoName ?? Located(dirName, .builtIn("the repository's directory name"))
        if repoName == nil, let problem = Names.problem(with: dirName, as: .repository) {
            throw .invalidValue(SourceLocation(file: repoRoot), key: "repo_name", value: dirName,
                                reason: "(the directory name, used when repo_name is not set) \(problem)")
        }
        return HforgeConfig(
            forges: forges,
            org: org,
            repoName: resolvedRepoName,
            visibility: visibility ?? Located(.private, .builtIn("private unless set")),
            gitProtocol: proto ?? Located(.ssh, .builtIn("ssh unless set")),
            ssh: ssh,
            customForges: customForges,
            customForgeTables: custom.filter { customForges[$0.key] != nil },
            userForges: Set(custom.filter { $0.value.trust == .user && customForges[$0.key] != nil }.map(\.key)),
            files: searched,
            warnings: warnings,
            description: description
        )
    }
}
