import HyperforgeCore
@testable import HyperforgeSecrets

/// git's credential protocol as the helper reads it: the request, the key a
/// plain credential is stored under (which must decode to the same request),
/// the scope a forge request maps to (from the URL's path exactly, reading
/// back as itself), and the answer written back to git (which must read as
/// the same username and password, never as extra lines).
enum CredentialTarget {
    static func run(_ data: [UInt8]) {
        guard let request = try? CredentialRequest.parse(data) else { return }
        let key = PlainKey.encode(request)
        if let decoded = PlainKey.decode(key) {
            let stored = CredentialRequest(protocolName: request.protocolName ?? "", host: request.host ?? "", path: request.path, username: request.username ?? "")
            check(decoded == stored, "plain key \(key) decodes to \(decoded), not \(stored)")
        } else {
            check(false, "plain key \(key) does not decode")
        }
        if let proto = request.protocolName, proto == "https" || proto == "http", let host = request.host,
           let url = RemoteURL.parse("\(proto)://\(host)/\(request.path ?? "")") {
            for forge in Forge.builtIn where forge.matches(url) {
                if let scope = Scope.forRemote(url, forges: [forge]) {
                    check((try? Scope(parsing: scope.path)) == scope, "request for \(host)/\(request.path ?? "") maps to scope \(scope.path), which does not read back as itself")
                }
            }
        }
        if let answer = try? CredentialValue.answer(username: request.username ?? "", password: request.password ?? "", what: "fuzz", fix: "") {
            let read = try? CredentialRequest.parse(Array(answer.utf8))
            check(read?.username == (request.username ?? "") && read?.password == (request.password ?? ""),
                  "the answer for username \(request.username ?? "") does not read back as it: \(answer)")
        }
    }
}
