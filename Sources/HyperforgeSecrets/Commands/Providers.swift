import HyperforgeCore

extension ScopeCommands {
    public struct ProviderInfo: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
        public var isDefault: Bool
        public var routes: [String]
        public var origin: String
    }

    /// `git scope providers`.
    public static func providers(json: Bool, context: Context) throws -> ExitStatus {
        let auth = try AuthConfig.load(context)
        let infos = auth.providers.values.sorted { $0.name < $1.name }.map { p in
            ProviderInfo(name: p.name, type: p.kind.rawValue, isDefault: p.name == auth.defaultProvider,
                         routes: auth.routing.filter { $0.value == p.name }.map(\.glob).sorted(), origin: "\(p.origin)")
        }
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(infos))
        } else {
            for i in infos {
                out.line("\(out.styled(i.name, .bold)) (\(i.type))\(i.isDefault ? ", default" : "")  \(out.styled("# \(i.origin)", .dim))")
                for r in i.routes { out.line("  \(r)") }
            }
        }
        return .success
    }
}
