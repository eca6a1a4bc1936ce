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
    public static func get(input: [UInt8], context: Context) -> String? {
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
            return "username=\(request.username ?? CredentialHelper.defaultUsername(forge.kind))\npassword=\(secret)\n"
        } catch {
            return nil
        }
    }
}
