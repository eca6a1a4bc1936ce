import HyperforgeCore
import HyperforgeSecrets

/// `.hyperforge/config.toml` and `defaults.toml` (committed by others): read
/// as one layer, resolved alone and under itself as the user's defaults
/// (custom forges merged), and every remote URL the result asks git for must
/// parse back to the same forge and repository (what the credential helper
/// then maps to a scope).
enum ConfigTarget {
    static func run(_ data: [UInt8]) {
        guard let text = String(validating: data, as: UTF8.self) else { return } // TOMLSource.load refuses other bytes
        guard let repoLayer = try? ConfigLoader.layer(text: text, path: "/fuzz/repo/.hyperforge/config.toml") else { return }
        var userLayer = (try? ConfigLoader.layer(text: text, path: "/fuzz/.hyperforge/defaults.toml")) ?? ConfigLayer(name: "/fuzz/.hyperforge/defaults.toml")
        userLayer.trust = .user
        for key in userLayer.customForges.keys { userLayer.customForges[key]?.trust = .user }
        for layers in [[repoLayer], [userLayer, repoLayer]] {
            _ = ConfigLoader.mergeCustomForges(layers)
            guard let config = try? ConfigLoader.resolve(layers, repoRoot: "/fuzz/repo") else { continue }
            for forge in config.forges.map(\.value) {
                for proto in GitProtocol.allCases {
                    let url = forge.remoteURL(org: config.org.value, repo: config.repoName.value, protocol: proto)
                    guard let parsed = RemoteURL.parse(url) else {
                        check(false, "the remote URL for forge \(forge.name) does not parse: \(url)")
                        continue
                    }
                    check(forge.matches(parsed), "the remote URL for forge \(forge.name) does not match the forge: \(url)")
                    if let owner = parsed.ownerAndName, proto == .ssh {
                        check(owner.owner == config.org.value && owner.name == config.repoName.value,
                              "the remote URL \(url) names \(owner.owner)/\(owner.name), not \(config.org.value)/\(config.repoName.value)")
                    }
                    if let scope = Scope.forRemote(parsed, forges: [forge]) {
                        check(scope == .git(forge: forge.name, org: config.org.value, repo: config.repoName.value),
                              "the remote URL \(url) maps to scope \(scope.path)")
                        check((try? Scope(parsing: scope.path)) == scope, "scope \(scope.path) does not parse back")
                    }
                }
            }
        }
    }
}
