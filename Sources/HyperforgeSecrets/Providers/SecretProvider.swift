import HyperforgeCore

/// A store of secrets, keyed by scope path (or, for the credential helper's
/// plain storage, by a `credential/...` key).
public protocol SecretProvider: Sendable {
    var config: ProviderConfig { get }
    func get(_ key: String) async throws -> String?
    func set(_ key: String, _ secret: String) async throws
    /// Returns whether something was removed.
    func remove(_ key: String) async throws -> Bool
    /// Names only, never values.
    func list() async throws -> [String]
}

/// What can go wrong with a secret store.
public enum ProviderError: HyperforgeError, Equatable {
    case readOnly(provider: String, kind: String)
    /// A secrets file (or its directory) someone else owns or may read or write.
    case untrusted(TrustError)
    case failed(provider: String, what: String, reason: String)
    case unsupported(provider: String, reason: String)
    case missingSetting(provider: String, setting: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .readOnly, .unsupported: return .refused
        case .missingSetting: return .configuration
        default: return .environment
        }
    }

    public var description: String {
        switch self {
        case .readOnly(let p, let kind): return "provider '\(p)' (\(kind)) is read-only"
        case .untrusted(let e): return e.description
        case .failed(let p, let what, let reason): return "provider '\(p)': \(what) failed: \(reason)"
        case .unsupported(let p, let reason): return "provider '\(p)': \(reason)"
        case .missingSetting(let p, let setting): return "provider '\(p)' has no '\(setting)' setting"
        }
    }

    public var hint: String? {
        switch self {
        case .untrusted(let e):
            guard case .untrusted = e else { return e.hint }
            return (e.hint ?? "") + "; rotate the secrets it holds if others could read them"
        case .readOnly(let p, _): return "route the scope to a writable provider in auth.toml ([auth.routing]), or set it where provider '\(p)' reads"
        default: return nil
        }
    }
}

/// Builds the provider a configuration describes.
public enum Providers {
    public static func make(_ config: ProviderConfig, context: Context) throws -> any SecretProvider {
        switch config.kind {
        case .file: return try FileProvider(config: config, context: context)
        case .env: return EnvProvider(config: config, environment: context.environment)
        case .command: return CommandProvider(config: config, context: context)
        case .keychain: return KeychainProvider(config: config, context: context)
        case .workos: return try WorkOSProvider(config: config, context: context)
        }
    }
}
