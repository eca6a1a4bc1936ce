import HyperforgeCore
import HyperforgeGit

extension Hforge {
    public struct PushOptions: Sendable {
        public var path: String?
        public var tags = false
        public var dryRun = false
        /// Take the defaults chain when the repository has no config.toml (`workspace --all-repos`).
        public var allowDefaultsOnly = false
        public init() {}
    }

    /// `git hforge push`: pushes the current branch (and all tags with
    /// `--tags`) to every forge in config order with the real `git`, so the
    /// user's ssh, credential helpers, insteadOf rules and hooks apply.
    /// Stops at the first failure; later forges are not contacted.
    public static func push(_ options: PushOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repo, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context, requireOwnConfig: !options.allowDefaultsOnly)

        let branch: String
        switch try repo.head() {
        case .branch(let b): branch = b
        case .unborn(let b): throw HforgeError.noBranch(head: "branch \(b) with no commits")
        case .detached(let oid): throw HforgeError.noBranch(head: "detached at \(oid.prefix(12))")
        }

        try checkRemotes(repo: repo, config: config)

        let what = options.tags ? "\(branch) and tags" : branch
        if options.dryRun {
            out.line("Would push (dry run):")
            for (i, located) in config.forges.enumerated() {
                out.line("  \(i + 1). \(what) -> \(located.value.name) (\(config.remoteURL(for: located.value)))")
            }
            out.line("dry run: nothing was pushed")
            return .success
        }

        var refspecs = ["refs/heads/\(branch):refs/heads/\(branch)"]
        if options.tags { refspecs.insert("--tags", at: 0) }
        try await pushToForges(config.forges.map(\.value), refspecs: refspecs, what: what, config: config, root: root, context: context)
        let forgeNames = config.forges.map(\.value.name)
        out.line("Pushed \(what) to \(forgeNames.count) forge\(forgeNames.count == 1 ? "" : "s")")
        return .success
    }

    /// Every forge's remote must be in place (and point where the config
    /// says) before anything is pushed anywhere.
    static func checkRemotes(repo: Repository, config: HforgeConfig) throws {
        let remotes = try repo.remotes()
        for located in config.forges {
            let forge = located.value
            let wanted = config.remoteURL(for: forge)
            guard let remote = remotes.first(where: { $0.name == forge.name }) else {
                throw HforgeError.remoteNotReady(forge: forge.name, remote: forge.name, problem: "does not exist")
            }
            let divergence = remote.divergence(from: wanted)
            if divergence.url {
                throw HforgeError.remoteNotReady(forge: forge.name, remote: forge.name, problem: "points to \(remote.url.map(RemoteURL.redacted) ?? "nothing"), not \(wanted)")
            }
            if let push = divergence.pushURL {
                throw HforgeError.remoteNotReady(forge: forge.name, remote: forge.name, problem: "pushes to \(RemoteURL.redacted(push)), not \(wanted)")
            }
        }
    }

    /// Pushes `refspecs` to `forges` in order with the real git, stopping at
    /// the first failure (the forges after it are not contacted and named in
    /// the error). `pushed` is told of each forge once it took the push.
    static func pushToForges(_ forges: [Forge], refspecs: [String], what: String, config: HforgeConfig, root: String,
                             context: Context, quiet: Bool = false, pushed: (String) throws -> Void = { _ in }) async throws {
        let out = context.output.stdout
        let err = context.output.stderr
        let forgeNames = forges.map(\.name)
        for (index, forge) in forges.enumerated() {
            let url = config.remoteURL(for: forge)
            if err.isTerminal { err.write("pushing \(what) to \(forge.name)..."); err.control(.carriageReturn) }
            let options = refspecs.filter { $0.hasPrefix("-") }
            let refs = refspecs.filter { !$0.hasPrefix("-") }
            let result = try await Git.run(["push", "--porcelain"] + options + [forge.name] + refs, in: root, context: context)
            if err.isTerminal { err.control(.eraseLine) }
            guard result.exitCode == 0 else {
                throw HforgeError.pushFailed(forge: forge.name, remote: forge.name, url: url,
                                             gitOutput: result.stderr + result.stdout, exitCode: result.exitCode,
                                             notAttempted: Array(forgeNames[(index + 1)...]))
            }
            try pushed(forge.name)
            let updates = PorcelainPush.summary(result.stdout)
            if !quiet { out.line("\(out.styled("✓", .green)) \(forge.name): \(updates.isEmpty ? "pushed \(what)" : updates.joined(separator: "; "))") }
        }
    }
}

/// Reads `git push --porcelain` output: `<flag>\t<from>:<to>\t<summary>` lines.
enum PorcelainPush {
    static func summary(_ text: String) -> [String] {
        var lines: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, let flag = fields[0].first else { continue }
            let to = fields[1].split(separator: ":").last.map(String.init) ?? String(fields[1])
            let short = to.hasPrefix("refs/heads/") ? String(to.dropFirst(11)) : (to.hasPrefix("refs/tags/") ? String(to.dropFirst(5)) : to)
            switch flag {
            case "=": lines.append("\(short) up to date")
            case "*": lines.append("\(short) new")
            default: lines.append("\(short) \(fields[2])")
            }
        }
        return lines
    }
}

/// Runs the `git` executable.
enum Git {
    static func run(_ arguments: [String], in directory: String, context: Context) async throws -> ChildProcess.Result {
        do {
            return try await ChildProcess.run(["git"] + arguments, environment: context.environment, directory: directory)
        } catch let e as ChildProcess.LaunchError {
            throw HforgeError.cannotRun(program: "git", reason: e.reason)
        }
    }
}
