import Foundation
import HyperforgeCore
@testable import HyperforgeSecrets
import Testing

/// The credential helper reads auth.toml through a compiled copy while the
/// file is unchanged, and never from a stale or untrusted one.
@Suite struct AuthConfigCacheTests {
    static let toml = """
    [auth]
    default = "local"
    default_policy = "approve"
    approval_timeout = 12.5

    [auth.providers.local]
    type = "file"

    [auth.providers.ci]
    type = "env"
    prefix = "TOKENS_"

    [auth.routing]
    "git/github/acme/*" = "ci"

    [auth.policy]
    "git/github/alice/*" = "auto"

    [custom_forges.work]
    kind = "gitlab"
    host = "git.example.com"
    ssh_port = 2222

    """

    func later(_ env: TestEnvironment) -> Context {
        var c = env.context(in: env.root)
        c.now = { Date().addingTimeInterval(3600) }
        return c
    }

    func compiledPath(_ env: TestEnvironment) -> String { AuthConfigCache.path(env.context(in: env.root).paths) }

    /// Rewrites one value inside the kept copy, keeping its fingerprint of auth.toml.
    func tamper(_ env: TestEnvironment, timeout: Double) throws {
        let path = compiledPath(env)
        var json = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: path))))
        guard case .object(var top) = json, case .object(var config)? = top["config"] else { Issue.record("no config"); return }
        config["approval_timeout"] = .number(timeout)
        top["config"] = .object(config)
        json = .object(top)
        try Data(json.jsonText.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
    }

    @Test func theCopyReadsAsTheFileAndIsUsedUntilTheFileChanges() throws {
        let env = try TestEnvironment("auth-compiled")
        let authPath = AuthConfig.path(env.context(in: env.root).paths)
        try env.write(Self.toml, to: String(authPath.dropFirst(env.root.count + 1)))
        let parsed = try AuthConfig.load(later(env))
        #expect(!FileManager.default.fileExists(atPath: compiledPath(env)), "only the helper's loads keep a copy")

        let first = try AuthConfig.load(later(env), compiled: true)
        #expect(first.compiled == parsed.compiled)
        let attributes = try FileManager.default.attributesOfItem(atPath: compiledPath(env))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try AuthConfig.load(later(env), compiled: true)
        #expect(second.compiled == parsed.compiled)
        #expect(second.routing.map(\.glob) == ["git/github/acme/*"] && second.customForges.first?.sshPort == 2222)
        #expect(second.providers["ci"]?.settings == ["prefix": "TOKENS_"] && second.defaultPolicy == .approve)

        // The copy is what answers (no TOML read) while auth.toml is unchanged...
        try tamper(env, timeout: 99)
        #expect(try AuthConfig.load(later(env), compiled: true).approvalTimeout == 99)
        // ...and not once it changes.
        try env.write(Self.toml.replacingOccurrences(of: "12.5", with: "7"), to: String(authPath.dropFirst(env.root.count + 1)))
        #expect(try AuthConfig.load(later(env), compiled: true).approvalTimeout == 7)
        #expect(try AuthConfig.load(later(env), compiled: true).approvalTimeout == 7)
    }

    @Test func anUntrustedCopyOrFileIsNotUsedAndAFreshFileIsNotCompiled() throws {
        let env = try TestEnvironment("auth-compiled-trust")
        let authPath = AuthConfig.path(env.context(in: env.root).paths)
        let relative = String(authPath.dropFirst(env.root.count + 1))
        try env.write(Self.toml, to: relative)

        // Written a moment ago (the racy window): read, not compiled.
        var now = env.context(in: env.root)
        now.now = { Date() }
        _ = try AuthConfig.load(now, compiled: true)
        #expect(!FileManager.default.fileExists(atPath: compiledPath(env)))

        _ = try AuthConfig.load(later(env), compiled: true)
        try tamper(env, timeout: 99)
        // A copy others can write decides nothing.
        chmod(compiledPath(env), 0o666)
        #expect(try AuthConfig.load(later(env), compiled: true).approvalTimeout == 12.5)

        // An auth.toml others can write is refused, whatever copy is kept.
        _ = try AuthConfig.load(later(env), compiled: true)
        chmod(authPath, 0o666)
        #expect(throws: ConfigError.self) { try AuthConfig.load(later(env), compiled: true) }
    }
}
