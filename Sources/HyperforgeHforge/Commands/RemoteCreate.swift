import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct RemoteCreateOptions: Sendable {
        public var forge: String
        public var path: String?
        public var dryRun = false
        public init(forge: String) { self.forge = forge }
    }

    /// `git hforge remote <forge> create`: this repository on that forge,
    /// from its effective config; an existing one is reported, never recreated.
    public static func remoteCreate(_ options: RemoteCreateOptions, context: Context) async throws -> ExitStatus {
        let (repo, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context)
        guard let forge = config.forge(named: options.forge) else {
            if let problem = Names.problem(with: options.forge, as: .forge) {
                throw HforgeError.badArgument(flag: "<forge>", value: options.forge, reason: "a forge name \(problem)")
            }
            throw RemoteError.forgeNotInConfig(forge: options.forge, forges: config.forges.map(\.value.name))
        }
        let ref = "\(config.org.value)/\(config.repoName.value)"
        let outcome = try await ensureRepository(on: forge, config: config, branch: currentBranch(repo), context: context, dryRun: options.dryRun)
        if case .untrusted = outcome {
            let declared = config.customForges[forge.name].map(\.origin.description)
            throw RemoteError.untrustedForge(forge: forge.name, declaredAt: declared, authPath: ConfigLoader.authPath(context.paths))
        }
        printCreate(outcome, forge: forge, ref: ref, context: context)
        if options.dryRun { context.output.stdout.line("dry run: nothing was changed") }
        return .success
    }
}
