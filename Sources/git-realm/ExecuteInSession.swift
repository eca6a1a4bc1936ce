import CLISupport
import HyperforgeCore
import HyperforgeRealm

/// `execute`, inside a coordinator session for the repository (RFC "Session
/// lifecycle": registered on start, removed on exit).
func executeInSession(_ target: Realm.Target, command: String, json: Bool = false, _ body: @escaping (Context) async throws -> ExitStatus) async throws {
    try await execute(.realm, json: json) { context in
        try await Realm.withSession(target, command: "git realm \(command)", context: context) { try await body(context) }
    }
}
