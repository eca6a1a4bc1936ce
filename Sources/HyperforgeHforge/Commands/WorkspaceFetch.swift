import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct WorkspaceFetchOptions: Sendable {
        public var workspace = WorkspaceOptions()
        /// Say what would be fetched, and contact nothing.
        public var dryRun = false
        public init() {}
    }

    public struct ForgeFetch: Codable, Sendable {
        public var forge: String
        public var url: String
        /// "fetched", "would-fetch", "failed" or "missing" (no such remote: nothing fetched).
        public var outcome: String
        public var error: RepositoryError?
    }

    public struct WorkspaceRepositoryFetch: Codable, Sendable {
        public var path: String
        public var relativePath: String
        public var forges: [ForgeFetch]
        public var error: RepositoryError?
    }

    /// Fetches every forge of one repository with the real git, in config
    /// order; a forge that fails does not stop the others.
    /// Also returns its forges on plain http (said once for the run, and
    /// dropped from git's output here).
    static func repositoryFetch(_ member: WorkspaceDiscovery.Member, dryRun: Bool, context: Context) async -> (WorkspaceRepositoryFetch, PlainHTTPForges) {
        var entry = WorkspaceRepositoryFetch(path: member.path, relativePath: member.relativePath, forges: [])
        var plain = PlainHTTPForges()
        do {
            let config = try loadConfig(root: member.path, context: context, printWarnings: false, requireOwnConfig: member.hasOwnConfig)
            plain.add(config)
            let remotes = try Repository.open(at: member.path, environment: context.environment).remotes()
            for located in config.forges {
                let forge = located.value
                let url = config.remoteURL(for: forge)
                guard remotes.contains(where: { $0.name == forge.name }) else {
                    entry.forges.append(ForgeFetch(forge: forge.name, url: url, outcome: "missing", error: RepositoryError(
                        message: "forge \(forge.name): remote '\(forge.name)' does not exist; nothing was fetched from it",
                        hint: "run 'git hforge workspace sync' (or 'git hforge sync' in \(member.path)) to add it", exitStatus: .refused)))
                    continue
                }
                if dryRun { entry.forges.append(ForgeFetch(forge: forge.name, url: url, outcome: "would-fetch")); continue }
                let result = try await Git.run(["fetch", "--quiet", forge.name], in: member.path, context: context)
                if result.exitCode == 0 {
                    entry.forges.append(ForgeFetch(forge: forge.name, url: url, outcome: "fetched"))
                } else {
                    let output = plain.filterOutput(result.stderr + result.stdout).trimmedLines()
                    var message = "fetch from \(forge.name) (remote '\(forge.name)', \(url)) failed: git exited with \(result.exitCode)"
                    for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) { message += "\n  git: \(line)" }
                    entry.forges.append(ForgeFetch(forge: forge.name, url: url, outcome: "failed", error: RepositoryError(
                        message: message, hint: "fix the problem on \(forge.name), then run 'git hforge workspace fetch' again", exitStatus: .failure)))
                }
            }
            if let failed = entry.forges.first(where: { $0.outcome == "failed" || $0.outcome == "missing" }), let e = failed.error {
                entry.error = entry.forges.filter { $0.error != nil }.count == 1 ? e
                    : RepositoryError(message: entry.forges.compactMap(\.error?.message).joined(separator: "\n"), hint: e.hint,
                                      exitStatus: entry.forges.contains { $0.outcome == "failed" } ? .failure : .refused)
            }
        } catch {
            entry.error = RepositoryError(error)
        }
        return (entry, plain)
    }

    /// `git hforge workspace fetch`.
    public static func workspaceFetch(_ options: WorkspaceFetchOptions, context: Context) async throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        let found = try discoverWorkspace(options.workspace, context: context)
        let dryRun = options.dryRun
        // Prompts (passwords, passphrases, host keys) one at a time: see PromptGate.
        let gate = dryRun ? nil : PromptGate.make(environment: context.environment)
        defer { gate?.close() }
        var children = context
        if let gate { children.environment = gate.childEnvironment(context.environment) }
        let progress = WorkspaceProgress(context, verb: options.dryRun ? "fetch (dry run)" : "fetching", total: found.members.count, gate: gate)
        let results = await forEachMember(found.members, jobs: options.workspace.jobs ?? 4, progress: progress) { [children] member in
            await repositoryFetch(member, dryRun: dryRun, context: children)
        }
        let entries = results.map(\.0)
        var plain = PlainHTTPForges()
        for (_, p) in results { plain.add(p) }
        plain.warn(context, repositories: entries.count)
        let exit = workspaceExit(entries.map { $0.error?.exitStatus ?? 0 })
        let failed = entries.filter { $0.error != nil }.count
        let out = context.output.stdout
        if options.workspace.json {
            out.line(JSONOutput.render(.object([
                "root": .string(found.root), "dry_run": .bool(dryRun),
                "repositories": try JSONValueEncoding.encode(entries),
                "summary": .object(["total": .integer(Int64(entries.count)), "failed": .integer(Int64(failed)),
                                    "fetched": .integer(Int64(entries.count - failed))]),
            ])))
            return exit
        }
        let width = min(50, entries.map(\.relativePath.count).max() ?? 0)
        for e in entries {
            let name = out.styled(pad(e.relativePath, width), .bold)
            if e.forges.isEmpty, let error = e.error {
                out.line("\(name)  \(out.styled("failed", .red))")
                for l in error.lines(indent: "  ", out) { out.line(l) }
                continue
            }
            out.line("\(name)  " + e.forges.map { f in
                let style: Output.Style = f.outcome == "fetched" ? .green : (f.outcome == "would-fetch" ? .cyan : .red)
                return "\(f.forge) \(out.styled(f.outcome == "would-fetch" ? "would fetch \(f.url)" : f.outcome, style))"
            }.joined(separator: "; "))
            for f in e.forges { if let error = f.error { for l in error.lines(indent: "  ", out) { out.line(l) } } }
        }
        if dryRun {
            out.line("dry run: \(plural(entries.count, "repository", "repositories")), nothing was fetched")
        } else {
            out.line("\(plural(entries.count, "repository", "repositories")): \(entries.count - failed) fetched from every forge"
                     + (failed > 0 ? ", " + out.styled("\(failed) failed", .red) : ""))
        }
        return exit
    }
}
