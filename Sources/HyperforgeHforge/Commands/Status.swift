import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Hforge {
    public struct StatusOptions: Sendable {
        public var path: String?
        public var json = false
        /// Exit with status 5 when anything differs from the config.
        public var exitCode = false
        /// Also ask each forge whether the repository exists and its visibility matches.
        public var remote = false
        /// Take the defaults chain when the repository has no config.toml
        /// (`workspace --all-repos`); such a report is never cached.
        public var allowDefaultsOnly = false
        public init() {}
    }

    /// What a forge said of the repository (`status --remote`).
    public struct RemoteState: Codable, Sendable, Equatable {
        /// Whether the forge has it; nil when it could not be asked.
        public var exists: Bool?
        public var visibility: String?
        public var visibilityMatches: Bool?
        public var defaultBranch: String?
        /// Why it could not be asked (the forge's error, or an untrusted forge).
        public var problem: String?
    }

    /// The state of one forge's remote against the config.
    public struct ForgeStatus: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable {
            case inSync = "in-sync"
            case missing
            case wrongURL = "wrong-url"
            case wrongKey = "wrong-key"
        }
        public var forge: String
        public var kind: String
        public var states: [State]
        public var wantedURL: String
        public var actualURL: String?
        public var pushURL: String?
        public var wantedKey: String?
        public var actualKey: String?
        /// Commits of the current branch not on the forge's last-fetched
        /// branch, and the other way round; nil when never fetched.
        public var ahead: Int?
        public var behind: Int?
        public var trackingRef: String?
        /// With `--remote`: what the forge said; nil without it.
        public var remote: RemoteState? = nil
    }

    public struct ExtraRemote: Codable, Sendable, Equatable {
        public var remote: String
        public var url: String?
    }

    public struct StatusReport: Codable, Sendable {
        public var repository: String
        public var branch: String?
        public var head: String
        public var configFiles: [String]
        public var forges: [ForgeStatus]
        public var extraRemotes: [ExtraRemote]
        public var warnings: [String]
        public var inSync: Bool
    }

    /// Compares git with the config, remote by remote. Records every file it
    /// reads (before reading it) so that `StatusCache` can answer the next run
    /// while none of them changes.
    public static func statusReport(_ options: StatusOptions, context: Context) throws -> StatusReport {
        try recordedStatusReport(options, context: context).report
    }

    /// `statusReport`, with the fingerprints of every file it read (nil
    /// when something the fingerprints cannot see decided it).
    static func recordedStatusReport(_ options: StatusOptions, context: Context) throws -> (report: StatusReport, inputs: [InputFingerprint]?) {
        var cache = StatusCache()
        let located = StatusCache.locate(start: context.resolve(options.path ?? "."), context: context)
        if let (root, gitDir) = located {
            cache.record(ConfigLoader.authPath(context.paths))
            for path in ConfigLoader.candidateDefaultsPaths(repoRoot: root) {
                cache.record(path)
                // Whether a repository around it tracks it changes whose word it is.
                if FileManager.default.fileExists(atPath: path), let dir = FilePaths.parent(FilePaths.parent(path) ?? "/"),
                   let outer = FilePaths.enclosingGitEntry(from: dir), (outer.status.st_mode & S_IFMT) == S_IFDIR {
                    cache.record(FilePaths.join(outer.entry, "index"))
                }
            }
            cache.record(ConfigLoader.configPath(repoRoot: root))
            for file in GitConfig.files(gitDirectory: gitDir, environment: context.environment) { cache.record(file.path) }
            for name in ["HEAD", "packed-refs", "shallow", "info/grafts", "commondir"] { cache.record(FilePaths.join(gitDir, name)) }
        } else {
            cache.cacheable = false
        }
        let (repo, root) = try openRepository(path: options.path, context: context)
        if located?.root != root || located?.gitDir != repo.gitDirectory { cache.cacheable = false }
        let config = try loadConfig(root: root, context: context, printWarnings: false, requireOwnConfig: !options.allowDefaultsOnly)
        // `git hforge status` there says it has no config: no report of the chain alone may answer it.
        if !ConfigLoader.hasConfig(repoRoot: root) { cache.cacheable = false }
        let remotes = try repo.remotes()
        let gitConfig = repo.config
        // Included files are not fingerprinted: such repositories are never cached.
        if !(try gitConfig.entries(where: { $0.hasPrefix("include.") || $0.hasPrefix("includeif.") })).isEmpty { cache.cacheable = false }

        let head = try repo.head()
        var branch: String?
        var headText: String
        switch head {
        case .branch(let b): branch = b; headText = "branch \(b)"
        case .unborn(let b): headText = "branch \(b) (no commits yet)"
        case .detached(let oid): headText = "detached at \(oid.prefix(12))"
        }
        if let branch { cache.record(FilePaths.join(repo.gitDirectory, "refs/heads/\(branch)")) }
        let local = branch.flatMap { try? repo.resolve("refs/heads/\($0)") }

        var warnings: [String] = config.warnings
        // A key file that is gone or unreadable: push would fail (the file is an input of the cached report).
        for problem in Reconciler.keyProblems(config, context: context, reading: { cache.record($0) }) {
            warnings.append(problem.description + (problem.hint.map { "; " + $0 } ?? ""))
        }
        let sshCommand = try gitConfig.string("core.sshCommand")
        for variable in ["GIT_SSH_COMMAND", "GIT_SSH"] where !(context.environment[variable] ?? "").isEmpty {
            warnings.append("\(variable) is set and overrides core.sshCommand: per-forge keys are not used")
        }

        // The credential helper: configured by absolute path (see CredentialHelperPath);
        // say when it is gone or named, and how to repair it.
        let helper = CredentialHelperPath.preferred(context: context)
        for located in config.forges where config.isUserForge(located.value) {
            let url = located.value.credentialURL
            for value in try gitConfig.all(GitKeys.credentialHelperKey(url)) where CredentialHelperPath.isOurs(value) {
                if value.hasPrefix("/") { cache.record(value) }
                if let problem = CredentialHelperPath.problem(with: value, preferred: helper) {
                    warnings.append("the credential helper for \(url) \(problem); run 'git hforge sync' to use \(helper)")
                }
            }
        }

        var forges: [ForgeStatus] = []
        for located in config.forges {
            let forge = located.value
            let wanted = config.remoteURL(for: forge)
            let remote = remotes.first(where: { $0.name == forge.name })
            var status = ForgeStatus(forge: forge.name, kind: forge.kind.rawValue, states: [], wantedURL: wanted,
                                     actualURL: remote?.url.map(RemoteURL.redacted), pushURL: remote?.pushURL.map(RemoteURL.redacted))
            if let remote {
                let divergence = remote.divergence(from: wanted)
                if divergence.url || divergence.pushURL != nil {
                    status.states.append(.wrongURL)
                }
                let wantedKey = config.gitProtocol.value == .ssh ? config.ssh[forge.name]?.value : nil
                let actualKey = try gitConfig.string(GitKeys.identityFile(forge.name))
                status.wantedKey = wantedKey
                status.actualKey = actualKey
                if wantedKey != actualKey || (wantedKey != nil && sshCommand != GitKeys.sshCommand) {
                    status.states.append(.wrongKey)
                }
                if let branch, let local {
                    let ref = "refs/remotes/\(forge.name)/\(branch)"
                    cache.record(FilePaths.join(repo.gitDirectory, ref))
                    if let theirs = try repo.resolve(ref) {
                        let counts = try repo.aheadBehind(local: local, upstream: theirs)
                        status.ahead = counts.ahead
                        status.behind = counts.behind
                        status.trackingRef = ref
                    }
                }
                if status.states.isEmpty { status.states = [.inSync] }
            } else {
                status.states = [.missing]
            }
            forges.append(status)
        }
        let names = Set(config.forges.map { $0.value.name })
        let extras = remotes.filter { !names.contains($0.name) }.map { ExtraRemote(remote: $0.name, url: $0.url.map(RemoteURL.redacted)) }
        let inSync = extras.isEmpty && forges.allSatisfy { $0.states == [.inSync] }
        let report = StatusReport(repository: root, branch: branch, head: headText,
                                  configFiles: config.files + [ConfigLoader.configPath(repoRoot: root)].filter { !config.files.contains($0) },
                                  forges: forges, extraRemotes: extras, warnings: warnings, inSync: inSync)
        cache.store(report, gitDir: repo.gitDirectory, context: context)
        return (report, cache.cacheable ? cache.recorder.inputs : nil)
    }

    /// `git hforge status`: prints the report as text or JSON.
    public static func status(_ options: StatusOptions, context: Context) throws -> ExitStatus {
        let report = try StatusCache.lookup(path: options.path, context: context) ?? statusReport(options, context: context)
        return try show(report, options, context: context)
    }

    /// `git hforge status --remote`: the report, and what each forge says.
    public static func statusAskingForges(_ options: StatusOptions, context: Context) async throws -> ExitStatus {
        var report = try StatusCache.lookup(path: options.path, context: context) ?? statusReport(options, context: context)
        try await askForges(&report, options, context: context)
        return try show(report, options, context: context)
    }

    /// `status --remote`: one conditional GET per forge (a 304 answers from
    /// the ETag cache), whether the repository exists and its visibility
    /// matches the config. A forge only committed config declares is not asked.
    static func askForges(_ report: inout StatusReport, _ options: StatusOptions, context: Context) async throws {
        let (_, root) = try openRepository(path: options.path, context: context)
        let config = try loadConfig(root: root, context: context, printWarnings: false)
        let ref = RepositoryRef(owner: config.org.value, name: config.repoName.value)
        for index in report.forges.indices {
            guard let forge = config.forge(named: report.forges[index].forge) else { continue }
            var state = RemoteState()
            if !config.isUserForge(forge) {
                state.problem = "not asked: \(forge.name) is declared only by a repository's committed config, so no request (and no token) goes to its API"
            } else {
                do {
                    let client = try ForgeAPIAccess.client(for: forge, trusted: true, context: context, options: .standard(context))
                    if let found = try await client.repository(ref) {
                        state.exists = true
                        state.visibility = found.visibility.rawValue
                        state.visibilityMatches = found.visibility == config.visibility.value
                        state.defaultBranch = found.defaultBranch
                    } else {
                        state.exists = false
                    }
                } catch let e as any HyperforgeError {
                    state.problem = e.description
                }
            }
            report.forges[index].remote = state
            if state.exists != true || state.visibilityMatches != true { report.inSync = false }
        }
    }

    /// `git hforge status` answered from its cached report, or nil when there
    /// is none to use (the full command then runs). Called before the
    /// argument parser, which costs five times what the cached answer does.
    public static func cachedStatus(_ options: StatusOptions, context: Context) -> ExitStatus? {
        guard let report = StatusCache.lookup(path: options.path, context: context) else { return nil }
        return try? show(report, options, context: context)
    }

    static func show(_ report: StatusReport, _ options: StatusOptions, context: Context) throws -> ExitStatus {
        let out = context.output.stdout
        if options.json {
            out.line(try JSONOutput.encode(report))
        } else {
            render(report, to: out)
            for w in report.warnings { context.output.warning(w) }
        }
        return options.exitCode && !report.inSync ? .drift : .success
    }

    static func render(_ report: StatusReport, to out: Output.Stream) {
        out.line("\(out.styled(report.repository, .bold)) (\(report.head))")
        let width = max(8, (report.forges.map(\.forge.count) + report.extraRemotes.map(\.remote.count)).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        for f in report.forges {
            let stateText = f.states.map(\.rawValue).joined(separator: ", ")
            let style: Output.Style = f.states == [.inSync] ? .green : (f.states == [.missing] ? .red : .yellow)
            var line = "  \(pad(f.forge, width))  \(out.styled(pad(stateText, 19), style)) "
            switch f.states.first {
            case .missing?: line += "want \(f.wantedURL)"
            default: line += f.actualURL ?? "(no URL)"
            }
            if let ahead = f.ahead, let behind = f.behind {
                line += ahead == 0 && behind == 0 ? "  up to date" : "  ahead \(ahead), behind \(behind)"
            } else if f.states.first != .missing, report.branch != nil {
                line += "  not fetched"
            }
            out.line(line)
            if f.states.contains(.wrongURL) {
                out.line("  \(pad("", width))  want \(f.wantedURL)" + (f.pushURL.map { " (push URL is \($0))" } ?? ""))
            }
            if let remote = f.remote {
                let text: String
                switch (remote.exists, remote.problem) {
                case (true?, _): text = "on the forge: exists, \(remote.visibility ?? "?")" + (remote.visibilityMatches == false ? " (the config says otherwise: change it in the forge's settings, or visibility in .hyperforge/config.toml; sync does not change a forge)" : "")
                case (false?, _): text = "on the forge: missing ('git hforge remote \(f.forge) create' creates it)"
                default: text = "on the forge: unknown: \(remote.problem ?? "not asked")"
                }
                out.line("  \(pad("", width))  \(out.styled(text, remote.exists == true && remote.visibilityMatches == true ? .green : .yellow))")
            }
            if f.states.contains(.wrongKey) {
                out.line("  \(pad("", width))  want key \(f.wantedKey ?? "(none)"), git has \(f.actualKey ?? "(none)")")
            }
        }
        for e in report.extraRemotes {
            out.line("  \(pad(e.remote, width))  \(out.styled(pad("extra", 19), .red)) \(e.url ?? "(no URL)")  (not in config)")
        }
        if !report.inSync { out.line("run 'git hforge sync' to bring git in line with the config") }
    }
}
