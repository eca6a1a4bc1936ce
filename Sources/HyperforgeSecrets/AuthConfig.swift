import FoundationEssentials
import HyperforgeCore
import TOMLKit

/// What to do when an operation asks for a scope (seed 000 §5).
public enum GrantPolicy: String, Sendable, Codable, CaseIterable {
    /// Granted on first use (and recorded, so `git scope grants` shows it).
    case auto
    /// Needs an explicit `git scope approve ID` from the user.
    case approve
    /// Never granted.
    case deny
}

/// One configured secret store.
public struct ProviderConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case file, env, keychain, command, workos
    }
    public var name: String
    public var kind: Kind
    /// Type-specific settings (path, prefix, variable, get/set/remove/list
    /// commands, service, base_url, api_key_env), as written.
    public var settings: [String: String]
    public var origin: Origin
}

/// `$XDG_CONFIG_HOME/hyperforge/auth.toml` (default `~/.config/hyperforge/auth.toml`) (seed 000 §11): providers, routing of
/// scopes to providers by glob, grant policies.
///
///     [auth]
///     default = "local"          # provider for scopes no pattern routes
///     default_policy = "auto"    # auto | approve | deny
///     approval_timeout = 30      # seconds a request waits for approval
///
///     [auth.providers.local]
///     type = "file"              # file | env | keychain | command | workos
///
///     [auth.routing]
///     "git/github/acme-corp/*" = "workos"
///
///     [auth.policy]
///     "git/github/acme-corp/*" = "approve"
public struct AuthConfig: Sendable {
    public var path: String
    public var providers: [String: ProviderConfig]
    public var defaultProvider: String
    public var routing: [Pattern]
    public var policies: [Pattern]
    public var defaultPolicy: GrantPolicy
    public var approvalTimeout: Double
    /// Self-hosted forges, for deriving scopes from URLs.
    public var customForges: [Forge]
    /// `[registries.KIND.NAME]`: package registries the user declared, with
    /// the account a release token's scope names (`git hforge publish`).
    /// Not kept in the compiled copy (AuthConfigCache): the credential
    /// helper, its only reader, never needs them.
    public var registries: [RegistryAccount] = []

    /// A glob pattern and what it maps to.
    public struct Pattern: Sendable, Equatable {
        public var glob: String
        public var value: String
        public var origin: Origin
    }

    /// The built-in provider every installation has: a 0600 file.
    public static let builtInFile = ProviderConfig(name: "file", kind: .file, settings: [:], origin: .builtIn("zero set-up default"))

    public static func path(_ paths: Paths) -> String {
        ConfigLoader.authPath(paths)
    }

    /// Reads auth.toml; a missing file is the zero set-up default (everything
    /// in the built-in `file` provider, granted on first use).
    /// `compiled`: use and keep the compiled copy (AuthConfigCache), for
    /// the credential helper, which git starts on every fetch and push.
    public static func load(_ context: Context, compiled: Bool = false) throws(ConfigError) -> AuthConfig {
        let path = AuthConfig.path(context.paths)
        var config = AuthConfig(path: path, providers: ["file": builtInFile], defaultProvider: "file",
                                routing: [], policies: [], defaultPolicy: .auto, approvalTimeout: 30, customForges: [])
        // Another user's (or a group-writable) auth.toml could run commands
        // as us (`command` providers) and route tokens anywhere: refused.
        do { try FileTrust.check(FilePaths.parent(path) ?? "/", kind: .directory) } catch { throw .untrusted(error) }
        var source: InputFingerprint?
        if compiled {
            do { guard try FileTrust.check(path, kind: .file) else { return config } } catch { throw .untrusted(error) }
            let now = InputFingerprint.of(path)
            if let kept = AuthConfigCache.read(context.paths, source: now) { return kept }
            source = now
        }
        guard let toml = try TOMLSource.loadTrusted(path) else { return config }
        try config.read(toml)
        if let source { AuthConfigCache.store(config, paths: context.paths, source: source, now: context.now().timeIntervalSince1970) }
        return config
    }

    /// Parses auth.toml text (for tests).
    public static func parse(_ text: String, path: String) throws(ConfigError) -> AuthConfig {
        var config = AuthConfig(path: path, providers: ["file": builtInFile], defaultProvider: "file",
                                routing: [], policies: [], defaultPolicy: .auto, approvalTimeout: 30, customForges: [])
        try config.read(TOMLSource.parse(text, path: path))
        return config
    }

    static let providerKeys: [ProviderConfig.Kind: [String]] = [
        .file: ["path"],
        .env: ["prefix", "variable"],
        .keychain: ["service"],
        .command: ["get", "set", "remove", "list"],
        .workos: ["base_url", "api_key_env"],
    ]

    private mutating func read(_ source: TOMLSource) throws(ConfigError) {
        func loc(_ p: [String]) -> SourceLocation { source.location(p) }
        func string(_ v: any TOMLValueConvertible, _ p: [String]) throws(ConfigError) -> String {
            guard let s = v.string else {
                throw .wrongType(loc(p), key: p.joined(separator: "."), expected: "a string", found: "\(v.type)")
            }
            return s
        }
        var defaultName: (String, [String])?
        for (key, value) in source.table {
            switch key {
            case "auth":
                guard let auth = value.table else { throw .wrongType(loc([key]), key: key, expected: "a table", found: "\(value.type)") }
                for (k, v) in auth {
                    let p = [key, k]
                    switch k {
                    case "default": defaultName = (try string(v, p), p)
                    case "default_policy":
                        let s = try string(v, p)
                        guard let policy = GrantPolicy(rawValue: s) else {
                            throw .invalidValue(loc(p), key: p.joined(separator: "."), value: s, reason: "is not one of auto, approve, deny")
                        }
                        defaultPolicy = policy
                    case "approval_timeout":
                        approvalTimeout = try source.number(v, at: p, in: .approvalTimeout)
                    case "providers":
                        guard let table = v.table else { throw .wrongType(loc(p), key: p.joined(separator: "."), expected: "a table", found: "\(v.type)") }
                        for (name, providerValue) in table {
                            let pp = p + [name]
                            if let problem = Names.problem(with: name, as: .forge) {
                                throw .invalidValue(loc(pp), key: pp.joined(separator: "."), value: name, reason: "a provider name \(problem)")
                            }
                            guard let pt = providerValue.table else {
                                throw .wrongType(loc(pp), key: pp.joined(separator: "."), expected: "a table", found: "\(providerValue.type)")
                            }
                            guard let typeValue = pt["type"] else { throw .incompleteForge(loc(pp), name: name, missing: "type") }
                            let typeText = try string(typeValue, pp + ["type"])
                            guard let kind = ProviderConfig.Kind(rawValue: typeText) else {
                                throw .invalidValue(loc(pp + ["type"]), key: (pp + ["type"]).joined(separator: "."), value: typeText,
                                                    reason: "is not one of " + ProviderConfig.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                            }
                            var settings: [String: String] = [:]
                            let allowed = AuthConfig.providerKeys[kind] ?? []
                            for (field, fieldValue) in pt where field != "type" {
                                guard allowed.contains(field) else {
                                    throw .unknownKey(loc(pp + [field]), key: (pp + [field]).joined(separator: "."), known: ["type"] + allowed)
                                }
                                settings[field] = try string(fieldValue, pp + [field])
                            }
                            if kind == .command && settings["get"] == nil {
                                throw .incompleteForge(loc(pp), name: name, missing: "get")
                            }
                            providers[name] = ProviderConfig(name: name, kind: kind, settings: settings, origin: .file(loc(pp)))
                        }
                    case "routing", "policy":
                        guard let table = v.table else { throw .wrongType(loc(p), key: p.joined(separator: "."), expected: "a table of pattern = value", found: "\(v.type)") }
                        for (glob, target) in table {
                            let s = try string(target, p + [glob])
                            let pattern = Pattern(glob: glob, value: s, origin: .file(loc(p + [glob])))
                            if k == "routing" {
                                routing.append(pattern)
                            } else {
                                guard GrantPolicy(rawValue: s) != nil else {
                                    throw .invalidValue(loc(p + [glob]), key: "auth.policy.\"\(glob)\"", value: s, reason: "is not one of auto, approve, deny")
                                }
                                policies.append(pattern)
                            }
                        }
                    default:
                        throw .unknownKey(loc(p), key: p.joined(separator: "."),
                                          known: ["default", "default_policy", "approval_timeout", "providers", "routing", "policy"])
                    }
                }
            case "custom_forges":
                // Read with the same rules as in .hyperforge/*.toml.
                let layer = try ConfigLoader.layer(from: source, otherKeys: ["auth", "registries"])
                for (name, f) in layer.customForges.sorted(by: { $0.key < $1.key }) {
                    guard let forge = f.forge(named: name) else {
                        throw .incompleteForge(loc([key, name]), name: name, missing: f.kind == nil ? "kind" : "host")
                    }
                    customForges.append(forge)
                }
            case "registries":
                registries = try RegistryAccount.read(value, at: [key], source)
            default:
                throw .unknownKey(loc([key]), key: key, known: ["auth", "custom_forges", "registries"])
            }
        }
        if let (name, p) = defaultName {
            guard providers[name] != nil else {
                throw .invalidValue(loc(p), key: "auth.default", value: name, reason: "names no provider (known: \(providers.keys.sorted().joined(separator: ", ")))")
            }
            defaultProvider = name
        }
        for route in routing where providers[route.value] == nil {
            var l = SourceLocation(file: source.path)
            if case .file(let f) = route.origin { l = f }
            throw .invalidValue(l, key: "auth.routing.\"\(route.glob)\"", value: route.value,
                                reason: "names no provider (known: \(providers.keys.sorted().joined(separator: ", ")))")
        }
    }

    /// Every forge a scope can be derived from: built in and declared.
    public var forges: [Forge] { Forge.builtIn + customForges }

    // MARK: Routing

    /// The provider for `scope` and the pattern that chose it (nil: the default).
    public func route(_ key: String) -> (provider: ProviderConfig, pattern: Pattern?) {
        if let best = Glob.mostSpecific(routing, matching: key) {
            return (providers[best.value]!, best)
        }
        return (providers[defaultProvider]!, nil)
    }

    /// The grant policy for `scope` and the pattern that chose it.
    public func policy(_ key: String) -> (policy: GrantPolicy, pattern: Pattern?) {
        if let best = Glob.mostSpecific(policies, matching: key) {
            return (GrantPolicy(rawValue: best.value)!, best)
        }
        return (defaultPolicy, nil)
    }
}

/// Glob patterns for scopes: `*` matches any run of characters (slashes
/// included), `?` one character; everything else matches itself.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// More literal characters is more specific; then fewer wildcards; then
    /// the pattern text, so the choice never depends on file order.
    static func specificity(_ pattern: String) -> (Int, Int) {
        let wild = pattern.unicodeScalars.filter { $0 == "*" || $0 == "?" }.count
        return (pattern.unicodeScalars.count - wild, -wild)
    }

    static func mostSpecific(_ patterns: [AuthConfig.Pattern], matching text: String) -> AuthConfig.Pattern? {
        patterns.filter { matches($0.glob, text) }.max { a, b in
            let sa = specificity(a.glob), sb = specificity(b.glob)
            if sa != sb { return sa < sb }
            return a.glob > b.glob
        }
    }
}
