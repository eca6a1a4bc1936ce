import HyperforgeCore

extension Hforge {
    public struct WorkspacePushOptions: Sendable {
        public var workspace = WorkspaceOptions()
        public var tags = false
        public var dryRun = false
        /// Push the rest after a repository fails, and report every failure.
        public var keepGoing = false
        public init() {}
    }

    public struct WorkspaceRepositoryPush: Codable, Sendable {
        public var path: String
        public var relativePath: String
        /// "pushed", "would-push", "failed" or "not-attempted".
        public var outcome: String
        /// What `git hforge push` printed for it.
        public var output: [String]
        public var error: RepositoryError?
    }

    /// `git hforge workspace push`: `git hforge push` in each member, in path
    /// order, stopping at the first that fails unless `keepGoing`.
    public static func workspacePush(_ options: WorkspacePushOptions, context: Context) async throws -> ExitStatus {
        let context = detached(context) // GIT_DIR and the like name one repository, never the members
        let found = try discoverWorkspace(options.workspace, context: context)
        let out = context.output.stdout
        let progress = WorkspaceProgress(context, verb: options.dryRun ? "push (dry run)" : "pushing", total: found.members.count)
        var entries = found.members.map { WorkspaceRepositoryPush(path: $0.path, relativePath: $0.relativePath, outcome: "not-attempted", output: []) }
        let json = options.workspace.json
        if !json && options.dryRun { out.line("Would push (dry run):") }
        var stopped = false
        var plain = PlainHTTPForges()
        for (i, member) in found.members.enumerated() {
            if stopped { break }
            progress.started(member.relativePath)
            progress.show()
            var sub = context
            sub.output = .capturing()
            var push = PushOptions()
            push.path = member.path
            push.tags = options.tags
            push.dryRun = options.dryRun
            push.allowDefaultsOnly = !member.hasOwnConfig
            do {
                _ = try await Hforge.push(push, context: sub)
                entries[i].outcome = options.dryRun ? "would-push" : "pushed"
            } catch {
                entries[i].outcome = "failed"
                entries[i].error = RepositoryError(error)
                if !options.keepGoing { stopped = true }
            }
            // Plain http is said once per host for the run, not in each repository's output.
            var forges = PlainHTTPForges()
            if let config = try? loadConfig(root: member.path, context: sub, printWarnings: false, requireOwnConfig: member.hasOwnConfig) {
                forges.add(config)
                plain.add(forges)
            }
            entries[i].output = forges.filterOutput(sub.output.stdout.text + sub.output.stderr.text).split(separator: "\n").map(String.init)
            if let message = entries[i].error?.message { entries[i].error?.message = forges.filterOutput(message) }
            progress.finished(member.relativePath)
            progress.clear()
            if !json { show(entries[i], to: out) }
        }
        progress.end()
        plain.warn(context, repositories: entries.count)
        let exit = workspaceExit(entries.map { $0.error?.exitStatus ?? 0 })
        func names(_ outcome: String) -> [String] { entries.filter { $0.outcome == outcome }.map(\.relativePath) }
        let pushed = names(options.dryRun ? "would-push" : "pushed"), failed = names("failed"), notAttempted = names("not-attempted")
        if json {
            out.line(JSONOutput.render(.object([
                "root": .string(found.root), "dry_run": .bool(options.dryRun), "keep_going": .bool(options.keepGoing),
                "repositories": try JSONValueEncoding.encode(entries),
                "summary": .object(["total": .integer(Int64(entries.count)), "pushed": .array(pushed.map(JSONValue.string)),
                                    "failed": .array(failed.map(JSONValue.string)), "not_attempted": .array(notAttempted.map(JSONValue.string))]),
            ])))
            return exit
        }
        if options.dryRun {
            out.line("dry run: nothing was pushed (\(plural(pushed.count, "repository", "repositories")) would be)")
        } else {
            out.line("pushed: \(pushed.count) of \(entries.count)" + (failed.isEmpty ? "" : "; " + out.styled("failed: \(failed.joined(separator: ", "))", .red))
                     + (notAttempted.isEmpty ? "" : "; not attempted: \(notAttempted.joined(separator: ", "))"))
        }
        if !notAttempted.isEmpty && !failed.isEmpty {
            context.output.stderr.line("\(context.output.stderr.styled("hint:", .yellow)) fix \(failed[0]) and run 'git hforge workspace push' again (repositories pushed already are up to date), or add --keep-going to push the others first")
        }
        return exit
    }

    static func show(_ e: WorkspaceRepositoryPush, to out: Output.Stream) {
        let name = out.styled(e.relativePath, .bold)
        switch e.outcome {
        case "failed":
            out.line("\(out.styled("✗", .red)) \(name)")
            for l in e.output { out.line("  \(l)") }
            for l in e.error!.lines(indent: "  ", out) { out.line(l) }
        default:
            out.line("\(out.styled("✓", .green)) \(name)")
            for l in e.output where !l.hasPrefix("Would push") && !l.hasPrefix("dry run:") { out.line("  \(l.hasPrefix("  ") ? String(l.dropFirst(2)) : l)") }
        }
    }
}
