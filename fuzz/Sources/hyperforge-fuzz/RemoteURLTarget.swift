import HyperforgeCore
import HyperforgeSecrets

/// Remote URLs (git config, committed config, realm files): parsed, named
/// (owner and repository), mapped to a scope, and redacted. A scope derived
/// from a URL reads back as itself (so no URL yields a path that names
/// another scope); after redaction no credential is left in the text but `***`.
enum RemoteURLTarget {
    static func run(_ data: [UInt8]) {
        guard let raw = String(validating: data, as: UTF8.self) else { return }
        if let url = RemoteURL.parse(raw) {
            _ = url.effectivePort
            _ = url.ownerAndName
            for forge in Forge.builtIn where forge.matches(url) {
                if let scope = Scope.forRemote(url, forges: [forge]) {
                    check((try? Scope(parsing: scope.path)) == scope, "URL \(raw) maps to scope \(scope.path), which does not read back as itself")
                    if case .git(_, let org, let repo) = scope, let named = url.ownerAndName {
                        check(org == named.owner && repo == named.name, "URL \(raw) maps to \(scope.path), not to \(named.owner)/\(named.name)")
                    }
                }
            }
        }
        let redacted = RemoteURL.redacted(raw)
        check(RemoteURL.redacted(redacted) == redacted, "redacting \(raw) twice differs")
        if RemoteURL.embeddedCredential(in: raw) != nil, let left = RemoteURL.embeddedCredential(in: redacted) {
            check(left.secret == "***", "\(raw) still carries a credential after redaction: \(redacted)")
        }
        let message = RemoteURL.redactedText("fatal: unable to access '\(raw)': The requested URL returned error: 403\n")
        if !raw.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "'" || $0 == "\"" }), RemoteURL.embeddedCredential(in: raw) != nil {
            check(!message.contains(raw), "git's message about \(raw) keeps its credential: \(message)")
        }
    }
}
