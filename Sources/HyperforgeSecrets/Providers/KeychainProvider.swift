import HyperforgeCore

/// The desktop's keyring: the Secret Service (GNOME Keyring, KWallet) on
/// Linux through `secret-tool` (libsecret-tools), with the attributes
/// `service=<service>` (default `hyperforge`) and `scope=<scope>`. The
/// secret goes to `secret-tool store` on stdin, never as an argument.
public struct KeychainProvider: SecretProvider {
    public let config: ProviderConfig
    let context: Context

    var service: String { config.settings["service"] ?? "hyperforge" }

    private func tool(_ arguments: [String], input: String? = nil, what: String) async throws -> ChildProcess.Result {
        #if os(Linux)
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(["secret-tool"] + arguments, environment: context.environment, input: input, timeout: 60)
        } catch let e as ChildProcess.TimedOut {
            throw ProviderError.failed(provider: config.name, what: what, reason: "\(e.description) (is the keyring locked?)")
        } catch let e as ChildProcess.LaunchError {
            throw ProviderError.failed(provider: config.name, what: what,
                                       reason: "\(e.reason) (install libsecret-tools and run a Secret Service such as gnome-keyring)")
        }
        return result
        #else
        throw ProviderError.unsupported(provider: config.name, reason: "the keychain provider needs the Secret Service (Linux) in this version")
        #endif
    }

    public func get(_ key: String) async throws -> String? {
        let r = try await tool(["lookup", "service", service, "scope", key], what: "lookup")
        if r.exitCode != 0 {
            // secret-tool exits 1 with no output when nothing matches.
            if r.stderr.isEmpty { return nil }
            throw ProviderError.failed(provider: config.name, what: "lookup", reason: r.stderr.trimmedLines())
        }
        return r.stdout.isEmpty ? nil : r.stdout
    }

    public func set(_ key: String, _ secret: String) async throws {
        let r = try await tool(["store", "--label=hyperforge \(key)", "service", service, "scope", key], input: secret, what: "store")
        guard r.exitCode == 0 else {
            throw ProviderError.failed(provider: config.name, what: "store", reason: r.stderr.trimmedLines())
        }
    }

    public func remove(_ key: String) async throws -> Bool {
        let existed = try await get(key) != nil
        let r = try await tool(["clear", "service", service, "scope", key], what: "clear")
        guard r.exitCode == 0 || !existed else {
            throw ProviderError.failed(provider: config.name, what: "clear", reason: r.stderr.trimmedLines())
        }
        return existed
    }

    public func list() async throws -> [String] {
        let r = try await tool(["search", "--all", "service", service], what: "search")
        // Items are printed on stdout as "attribute.scope = VALUE" lines; the
        // secrets themselves go to the "secret = " lines, which are skipped.
        var names: [String] = []
        for line in (r.stdout + "\n" + r.stderr).split(separator: "\n") where line.hasPrefix("attribute.scope = ") {
            names.append(String(line.dropFirst("attribute.scope = ".count)))
        }
        return Array(Set(names)).sorted()
    }
}
