import HyperforgeCore
import HyperforgeSecrets

/// `auth.toml` (providers, routing, policies, custom forges): read, then
/// every routing and policy pattern asked about the scopes they would be
/// asked about (each pattern itself, and a few scope paths).
enum AuthTarget {
    static let scopes = [
        "git/github/alice/repo/my-tool/token", "git/gitlab/group/sub/repo/app/token",
        "cargo/alice/crate/token", "npm/@acme/pkg/token", "pypi/alice/pkg/token",
    ]

    static func run(_ data: [UInt8]) {
        guard let text = String(validating: data, as: UTF8.self) else { return }
        guard let auth = try? AuthConfig.parse(text, path: "/fuzz/.config/hyperforge/auth.toml") else { return }
        check(auth.approvalTimeout.isFinite && auth.approvalTimeout >= 0, "approval_timeout read as \(auth.approvalTimeout)")
        let keys = scopes + auth.routing.map(\.glob) + auth.policies.map(\.glob)
        for key in keys {
            _ = auth.route(key)
            _ = auth.policy(key)
        }
        for forge in auth.forges {
            let url = forge.remoteURL(org: "alice", repo: "my-tool", protocol: .https)
            if let parsed = RemoteURL.parse(url) {
                check(forge.matches(parsed), "auth.toml's forge \(forge.name) does not match its own URL \(url)")
            }
        }
    }
}
