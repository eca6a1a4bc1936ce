import HyperforgeCore

extension ScopeCommands {
    public struct Listed: Codable, Sendable, Equatable {
        public var provider: String
        public var type: String
        public var names: [String]
        /// The names a server refused (git's `erase`): kept, not handed out.
        public var rejected: [GrantStore.Rejection] = []
    }

    /// `git scope list`: the names each provider holds, never the values.
    public static func list(provider name: String?, json: Bool, context: Context) async throws -> ExitStatus {
        let broker = try SecretBroker.load(context)
        let names = name.map { [$0] } ?? broker.auth.providers.keys.sorted()
        let rejections = try broker.grants().rejections()
        var listed: [Listed] = []
        for providerName in names {
            let provider = try broker.provider(named: providerName)
            do {
                let held = try await provider.list()
                let marks = rejections.filter { held.contains($0.scope) }
                listed.append(Listed(provider: providerName, type: provider.config.kind.rawValue, names: held, rejected: marks))
            } catch let e as ProviderError {
                if name != nil { throw e }
                context.output.warning("\(e.description); skipped")
            }
        }
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(listed))
        } else {
            for l in listed {
                out.line("\(out.styled(l.provider, .bold)) (\(l.type)): \(l.names.count) secret\(l.names.count == 1 ? "" : "s")")
                for n in l.names {
                    if let mark = l.rejected.first(where: { $0.scope == n }) {
                        out.line("  \(n)  " + out.styled("rejected by \(mark.host) at \(Timestamp.utc(mark.rejectedAt)): not handed out; 'git scope set \(n)' or 'git scope approve \(n)' clears it", .yellow))
                    } else {
                        out.line("  \(n)")
                    }
                }
            }
        }
        return .success
    }
}
