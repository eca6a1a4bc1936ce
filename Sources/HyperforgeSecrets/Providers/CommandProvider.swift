import HyperforgeCore

/// Secrets from any external program, e.g. a password manager's CLI:
///
///     [auth.providers.pass]
///     type = "command"
///     get = "pass show hyperforge/$HFORGE_SCOPE"
///     set = "pass insert --multiline --force hyperforge/$HFORGE_SCOPE"
///     remove = "pass rm --force hyperforge/$HFORGE_SCOPE"
///     list = "cd ~/.password-store/hyperforge && find . -name '*.gpg' | sed 's|^./||; s|.gpg$||'"
///
/// Each command runs through `/bin/sh -c` with the scope in `HFORGE_SCOPE`
/// (never spliced into the command text), in auth.toml's directory. `get` prints the secret on stdout
/// (one trailing newline is dropped; empty output means "not found");
/// `set` reads the secret on stdin. A secret is never an argument.
public struct CommandProvider: SecretProvider {
    /// How long a command may take (a password manager may ask for a passphrase).
    static let timeout = 120
    public let config: ProviderConfig
    let context: Context

    private func run(_ setting: String, key: String?, input: String? = nil) async throws -> ChildProcess.Result? {
        guard let command = config.settings[setting] else { return nil }
        var env = context.environment
        if let key { env["HFORGE_SCOPE"] = key }
        let result: ChildProcess.Result
        do {
            // Run in auth.toml's directory: relative paths in the command are
            // relative to it, and nothing depends on the repository we are in.
            var directory = context.paths.configHome + "/hyperforge"
            if case .file(let loc) = config.origin, let dir = FilePaths.parent(loc.file) { directory = dir }
            result = try await ChildProcess.run(["/bin/sh", "-c", command], environment: env,
                                                directory: directory, input: input, timeout: CommandProvider.timeout)
        } catch let e as ChildProcess.TimedOut {
            throw ProviderError.failed(provider: config.name, what: "'\(setting)' command", reason: "no answer within \(e.seconds) s; it was stopped")
        }
        guard result.exitCode == 0 else {
            // stderr only: stdout may hold a secret.
            let reason = result.stderr.split(separator: "\n").prefix(5).joined(separator: "; ")
            throw ProviderError.failed(provider: config.name, what: "'\(setting)' command",
                                       reason: "exit \(result.exitCode)" + (reason.isEmpty ? "" : ": \(reason)"))
        }
        return result
    }

    public func get(_ key: String) async throws -> String? {
        guard let out = try await run("get", key: key)?.stdout else { throw ProviderError.missingSetting(provider: config.name, setting: "get") }
        var secret = Substring(out)
        if secret.hasSuffix("\n") { secret = secret.dropLast() }
        if secret.hasSuffix("\r") { secret = secret.dropLast() }
        return secret.isEmpty ? nil : String(secret)
    }

    public func set(_ key: String, _ secret: String) async throws {
        guard try await run("set", key: key, input: secret + "\n") != nil else {
            throw ProviderError.readOnly(provider: config.name, kind: "command without 'set'")
        }
    }

    public func remove(_ key: String) async throws -> Bool {
        guard try await run("remove", key: key) != nil else {
            throw ProviderError.readOnly(provider: config.name, kind: "command without 'remove'")
        }
        return true
    }

    public func list() async throws -> [String] {
        guard let out = try await run("list", key: nil)?.stdout else {
            throw ProviderError.unsupported(provider: config.name, reason: "has no 'list' command")
        }
        return out.split(separator: "\n").map { String($0).trimmed() }.filter { !$0.isEmpty }.sorted()
    }
}
