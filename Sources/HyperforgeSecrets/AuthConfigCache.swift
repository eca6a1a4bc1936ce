import Glibc
import HyperforgeCore

/// A compiled copy of auth.toml for the credential helper, which git starts
/// on every fetch and push: `$XDG_STATE_HOME/hyperforge/auth-compiled.json`
/// (0600, in the suite's private state directory), the settings as read,
/// with the stat fingerprint of the auth.toml they were read from. While the
/// fingerprint matches (same inode, size, mtime and ctime to the nanosecond,
/// mode), the helper uses the copy and parses no TOML; any change to the
/// file means a fresh read. auth.toml's trust checks run every time, before
/// the copy is consulted, and the copy itself is read only when it passes
/// the same checks (ours, not writable by others, in a directory that is
/// not): it decides where tokens go. Git's racy rule applies: nothing is
/// written while auth.toml changed in the last few seconds.
enum AuthConfigCache {
    static let format = 1

    static func path(_ paths: Paths) -> String { FilePaths.join(paths.stateHome, "hyperforge/auth-compiled.json") }

    /// The compiled settings for auth.toml as `source` says it is now, if kept.
    static func read(_ paths: Paths, source: InputFingerprint) -> AuthConfig? {
        guard let bytes = try? FileTrust.read(path(paths)), let json = try? JSONParser.parse(bytes),
              case .integer(Int64(format))? = json["format"], case .string(HyperforgeVersion.current)? = json["version"],
              let kept = json["source"].flatMap(InputFingerprint.init(json:)), kept == source,
              let config = json["config"].flatMap(AuthConfig.init(compiled:)) else { return nil }
        return config
    }

    static func store(_ config: AuthConfig, paths: Paths, source: InputFingerprint, now: Double) {
        var recorder = InputRecorder()
        recorder.record(source.path)
        guard recorder.inputs == [source], recorder.settled(now: now) else { return }
        let file = path(paths)
        guard (try? FileTrust.prepareDirectory(FilePaths.parent(file) ?? "/")) != nil else { return }
        let json = JSONValue.object(["format": .integer(Int64(format)), "version": .string(HyperforgeVersion.current),
                                     "source": source.json, "config": config.compiled])
        try? AtomicFile.write(Array(json.jsonText.utf8), to: file, mode: 0o600)
    }
}

extension AuthConfig {
    var compiled: JSONValue {
        func origin(_ o: Origin) -> JSONValue {
            switch o {
            case .file(let l): return .object(["file": .string(l.file), "line": l.line.map { .integer(Int64($0)) } ?? .null,
                                               "column": l.column.map { .integer(Int64($0)) } ?? .null])
            case .commandLine(let s): return .object(["command_line": .string(s)])
            case .builtIn(let s): return .object(["built_in": .string(s)])
            }
        }
        func patterns(_ ps: [Pattern]) -> JSONValue {
            .array(ps.map { .object(["glob": .string($0.glob), "value": .string($0.value), "origin": origin($0.origin)]) })
        }
        return .object([
            "path": .string(path),
            "providers": .array(providers.values.sorted { $0.name < $1.name }.map { p in
                .object(["name": .string(p.name), "kind": .string(p.kind.rawValue),
                         "settings": .object(p.settings.mapValues(JSONValue.string)), "origin": origin(p.origin)])
            }),
            "default_provider": .string(defaultProvider),
            "routing": patterns(routing), "policies": patterns(policies),
            "default_policy": .string(defaultPolicy.rawValue),
            "approval_timeout": .number(approvalTimeout),
            "custom_forges": .array(customForges.map { f in
                .object(["name": .string(f.name), "kind": .string(f.kind.rawValue), "host": .string(f.host),
                         "ssh_port": .integer(Int64(f.sshPort)), "ssh_user": .string(f.sshUser),
                         "web_url": .string(f.webURL), "api_url": .string(f.apiURL)])
            }),
        ])
    }

    init?(compiled json: JSONValue) {
        func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        func int(_ v: JSONValue?) -> Int? { if case .integer(let n)? = v { return Int(exactly: n) }; return nil }
        func origin(_ v: JSONValue?) -> Origin? {
            if let f = string(v?["file"]) { return .file(SourceLocation(file: f, line: int(v?["line"]), column: int(v?["column"]))) }
            if let s = string(v?["command_line"]) { return .commandLine(s) }
            if let s = string(v?["built_in"]) { return .builtIn(s) }
            return nil
        }
        func patterns(_ v: JSONValue?) -> [Pattern]? {
            guard case .array(let a)? = v else { return nil }
            var out: [Pattern] = []
            for p in a {
                guard let glob = string(p["glob"]), let value = string(p["value"]), let o = origin(p["origin"]) else { return nil }
                out.append(Pattern(glob: glob, value: value, origin: o))
            }
            return out
        }
        guard let path = string(json["path"]), case .array(let ps)? = json["providers"],
              let defaultProvider = string(json["default_provider"]), let routing = patterns(json["routing"]),
              let policies = patterns(json["policies"]), let policy = string(json["default_policy"]).flatMap(GrantPolicy.init(rawValue:)),
              case .array(let fs)? = json["custom_forges"] else { return nil }
        let timeout: Double
        switch json["approval_timeout"] {
        case .number(let d)?: timeout = d
        case .integer(let n)?: timeout = Double(n)
        default: return nil
        }
        guard timeout.isFinite, timeout >= 0 else { return nil }
        var providers: [String: ProviderConfig] = [:]
        for p in ps {
            guard let name = string(p["name"]), let kind = string(p["kind"]).flatMap(ProviderConfig.Kind.init(rawValue:)),
                  case .object(let s)? = p["settings"], let o = origin(p["origin"]) else { return nil }
            var settings: [String: String] = [:]
            for (k, v) in s { guard case .string(let text) = v else { return nil }; settings[k] = text }
            providers[name] = ProviderConfig(name: name, kind: kind, settings: settings, origin: o)
        }
        var forges: [Forge] = []
        for f in fs {
            guard let name = string(f["name"]), let kind = string(f["kind"]).flatMap(ForgeKind.init(rawValue:)),
                  let host = string(f["host"]), let port = int(f["ssh_port"]), let user = string(f["ssh_user"]),
                  let web = string(f["web_url"]), let api = string(f["api_url"]) else { return nil }
            forges.append(Forge(name: name, kind: kind, host: host, sshPort: port, sshUser: user, webURL: web, apiURL: api))
        }
        guard providers[defaultProvider] != nil else { return nil }
        self.init(path: path, providers: providers, defaultProvider: defaultProvider, routing: routing, policies: policies,
                  defaultPolicy: policy, approvalTimeout: timeout, customForges: forges)
    }
}
