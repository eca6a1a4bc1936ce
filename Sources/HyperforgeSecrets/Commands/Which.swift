import HyperforgeCore

extension ScopeCommands {
    public struct Which: Codable, Sendable, Equatable {
        public var scope: String
        public var provider: String
        public var type: String
        public var pattern: String?
        public var policy: String
        public var policyPattern: String?
    }

    /// `git scope which SCOPE`: the provider and policy, and the patterns that chose them.
    public static func which(_ scopeText: String, json: Bool, context: Context) throws -> ExitStatus {
        let scope = try Scope(parsing: scopeText)
        let auth = try AuthConfig.load(context)
        let (provider, pattern) = auth.route(scope.path)
        let (policy, policyPattern) = auth.policy(scope.path)
        let w = Which(scope: scope.path, provider: provider.name, type: provider.kind.rawValue, pattern: pattern?.glob,
                      policy: policy.rawValue, policyPattern: policyPattern?.glob)
        let out = context.output.stdout
        if json {
            out.line(try JSONOutput.encode(w))
        } else {
            out.line("\(w.scope)")
            out.line("  provider: \(w.provider) (\(w.type)), " + (w.pattern.map { "routed by \"\($0)\"" } ?? "the default provider"))
            out.line("  policy:   \(w.policy), " + (w.policyPattern.map { "set by \"\($0)\"" } ?? "the default policy"))
        }
        return .success
    }
}
