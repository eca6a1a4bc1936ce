import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Hforge {
    /// What `remote create`, `init --create` and `sync --create` found or did on one forge.
    enum CreateOutcome: Sendable {
        case created(RemoteRepository)
        /// It exists; each difference from the config, in words.
        case exists(RemoteRepository, differences: [String])
        /// Dry run: the request that would create it.
        case planned(ForgeRequestRecord)
        /// The forge is declared only by committed config: nothing was asked of it.
        case untrusted(String)
    }

    /// Makes sure `config`'s repository exists on `forge`: looked up first
    /// (one conditional GET), created from the config (org or user,
    /// repo_name, visibility) only when missing, never changed when it exists.
    static func ensureRepository(on forge: Forge, config: HforgeConfig, branch: String?, context: Context,
                                 dryRun: Bool) async throws -> CreateOutcome {
        guard config.isUserForge(forge) else {
            let declared = config.customForges[forge.name].map { " (\($0.origin))" } ?? ""
            return .untrusted("\(forge.name) is declared only by a repository's committed config\(declared): no request is sent to its API, and no token; it gets its remote only")
        }
        let client = try ForgeAPIAccess.client(for: forge, trusted: true, context: context,
                                               options: .standard(context, dryRun: dryRun, onRequest: dryRun ? requestPrinter(context) : nil))
        let ref = RepositoryRef(owner: config.org.value, name: config.repoName.value)
        if let existing = try await client.repository(ref) {
            return .exists(existing, differences: differences(existing, config: config, branch: branch))
        }
        let owner = await ownerKind(config.org.value, client: client)
        let new = NewRepository(owner: owner, name: config.repoName.value, description: config.description?.value,
                                visibility: config.visibility.value, defaultBranch: branch)
        switch try await client.createRepository(new) {
        case .done(let created): return .created(created)
        case .planned(let request): return .planned(request)
        }
    }

    /// What differs between the forge's repository and the config (and this repository's branch).
    static func differences(_ existing: RemoteRepository, config: HforgeConfig, branch: String?) -> [String] {
        var list: [String] = []
        if existing.visibility != config.visibility.value {
            list.append("visibility is \(existing.visibility.rawValue) on the forge, \(config.visibility.value.rawValue) in the config (\(config.visibility.origin))")
        }
        if let branch, let theirs = existing.defaultBranch, theirs != branch {
            list.append("default branch is \(theirs) on the forge, this repository's branch is \(branch)")
        }
        return list
    }

    /// Whether `owner` is the token's own user (a user's repository) or an
    /// org/group: a nested path is a group; otherwise who-am-I with the
    /// owner's scope says, and anything but the owner's own login is an org.
    static func ownerKind(_ owner: String, client: any ForgeClient) async -> RepositoryOwner {
        guard !owner.contains("/") else { return .org(owner) }
        if let me = try? await client.currentUser(tokenOf: owner), me.login.lowercased() == owner.lowercased() {
            return .user(owner)
        }
        return .org(owner)
    }

    /// Prints one forge's outcome; returns whether it counts as a failure.
    static func printCreate(_ outcome: CreateOutcome, forge: Forge, ref: String, context: Context) {
        let out = context.output.stdout
        switch outcome {
        case .created(let r):
            out.line("  \(out.styled("+", .green)) created \(ref) on \(forge.name) (\(r.visibility.rawValue))" + (r.webURL.map { ": \($0)" } ?? ""))
        case .exists(let r, let differences):
            out.line("  \(out.styled("=", .green)) \(ref) exists on \(forge.name) (\(r.visibility.rawValue)); not created again")
            for d in differences { context.output.warning("\(forge.name): \(ref): \(d); nothing was changed on the forge") }
        case .planned(let request):
            out.line("  \(out.styled("+", .green)) would create \(ref) on \(forge.name): \(request.method) \(request.url)")
        case .untrusted(let note):
            out.line("  \(out.styled("!", .yellow)) \(note)")
        }
    }

    /// `init --create` and `sync --create`: every forge of the config, in
    /// order, before any remote is set. A failure on one forge is reported
    /// and the others are still asked; then the command stops, changing nothing.
    /// A dry run for a forge whose scope holds no token plans the rest: that
    /// forge's step is shown as unknown, with the command that stores one
    /// (as `status --remote` shows what it could not ask), and is no failure.
    static func createOnForges(_ config: HforgeConfig, repo: Repository, context: Context, dryRun: Bool) async throws {
        let branch = currentBranch(repo)
        let ref = "\(config.org.value)/\(config.repoName.value)"
        context.output.stdout.line(dryRun ? "On the forges (dry run):" : "On the forges:")
        var failed: [String] = []
        for located in config.forges {
            let forge = located.value
            do {
                printCreate(try await ensureRepository(on: forge, config: config, branch: branch, context: context, dryRun: dryRun),
                            forge: forge, ref: ref, context: context)
            } catch {
                if dryRun, let missing = error as? SecretError, case .notFound(let scope, _) = missing {
                    context.output.stdout.line("  \(context.output.stdout.styled("?", .yellow)) \(ref) on \(forge.name): unknown (no token for \(scope): run 'git scope set \(scope)'); a run without --dry-run needs it to look the repository up")
                    continue
                }
                context.output.report(error, program: "git hforge")
                failed.append(forge.name)
            }
        }
        if !failed.isEmpty { throw RemoteError.createFailed(forges: failed) }
    }

    static func currentBranch(_ repo: Repository) -> String? {
        switch try? repo.head() {
        case .branch(let b)?, .unborn(let b)?: return b
        default: return nil
        }
    }
}
