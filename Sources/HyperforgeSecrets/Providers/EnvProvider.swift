import HyperforgeCore

/// Secrets from environment variables, read-only (for CI). With
/// `variable = "GITHUB_TOKEN"` every scope routed here gets that variable;
/// otherwise the variable is `prefix` (default `HFORGE_SECRET_`) followed by
/// the scope with every character other than a letter or digit as `_`,
/// upper-cased: `git/github/alice/repo/tool/token` ->
/// `HFORGE_SECRET_GIT_GITHUB_ALICE_REPO_TOOL_TOKEN`.
public struct EnvProvider: SecretProvider {
    public let config: ProviderConfig
    let environment: [String: String]

    var prefix: String { config.settings["prefix"] ?? "HFORGE_SECRET_" }

    public func variable(for key: String) -> String {
        if let fixed = config.settings["variable"] { return fixed }
        return prefix + String(key.unicodeScalars.map { c -> Character in
            let isAlnum = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
            return isAlnum ? Character(String(c).uppercased()) : "_"
        })
    }

    public func get(_ key: String) async throws -> String? {
        environment[variable(for: key)].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func set(_ key: String, _ secret: String) async throws {
        throw ProviderError.readOnly(provider: config.name, kind: "env")
    }

    public func remove(_ key: String) async throws -> Bool {
        throw ProviderError.readOnly(provider: config.name, kind: "env")
    }

    /// The variables this provider would answer from (names only).
    public func list() async throws -> [String] {
        if let fixed = config.settings["variable"] { return environment[fixed] == nil ? [] : [fixed] }
        return environment.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
