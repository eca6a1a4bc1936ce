import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct WorkspaceSyncOptions: Sendable {
        public var workspace = WorkspaceOptions()
        public var dryRun = false
        /// Also remove remotes the configs do not name.
        public var force = false
        /// First create each repository on every forge where it is missing (`git hforge sync --create`).
        public var create = false
        public init() {}
    }

    public struct WorkspaceRepositorySync: Codable, Sendable {
        public var path: String
        public var relativePath: String
        /// Each change, as the plan prints it.
        public var actions: [String]
        public var extraRemotes: [ExtraRemote]
        public var notes: [String]
        /// With --create: what each forge said or did (the look-up, the creation, or the request a dry run would send).
        public var onForges: [String]
        /// "unchanged", "changed", "would-change", "refused" (remotes not in the config kept: needs --force) or "failed".
        public var outcome: String
        public var error: RepositoryError?
    }

    /// `git hforge workspace sync`: `git hforge sync`'s plan for every
    /// member, all printed first, then applied repository by repository.
    public static func workspaceSync(_ options: WorkspaceSyncOptions, context: Context) async throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        let found = try discoverWorkspace(options.workspace, context: context)
        let out = context.output.stdout
        let progress = WorkspaceProgress(context, verb: "planning", total: found.members.count)
        let helper = CredentialHelperPath.preferred(context: context)
        let authPath = ConfigLoader.authPath(context.paths)
        let force = options.force, create = options.create

        // The plans, read in parallel (nothing is changed yet).
        // With --create, each forge is asked whether the repository is there (read-only: `sync --create --dry-run`).
        let planned: [(WorkspaceRepositorySync, Plan?, HforgeConfig?)] = await forEachMember(found.members, jobs: create ? 4 : defaultJobs(), progress: progress) { member in
            var entry = WorkspaceRepositorySync(path: member.path, relativePath: member.relativePath, actions: [], extraRemotes: [], notes: [], onForges: [], outcome: "unchanged")
            do {
                let repo = try Repository.open(at: member.path, environment: context.environment)
                let config = try loadConfig(root: member.path, context: context, printWarnings: false, requireOwnConfig: member.hasOwnConfig)
                entry.notes = config.warnings
                try Reconciler.checkKeys(config, context: context)
                var plan = try Reconciler.plan(repo: repo, config: config, mode: .sync, helper: helper, authPath: authPath)
                // Plain http is said once per host for the run, not in each repository's plan.
                var plain = PlainHTTPForges()
                plain.add(config)
                plan.notes = plain.filterNotes(plan.notes)
                if force { for extra in plan.extraRemotes { plan.actions.append(.removeRemote(name: extra.name, url: extra.url ?? "no URL")) } }
                entry.actions = plan.actions.map(\.summary)
                entry.extraRemotes = plan.extraRemotes.map { ExtraRemote(remote: $0.name, url: $0.url.map(RemoteURL.redacted)) }
                entry.notes += plan.notes
                if create {
                    let (lines, error) = await onTheForges(config, repo: repo, context: context, dryRun: true)
                    entry.onForges = lines
                    if let error { throw error }
                }
                return (entry, plan, config)
            } catch {
                entry.outcome = "failed"
                entry.error = RepositoryError(error)
                return (entry, nil, nil)
            }
        }

        var entries = planned.map(\.0)
        var plain = PlainHTTPForges()
        for case (_, _, let config?) in planned { plain.add(config) }
        plain.warn(context, repositories: entries.count)
        if !options.workspace.json {
            out.line(options.dryRun ? "Would change (dry run):" : "Plan for \(found.root):")
            var unchanged = 0
            for (entry, plan, _) in planned {
                let blocked = !force && !entry.extraRemotes.isEmpty
                guard let plan else {
                    out.line("  \(out.styled(entry.relativePath, .bold)): \(out.styled("cannot be planned", .red))")
                    for line in entry.onForges { out.line("    \(line)") }
                    for l in entry.error!.lines(indent: "    ", out) { out.line(l) }
                    continue
                }
                if plan.actions.isEmpty && plan.notes.isEmpty && !blocked && entry.notes.isEmpty && entry.onForges.isEmpty { unchanged += 1; continue }
                out.line("  \(out.styled(entry.relativePath, .bold)):" + (plan.actions.isEmpty ? " nothing to change" : ""))
                if !entry.onForges.isEmpty {
                    out.line("    on the forges\(options.dryRun ? " (dry run)" : ", before the remotes"):")
                    for line in entry.onForges { out.line("    \(line)") }
                }
                for a in plan.actions {
                    let style: Output.Style = a.symbol == "-" ? .red : (a.symbol == "~" ? .yellow : .green)
                    out.line("    \(out.styled(a.symbol, style)) \(a.summary)")
                }
                for note in entry.notes { out.line("    \(out.styled("!", .yellow)) \(note)") }
                if blocked {
                    for x in entry.extraRemotes {
                        out.line("    \(out.styled("!", .yellow)) remote '\(x.remote)' (\(x.url ?? "no URL")) is not in the config; it will be removed only with --force")
                    }
                }
            }
            if unchanged > 0 { out.line("  \(plural(unchanged, "repository", "repositories")) already \(unchanged == 1 ? "matches its" : "match their") config") }
        }

        // Applied in path order; a repository that fails does not stop the others.
        var applied = 0
        for (i, (_, plan, config)) in planned.enumerated() {
            guard let plan, let config else { continue }
            let blocked = !force && !entries[i].extraRemotes.isEmpty
            if options.dryRun {
                entries[i].outcome = plan.isEmpty ? "unchanged" : "would-change"
            } else if create || !plan.isEmpty {
                do {
                    let repo = try Repository.open(at: entries[i].path, environment: context.environment)
                    if create {
                        // Created where missing first; a forge that fails stops this repository's sync, as `sync --create` does.
                        let (lines, error) = await onTheForges(config, repo: repo, context: context, dryRun: false)
                        entries[i].onForges = lines
                        if !lines.isEmpty && !options.workspace.json {
                            out.line("\(out.styled(entries[i].relativePath, .bold)) on the forges:")
                            for line in lines { out.line(line) }
                        }
                        if let error { throw error }
                    }
                    guard !plan.isEmpty else { continue }
                    try plan.apply(to: repo)
                    entries[i].outcome = "changed"
                    applied += 1
                } catch {
                    entries[i].outcome = "failed"
                    entries[i].error = RepositoryError(error)
                    continue
                }
            }
            if blocked {
                entries[i].outcome = "refused"
                entries[i].error = RepositoryError(HforgeError.extraRemotes(entries[i].extraRemotes.map(\.remote)))
            }
        }
        let exit = workspaceExit(entries.map { $0.error?.exitStatus ?? 0 })
        let changed = applied
        let failed = entries.filter { $0.outcome == "failed" }.count
        let refused = entries.filter { $0.outcome == "refused" }.count
        if options.workspace.json {
            out.line(JSONOutput.render(.object([
                "root": .string(found.root), "dry_run": .bool(options.dryRun),
                "repositories": try JSONValueEncoding.encode(entries),
                "summary": .object(["total": .integer(Int64(entries.count)), "changed": .integer(Int64(changed)),
                                    "would_change": .integer(Int64(entries.filter { $0.outcome == "would-change" }.count)),
                                    "refused": .integer(Int64(refused)), "failed": .integer(Int64(failed))]),
            ])))
            return exit
        }
        for e in entries where e.outcome == "failed" && (!e.actions.isEmpty || create) && planned.contains(where: { $0.0.path == e.path && $0.1 != nil }) {
            out.line("\(out.styled(e.relativePath, .bold)): \(out.styled("failed", .red))")
            for l in e.error!.lines(indent: "  ", out) { out.line(l) }
        }
        var parts: [String] = []
        if options.dryRun {
            out.line("dry run: nothing was changed in \(plural(entries.count, "repository", "repositories"))")
        } else {
            parts.append("\(plural(changed, "repository", "repositories")) changed")
        }
        if refused > 0 { parts.append(out.styled("\(refused) with remotes not in their config (kept; --force removes them)", .yellow)) }
        if failed > 0 { parts.append(out.styled("\(failed) failed", .red)) }
        if !parts.isEmpty { out.line("Done: " + parts.joined(separator: ", ")) }
        return exit
    }
}

extension Hforge {
    /// `createOnForges` (what `git hforge sync --create` does first) with its
    /// report captured: its lines, and the error that stops this repository.
    static func onTheForges(_ config: HforgeConfig, repo: Repository, context: Context, dryRun: Bool) async -> ([String], (any Error)?) {
        var sub = context
        sub.output = .capturing()
        var failure: (any Error)?
        do {
            try await createOnForges(config, repo: repo, context: sub, dryRun: dryRun)
        } catch {
            failure = error
        }
        let lines = (sub.output.stdout.text + sub.output.stderr.text).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("On the forges") }
        return (lines, failure)
    }
}
