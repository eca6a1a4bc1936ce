import FoundationEssentials
import Glibc
import HyperforgeCore

/// git's `get` in the case that happens on nearly every fetch and push — a
/// forge scope already granted, its token in the file provider — answered
/// synchronously, before the concurrency runtime, the argument parser or a
/// writable database is touched. Anything else (no grant yet, a policy to
/// apply, a rejected mark, another provider, a plain host, plain http, any
/// error) returns nil, and the full helper decides and explains, exactly as
/// it would have: this path only ever gives the answer the full one gives.
public enum CredentialFastPath {
    /// `now`: seconds since 1970, for the memo's racy rule (tests pin it).
    public static func get(input: [UInt8], context: Context, now: Double? = nil) -> String? {
        let before = CredentialMemo.snapshot(context.paths)
        guard let request = try? CredentialRequest.parse(input), request.host != nil, request.protocolName != nil,
              !(request.username ?? "").utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }),
              let helper = try? CredentialHelper(context: context),
              case .scope(let scope, let forge)? = try? helper.target(request), !forge.isPlainHTTP else { return nil }
        let key = scope.path
        guard helper.broker.auth.policy(key).0 != .deny else { return nil }
        do {
            let store = try GrantStore(readingOnly: GrantStore.path(context.paths))
            guard try store.isUsable(key),
                  let provider = try helper.broker.provider(for: key) as? FileProvider,
                  let secret = try provider.read()[key], !secret.isEmpty,
                  !secret.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else { return nil }
            let username = CredentialHelper.defaultUsername(forge.kind)
            // Kept for the next identical request when nothing but auth.toml,
            // the grants and the secrets file decided it (CredentialMemo).
            if let proto = request.protocolName, let host = request.host, let path = request.path,
               helper.broker.auth.forges.contains(forge),
               (try? provider.resolvedPath()) == provider.path {
                CredentialMemo.record(.init(protocolName: proto, host: host, path: path, scope: key, username: username, secretsFile: provider.path),
                                      paths: context.paths, before: before, now: now ?? context.now().timeIntervalSince1970)
            }
            return "username=\(request.username ?? username)\npassword=\(secret)\n"
        } catch {
            return nil
        }
    }
}
