import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct InitOptions: Sendable {
        public var path: String?
        public var forges: [String]?
        public var org: String?
        public var repoName: String?
        public var visibility: Visibility?
        public var gitProtocol: GitProtocol?
        /// `forge=path` pairs.
        public var ssh: [String: String] = [:]
        public var importFromGit = false
        /// Create the repository on each forge where it is missing, before the remotes are set.
        public var create = false
        public var dryRun = false
        public var force = false

        public init() {}
    }

    /// `git hforge init`: writes `.hyperforge/config.toml` from flags (and,
    /// with `--import-from-git`, from the remotes the repository has), then
    /// sets git up to match it.
    public static func initialise(_ options: InitOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repo, root) = try openRepository(path: options.path, context: context)
        let configPath = ConfigLoader.configPath(repoRoot: root)
        if ConfigLoader.hasConfig(repoRoot: root) && !options.force {
            throw HforgeError.alreadyInitialised(configPath: configPath)
        }

        let chain = try ConfigLoader.layers(repoRoot: root, environment: context.environment, includeRepoConfig: false)
        let defaults = chain.layers
        var layer = ConfigLayer(name: "command line")
        var renames: [(from: String, to: String)] = []
        var adopted: Set<String> = []
        var credentials: [CredentialImport.Move] = []
        if options.importFromGit {
            let imported = try await Importer.importRemotes(repo: repo, defaults: defaults, root: root, context: context,
                                                            credentials: CredentialImport(context: context))
            credentials = imported.credentials
            layer = imported.layer
            renames = imported.renames
            adopted = Set(imported.layer.forges?.value.map(\.value) ?? [])
            for note in imported.notes { context.output.warning(note) }
        }
        try apply(options, to: &layer)

        var config = try ConfigLoader.resolve(defaults + [layer], repoRoot: root)
        config.warnings = chain.warnings + config.warnings
        for w in config.warnings { context.output.warning(w) }
        for forge in options.ssh.keys where config.forge(named: forge) == nil {
            throw HforgeError.badArgument(flag: "--ssh", value: "\(forge)=\(options.ssh[forge]!)",
                                          reason: "\(forge) is not one of the forges (\(config.forges.map(\.value.name).joined(separator: ", ")))")
        }
        try Reconciler.checkKeys(config, context: context)

        var plan = try Reconciler.plan(repo: repo, config: config, mode: .initialise(force: options.force),
                                       helper: CredentialHelperPath.preferred(context: context), authPath: ConfigLoader.authPath(context.paths),
                                       renames: renames, adopt: Set(layer.forges?.value.map(\.value) ?? []).intersection(adopted))
        let header = "hyperforge configuration: ground truth for this repository's forges.\nSee 'git hforge config' for the effective values and where each comes from."
        plan.actions.insert(.writeConfig(path: configPath, contents: ConfigWriter.render(layer, header: header)), at: 0)

        plan.print(to: out, title: options.dryRun ? "Would change (dry run)" : "Plan for \(root)")
        for line in CredentialImport.describe(credentials, dryRun: options.dryRun) { out.line("  \(out.styled("+", .green)) \(line)") }
        if !plan.extraRemotes.isEmpty {
            context.output.warning("remotes not in the config: \(plan.extraRemotes.map(\.name).joined(separator: ", ")) (left alone; 'git hforge sync --force' removes them)")
        }
        if options.create { try await createOnForges(config, repo: repo, context: context, dryRun: options.dryRun) }
        if options.dryRun {
            out.line("dry run: nothing was changed")
            return .success
        }
        // Secrets first: if one cannot be stored, nothing else has changed.
        try await CredentialImport.store(credentials)
        try plan.apply(to: repo)
        out.line("Initialised \(relative(configPath, to: root)): \(config.forges.count) forge\(config.forges.count == 1 ? "" : "s"), \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s") made")
        return .success
    }

    static func apply(_ options: InitOptions, to layer: inout ConfigLayer) throws {
        for forge in options.forges ?? [] {
            if let problem = Names.problem(with: forge, as: .forge) {
                throw HforgeError.badArgument(flag: "--forges", value: forge, reason: "a forge name \(problem)")
            }
        }
        if let name = options.repoName, let problem = Names.problem(with: name, as: .repository) {
            throw HforgeError.badArgument(flag: "--repo-name", value: name, reason: "a repository name \(problem)")
        }
        if let org = options.org, let problem = Names.problem(with: org, as: .owner, nestedOwners: true) {
            throw HforgeError.badArgument(flag: "--org", value: org, reason: "an org \(problem)")
        }
        if let forges = options.forges {
            layer.forges = Located(forges.map { Located($0, .commandLine("--forges")) }, .commandLine("--forges"))
        }
        if let org = options.org { layer.org = Located(org, .commandLine("--org")) }
        if let name = options.repoName { layer.repoName = Located(name, .commandLine("--repo-name")) }
        if let v = options.visibility { layer.visibility = Located(v, .commandLine("--visibility")) }
        if let p = options.gitProtocol { layer.gitProtocol = Located(p, .commandLine("--protocol")) }
        for (forge, key) in options.ssh { layer.ssh[forge] = Located(key, .commandLine("--ssh")) }
    }
}
