import HyperforgeCore

extension Hforge {
    /// A forge named on the command line (`git hforge remote <forge> ...`),
    /// found as the config chain of a directory finds it: built in, declared
    /// in auth.toml, or in a defaults.toml above the directory.
    struct NamedForge: Sendable {
        var forge: Forge
        /// Whether tokens may go to its API: built in, or declared by the user's own files.
        var trusted: Bool
        /// Where it is declared (for messages), nil for a built-in forge.
        var declaredAt: String?
        /// The chain's layers (outermost first) for a repository directly in the directory.
        var layers: [ConfigLayer]
        var warnings: [String]
    }

    /// Finds `name` for repositories directly inside `directory`.
    static func namedForge(_ name: String, directory: String, context: Context) throws -> NamedForge {
        if let problem = Names.problem(with: name, as: .forge) {
            throw HforgeError.badArgument(flag: "<forge>", value: name, reason: "a forge name \(problem)")
        }
        // The chain of a repository in `directory`: every defaults.toml from `directory` up.
        let chain = try ConfigLoader.layers(repoRoot: FilePaths.join(directory, ".hforge-probe"), environment: context.environment,
                                            includeRepoConfig: false)
        let (custom, warnings) = ConfigLoader.mergeCustomForges(chain.layers)
        if let builtIn = Forge.builtIn.first(where: { $0.name == name }) {
            return NamedForge(forge: builtIn, trusted: true, declaredAt: nil, layers: chain.layers, warnings: chain.warnings + warnings)
        }
        guard let table = custom[name], let forge = table.forge(named: name) else {
            let known = Forge.builtIn.map(\.name) + custom.keys.sorted()
            throw ConfigError.unknownForge(nil, name: name, known: known)
        }
        return NamedForge(forge: forge, trusted: table.trust == .user, declaredAt: table.origin.description,
                          layers: chain.layers, warnings: chain.warnings + warnings)
    }
}

extension Hforge {
    /// Prints each forge request of a dry run: method and URL (never a
    /// token), and whether it was sent (read-only) or not (it would change something).
    static func requestPrinter(_ context: Context) -> @Sendable (ForgeRequestRecord) -> Void {
        let out = context.output.stdout
        return { r in out.line("request: \(r.method) \(r.url)" + (r.sent ? "" : " (not sent: dry run)")) }
    }
}
