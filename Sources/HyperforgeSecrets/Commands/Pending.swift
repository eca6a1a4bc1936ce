import FoundationEssentials
import HyperforgeCore

extension ScopeCommands {
    /// `git scope pending`.
    public static func pending(json: Bool, context: Context) throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        let requests = try broker.grants().pending()
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(requests))
        } else if requests.isEmpty {
            out.line("no pending requests")
        } else {
            for r in requests {
                let age = Int(context.now().timeIntervalSince(r.requestedAt))
                out.line("\(r.id)  \(r.scope)  \(out.styled("asked by \(r.requester), \(age) s ago", .dim))")
            }
        }
        return .success
    }
}
