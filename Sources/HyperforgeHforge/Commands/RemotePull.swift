import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit
import HyperforgeSecrets

extension Hforge {
    public struct RemotePullOptions: Sendable {
        public enum Defaults: Sendable, Equatable {
            /// Ask on a terminal when no defaults.toml applies (`--yes`/`--no-defaults` absent).
            case ask
            /// `--yes`: write one without asking.
            case write
            /// `--no-defaults`: never write one.
            case never
        }
        public var forge: String
        public var org: String?
        public var user: String?
        /// The repositories to pull; nil for `--all`.
        public var names: [String]?
        /// Where to clone (default: the working directory).
        public var path: String?
        public var includeArchived = false
        public var includeForks = false
        public var jobs = 8
        public var dryRun = false
        /// One JSON document on stdout (`RemotePullReport`) instead of lines.
        public var json = false
        public var defaults: Defaults = .ask
        /// Whether the defaults question may be asked: nil asks the
        /// terminal (stdin and stderr both one).
        public var interactive: Bool?
        public init(forge: String) { self.forge = forge }
    }

    /// One repository to pull, as the forge listed it.
    struct PullSource: Sendable {
        var name: String
        var visibility: Visibility?
        var archived: Bool
        var fork: Bool
        var description: String? = nil
        /// Named on the command line but not listed by the forge.
        var missing = false
    }

    /// What became of one repository. `url`: what it is cloned or fetched
    /// from; `wroteConfig`: this pull wrote its `.hyperforge/config.toml`
    /// (new to the work tree, not committed).
    enum PullOutcome: Sendable {
        case cloned(url: String, wroteConfig: Bool)
        case updated(url: String, wroteConfig: Bool)
        case skipped(String)
        case failed(String, hint: String? = nil, exitStatus: ExitStatus = .failure)
        /// Dry run: what would be done.
        case wouldClone(url: String)
        case wouldUpdate(url: String)

        var url: String? {
            switch self {
            case .cloned(let url, _), .updated(let url, _), .wouldClone(let url), .wouldUpdate(let url): return url
            case .skipped, .failed: return nil
            }
        }

        var wroteConfig: Bool {
            switch self {
            case .cloned(_, let wrote), .updated(_, let wrote): return wrote
            default: return false
            }
        }

        /// Its name in `--json` ("would-clone", "would-update" in a dry run).
        var name: String {
            switch self {
            case .cloned: return "cloned"
            case .updated: return "updated"
            case .skipped: return "skipped"
            case .failed: return "failed"
            case .wouldClone: return "would-clone"
            case .wouldUpdate: return "would-update"
            }
        }
    }

    /// `git hforge remote <forge> pull --json`: one document, as the
    /// workspace commands' (each repository with its outcome and error, then the summary).
    public struct RemotePullReport: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var name: String
            public var path: String
            /// cloned, updated, skipped, failed; in a dry run would-clone, would-update.
            public var outcome: String
            /// Why it was skipped.
            public var reason: String?
            /// What it is cloned or fetched from (null when skipped or failed).
            public var url: String?
            public var error: RepositoryError?
            /// This pull wrote its .hyperforge/config.toml, which is not committed.
            public var configWritten = false
        }
        public struct Summary: Codable, Sendable {
            public var total: Int
            public var cloned: Int
            public var updated: Int
            public var skipped: Int
            public var failed: Int
        }
        public var forge: String
        public var owner: String
        public var directory: String
        public var dryRun: Bool
        public var repositories: [Entry]
        public var summary: Summary
    }

    /// What every repository's pull shares.
    struct PullShared: Sendable {
        var directory: String
        var forge: Forge
        var owner: String
        /// The chain for a repository directly in `directory` (with a defaults.toml written by this pull).
        var layers: [ConfigLayer]
        var helper: String
        var authPath: String
        var context: Context
        var dryRun: Bool
    }

    /// `git hforge remote <forge> pull`.
    public static func remotePull(_ options: RemotePullOptions, context full: Context) async throws -> ExitStatus {
        // With --json stdout holds the document only: every other line (a dry
        // run's requests, "wrote defaults.toml") goes to stderr.
        var context = full
        if options.json { context.output = Output(stdout: full.output.stderr, stderr: full.output.stderr) }
        let directory = context.resolve(options.path ?? ".")
        guard FilePaths.kind(directory) == .directory else {
            throw HforgeError.badArgument(flag: "--path", value: options.path ?? directory, reason: "is not a directory")
        }
        let owner = try apiOwner(org: options.org, user: options.user)
        var named = try namedForge(options.forge, directory: directory, context: context)
        for w in named.warnings { context.output.warning(w) }
        for name in options.names ?? [] where Names.problem(with: name, as: .repository) != nil {
            throw HforgeError.badArgument(flag: "<name>", value: name, reason: "a repository name \(Names.problem(with: name, as: .repository)!)")
        }

        let listed = try await listForPull(options, named: named, owner: owner, context: context)
        // Defaults for the workspace: asked once the owner's repositories are known, before any clone.
        if try decideDefaults(options, named: named, owner: owner.name, directory: directory, context: context) {
            named = try namedForge(options.forge, directory: directory, context: context)
        }
        return try await pullSources(listed, options, named: named, owner: owner.name, directory: directory, context: context,
                                     document: options.json ? full.output.stdout : nil)
    }

    /// Pulls what the forge listed into `directory`: the local half of `remote pull`.
    /// `document`: where `--json`'s document goes (nil: lines on `context`'s stdout).
    static func pullSources(_ listed: [PullSource], _ options: RemotePullOptions, named: NamedForge, owner ownerName: String,
                            directory: String, context: Context, document: Output.Stream? = nil) async throws -> ExitStatus {
        let out = context.output.stdout
        let lines = document == nil
        // What a killed run left in the directory.
        if !options.dryRun { Leftovers.sweepDirectories(prefix: pullTemporaryPrefix, in: directory) }

        // In name order, in the text and the document alike, whatever order they finish in.
        let order = listed.sorted { ($0.name.lowercased(), $0.name) < ($1.name.lowercased(), $1.name) }
        var slots = [PullOutcome?](repeating: nil, count: order.count)
        var work: [(Int, PullSource)] = []
        for (k, source) in order.enumerated() {
            if options.names == nil, source.archived, !options.includeArchived { slots[k] = .skipped("archived"); continue }
            if options.names == nil, source.fork, !options.includeForks { slots[k] = .skipped("a fork"); continue }
            if source.missing {
                slots[k] = .failed("\(named.forge.name) lists no repository \(source.name) of \(ownerName) (or the token cannot see it)")
                continue
            }
            if let problem = Names.problem(with: source.name, as: .repository) {
                slots[k] = .failed("the forge lists a name that \(problem); not cloned")
                continue
            }
            work.append((k, source))
        }
        for note in untrustedNotes(named.layers) { context.output.stdout.line("  \(context.output.stdout.styled("!", .yellow)) \(note)") }
        // Each line is printed once every repository before it in the order is done.
        var printed = 0
        func printReady() {
            while lines, printed < slots.count, let outcome = slots[printed] {
                report(order[printed].name, outcome, to: context)
                printed += 1
            }
        }
        printReady()

        let shared = PullShared(directory: directory, forge: named.forge, owner: ownerName, layers: named.layers,
                                helper: CredentialHelperPath.preferred(context: context),
                                authPath: ConfigLoader.authPath(context.paths), context: context, dryRun: options.dryRun)
        let progress = PullProgress(total: work.count, stream: context.output.stderr)
        await withTaskGroup(of: (Int, PullOutcome).self) { group in
            var pending = work[...]
            func startNext() {
                guard let (k, source) = pending.popFirst() else { return }
                progress.started(source.name)
                group.addTask { (k, await pullOne(source, shared)) }
            }
            for _ in 0..<min(max(1, options.jobs), work.count) { startNext() }
            while let (k, outcome) = await group.next() {
                slots[k] = outcome
                progress.finished(order[k].name) { printReady() }
                startNext()
            }
        }
        progress.end()
        let outcomes = zip(order, slots).map { ($0.name, $1 ?? .failed("not pulled")) }

        var counts = (cloned: 0, updated: 0, skipped: 0, failed: 0)
        for (_, outcome) in outcomes {
            switch outcome {
            case .cloned, .wouldClone: counts.cloned += 1
            case .updated, .wouldUpdate: counts.updated += 1
            case .skipped: counts.skipped += 1
            case .failed: counts.failed += 1
            }
        }
        let failed = outcomes.compactMap { if case .failed = $0.1 { return $0.0 } else { return nil } }
        if let document {
            let entries = outcomes.map { name, outcome -> RemotePullReport.Entry in
                var e = RemotePullReport.Entry(name: name, path: FilePaths.join(directory, name), outcome: outcome.name,
                                               url: outcome.url, configWritten: outcome.wroteConfig)
                switch outcome {
                case .skipped(let why): e.reason = why
                case .failed(let why, let hint, let status): e.error = RepositoryError(message: why, hint: hint, exitStatus: status)
                default: break
                }
                return e
            }
            let report = RemotePullReport(forge: named.forge.name, owner: ownerName, directory: directory, dryRun: options.dryRun,
                                          repositories: entries,
                                          summary: .init(total: outcomes.count, cloned: counts.cloned, updated: counts.updated,
                                                         skipped: counts.skipped, failed: counts.failed))
            document.line(try JSONOutput.encode(report))
            guard failed.isEmpty else {
                // The document says which and why; stderr says it too, as a failed pull does.
                context.output.report(RemoteError.pullFailed(failed: failed, done: counts.cloned + counts.updated + counts.skipped, json: true), program: "git hforge")
                return .failure
            }
            return .success
        }
        let verbs = options.dryRun ? ("would clone", "would update", "would skip", "would fail") : ("cloned", "updated", "skipped", "failed")
        out.line("\(options.dryRun ? "Dry run" : "Pulled") \(outcomes.count) repositor\(outcomes.count == 1 ? "y" : "ies") of \(ownerName) from \(named.forge.name) into \(directory): "
            + "\(counts.cloned) \(verbs.0), \(counts.updated) \(verbs.1), \(counts.skipped) \(verbs.2), \(counts.failed) \(verbs.3)")
        if options.dryRun { out.line("dry run: nothing was changed") }
        let written = outcomes.filter { $0.1.wroteConfig }.count
        if written > 0 {
            out.line("\(written) of them got a new \(ConfigLoader.directoryName)/\(ConfigLoader.configFile), not committed: review it and commit it in each "
                + "(until then 'git hforge workspace status' counts \(written == 1 ? "it" : "them") as changed; --changed lists \(written == 1 ? "it" : "them"))")
        }
        if !failed.isEmpty {
            throw RemoteError.pullFailed(failed: failed, done: counts.cloned + counts.updated + counts.skipped)
        }
        return .success
    }

    /// The forges the workspace's chain names that only committed config
    /// declares: their remotes are set, but no credential helper and no API request.
    static func untrustedNotes(_ layers: [ConfigLayer]) -> [String] {
        let custom = ConfigLoader.mergedCustomForges(layers)
        let named = layers.last(where: { $0.forges != nil })?.forges?.value.map(\.value) ?? []
        return named.compactMap { name in
            guard let table = custom[name], table.trust == .repository else { return nil }
            return "\(name) is declared only by a repository's committed config (\(table.origin)): its remotes are set, but no credential helper and no request to its API"
        }
    }

    /// The owner's repositories (every page, archived ones and forks
    /// included: they are reported as skipped), or the named ones.
    static func listForPull(_ options: RemotePullOptions, named: NamedForge, owner: RepositoryOwner,
                            context: Context) async throws -> [PullSource] {
        let client = try ForgeAPIAccess.client(for: named.forge, trusted: named.trusted, context: context,
                                               options: .standard(context, dryRun: options.dryRun,
                                                                  onRequest: options.dryRun ? requestPrinter(context) : nil))
        let listed = try await client.listRepositories(owner, filter: .all)
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
        let sources = listed.map { PullSource(name: $0.name, visibility: $0.visibility, archived: $0.archived, fork: $0.fork, description: $0.description) }
        guard let names = options.names else { return sources }
        var picked: [PullSource] = []
        for name in names {
            if let found = sources.first(where: { $0.name == name }) {
                picked.append(found)
            } else {
                picked.append(PullSource(name: name, visibility: nil, archived: false, fork: false, description: nil, missing: true))
            }
        }
        return picked
    }

    /// Whether a `defaults.toml` above the directory already says the
    /// workspace's org or forges (one that says neither does not count).
    static func defaultsApply(_ layers: [ConfigLayer], authPath: String) -> Bool {
        layers.contains { $0.name != authPath && ($0.org != nil || $0.forges != nil) }
    }

    /// Asks (or is told by `--yes` / `--no-defaults`) whether to write
    /// `DIR/.hyperforge/defaults.toml` with `org` and `forges = [FORGE]` when
    /// none applies. Returns whether one was written.
    static func decideDefaults(_ options: RemotePullOptions, named: NamedForge, owner: String, directory: String, context: Context) throws -> Bool {
        let authPath = ConfigLoader.authPath(context.paths)
        guard !defaultsApply(named.layers, authPath: authPath), options.defaults != .never else { return false }
        let path = FilePaths.join(FilePaths.join(directory, ConfigLoader.directoryName), ConfigLoader.defaultsFile)
        let out = context.output.stdout
        if options.dryRun {
            if options.defaults == .write { out.line("would write \(path): org = \"\(owner)\", forges = [\"\(named.forge.name)\"]") }
            else { out.line("no workspace defaults found (\(path)); a run on a terminal would ask to create one, --yes creates it") }
            return false
        }
        if options.defaults == .ask {
            let interactive = options.interactive ?? (isatty(0) == 1 && isatty(2) == 1)
            guard interactive else {
                context.output.warning("no workspace defaults found: each repository's config.toml will name its forges and org; --yes writes \(path) with org and forges")
                return false
            }
            let err = context.output.stderr
            err.write("No workspace defaults found. Create .hyperforge/defaults.toml? [Y/n] ")
            let answer = readAnswer().trimmed().lowercased()
            guard answer.isEmpty || answer == "y" || answer == "yes" else { return false }
        }
        var layer = ConfigLayer(name: path)
        layer.org = Located(owner, .commandLine("--org"))
        layer.forges = Located([Located(named.forge.name, .commandLine("<forge>"))], .commandLine("<forge>"))
        let header = "hyperforge workspace defaults: every repository below this directory starts from these values."
        try FilePaths.makeDirectories(FilePaths.parent(path) ?? directory)
        try AtomicFile.write(Array(ConfigWriter.render(layer, header: header).utf8), to: path)
        out.line("wrote \(path)")
        return true
    }

    /// One line from standard input (at most 1 KiB), without its newline.
    static func readAnswer() -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 1024 {
            let n = read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func report(_ name: String, _ outcome: PullOutcome, to context: Context) {
        let out = context.output.stdout
        switch outcome {
        case .cloned: out.line("  \(out.styled("cloned", .green))   \(TerminalText.inline(name))")
        case .updated: out.line("  \(out.styled("updated", .green))  \(TerminalText.inline(name))")
        case .skipped(let why): out.line("  \(out.styled("skipped", .yellow))  \(TerminalText.inline(name)) (\(why))")
        case .failed(let why, let hint, _):
            out.line("  \(out.styled("failed", .red))   \(TerminalText.inline(name)): \(TerminalText.inline(why))" + (hint.map { " (\(TerminalText.inline($0)))" } ?? ""))
        case .wouldClone(let url): out.line("  would clone  \(TerminalText.inline(name)) from \(url)")
        case .wouldUpdate: out.line("  would update \(TerminalText.inline(name)) (fetch, reconcile remotes)")
        }
    }

    /// Temporary clones: `DIR/.hforge-pull-<pid>-NAME`.
    static let pullTemporaryPrefix = ".hforge-pull-"

    /// Pulls one repository; never throws (a failure is its outcome).
    static func pullOne(_ source: PullSource, _ shared: PullShared) async -> PullOutcome {
        let target = FilePaths.join(shared.directory, source.name)
        do {
            switch FilePaths.kind(target) {
            case .missing:
                return try await clone(source, into: target, shared)
            case .directory:
                if FilePaths.entryExists(FilePaths.join(target, ".git")) {
                    return try await update(source, at: target, shared)
                }
                if isEmptyDirectory(target) { return try await clone(source, into: target, shared) }
                return .failed("\(target) exists and is not a git repository; nothing there was changed")
            case .file, .other:
                return .failed("\(target) exists and is not a directory; nothing there was changed")
            }
        } catch let e as any HyperforgeError {
            return .failed(e.description, hint: e.hint, exitStatus: e.exitStatus)
        } catch {
            let e = RepositoryError(error)
            return .failed(e.message, hint: e.hint)
        }
    }

    static func isEmptyDirectory(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    /// The config layer a pulled repository's `config.toml` holds: only what
    /// the chain does not already say (forges holding this forge, the owner,
    /// the forge's visibility).
    static func pulledLayer(_ source: PullSource, _ shared: PullShared, path: String) -> ConfigLayer {
        var forges: [String]?
        var org: String?
        var visibility: Visibility = .private
        for layer in shared.layers {
            if let v = layer.forges { forges = v.value.map(\.value) }
            if let v = layer.org { org = v.value }
            if let v = layer.visibility { visibility = v.value }
        }
        var layer = ConfigLayer(name: path)
        let origin = Origin.commandLine("git hforge remote \(shared.forge.name) pull")
        if !(forges ?? []).contains(shared.forge.name) {
            let names = [shared.forge.name] + (forges ?? [])
            layer.forges = Located(names.map { Located($0, origin) }, origin)
        }
        if org != shared.owner { layer.org = Located(shared.owner, origin) }
        if let v = source.visibility, v != visibility { layer.visibility = Located(v, origin) }
        if let d = source.description, !d.isEmpty, d.unicodeScalars.count <= 2000 { layer.description = Located(d, origin) }
        return layer
    }

    static let configHeader = "hyperforge configuration: ground truth for this repository's forges.\nSee 'git hforge config' for the effective values and where each comes from."

    /// The git options a clone or fetch from the forge runs with, as init
    /// would configure them: the credential helper for a forge of the user's
    /// (by absolute path, with useHttpPath), the forge's ssh key.
    static func transportOptions(_ config: HforgeConfig, forge: Forge, shared: PullShared) -> [String] {
        var options: [String] = []
        if config.gitProtocol.value == .https, config.isUserForge(forge) {
            options += ["-c", "credential.\(forge.credentialURL).helper=\(shared.helper)",
                        "-c", "credential.\(forge.credentialURL).useHttpPath=true"]
        }
        if config.gitProtocol.value == .ssh, let key = config.ssh[forge.name]?.value {
            let program = "ssh"
            let path = shared.context.resolve(key)
            options += ["-c", "core.sshCommand=\(program) -i \(shellQuoted(path)) -o IdentitiesOnly=yes"]
        }
        return options
    }

    static func shellQuoted(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Clones into `DIR/.hforge-pull-<pid>-NAME`, sets it up, then moves it to `target`.
    static func clone(_ source: PullSource, into target: String, _ shared: PullShared) async throws -> PullOutcome {
        let configPath = ConfigLoader.configPath(repoRoot: target)
        let layer = pulledLayer(source, shared, path: configPath)
        let layers = shared.layers + [layer]
        let config = try ConfigLoader.resolve(layers, repoRoot: target)
        guard let forge = config.forge(named: shared.forge.name) else {
            return .failed("its config does not name \(shared.forge.name)")
        }
        let url = config.remoteURL(for: forge)
        if shared.dryRun { return .wouldClone(url: url) }
        try Reconciler.checkKeys(config, context: shared.context)

        let temporary = FilePaths.join(shared.directory, "\(pullTemporaryPrefix)\(getpid())-\(source.name)")
        if FilePaths.entryExists(temporary) { Leftovers.removeTree(temporary) }
        return try await Interruption.removing(.directory(temporary)) {
            defer { if FilePaths.entryExists(temporary) { Leftovers.removeTree(temporary) } }
            let arguments = transportOptions(config, forge: forge, shared: shared)
                + ["clone", "--quiet", "--origin", forge.name, "--", url, temporary]
            let result = try await Git.run(arguments, in: shared.directory, context: detached(shared.context))
            guard result.exitCode == 0 else {
                return .failed("git clone \(url) failed (exit \(result.exitCode))" + gitLines(result))
            }
            let repo = try Repository.open(at: temporary, environment: shared.context.environment)
            // A repository that commits its own config keeps it; else one is written.
            let temporaryConfig = ConfigLoader.configPath(repoRoot: temporary)
            var effective = config
            var writes: [Action] = []
            if ConfigLoader.hasConfig(repoRoot: temporary) {
                guard let committed = try TOMLSource.load(temporaryConfig) else {
                    return .failed("its committed \(ConfigLoader.directoryName)/\(ConfigLoader.configFile) cannot be read")
                }
                effective = try ConfigLoader.resolve(shared.layers + [ConfigLoader.layer(from: committed, otherKeys: ConfigLoader.repoConfigOwnTables)], repoRoot: target)
            } else {
                writes.append(.writeConfig(path: temporaryConfig, contents: ConfigWriter.render(layer, header: configHeader)))
            }
            var plan = try Reconciler.plan(repo: repo, config: effective, mode: .initialise(force: false),
                                           helper: shared.helper, authPath: shared.authPath)
            plan.actions.insert(contentsOf: writes, at: 0)
            try plan.apply(to: repo)
            guard rename(temporary, target) == 0 else {
                return .failed("cannot move the clone into \(target): \(FileRead.reason(errno)); nothing there was changed")
            }
            return .cloned(url: url, wroteConfig: !writes.isEmpty)
        }
    }

    /// A repository already there: its remotes reconciled as init sets them, then fetched.
    static func update(_ source: PullSource, at target: String, _ shared: PullShared) async throws -> PullOutcome {
        let repo = try Repository.open(at: target, environment: shared.context.environment)
        let configPath = ConfigLoader.configPath(repoRoot: target)
        var writes: [Action] = []
        let config: HforgeConfig
        if ConfigLoader.hasConfig(repoRoot: target) {
            config = try ConfigLoader.load(repoRoot: target, environment: shared.context.environment)
        } else {
            let layer = pulledLayer(source, shared, path: configPath)
            config = try ConfigLoader.resolve(shared.layers + [layer], repoRoot: target)
            writes.append(.writeConfig(path: configPath, contents: ConfigWriter.render(layer, header: configHeader)))
        }
        guard let forge = config.forge(named: shared.forge.name) else {
            return .skipped("its config.toml does not name \(shared.forge.name); left as it is")
        }
        let url = config.remoteURL(for: forge)
        if shared.dryRun { return .wouldUpdate(url: url) }
        try Reconciler.checkKeys(config, context: shared.context)
        var plan = try Reconciler.plan(repo: repo, config: config, mode: .initialise(force: false),
                                       helper: shared.helper, authPath: shared.authPath)
        plan.actions.insert(contentsOf: writes, at: 0)
        try plan.apply(to: repo)
        let result = try await Git.run(transportOptions(config, forge: forge, shared: shared) + ["fetch", "--quiet", forge.name],
                                       in: target, context: detached(shared.context))
        guard result.exitCode == 0 else {
            return .failed("git fetch \(forge.name) failed (exit \(result.exitCode))" + gitLines(result))
        }
        return .updated(url: url, wroteConfig: !writes.isEmpty)
    }

    static func detached(_ context: Context) -> Context {
        var c = context
        c.environment = GitEnvironment.detached(context.environment)
        return c
    }

    /// git's own words, a few lines of them, each prefixed.
    static func gitLines(_ result: ChildProcess.Result) -> String {
        let lines = (result.stderr + result.stdout).split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map { String($0).trimmed() }.filter { !$0.isEmpty }
        return lines.isEmpty ? "" : ": " + lines.prefix(4).joined(separator: "; ")
    }
}

/// Progress of a pull on a terminal (stderr): done of total and the
/// repositories in flight, one line rewritten in place.
final class PullProgress: @unchecked Sendable {
    private let lock = Lock()
    private let total: Int
    private let stream: Output.Stream
    private var done = 0
    private var running: [String] = []

    init(total: Int, stream: Output.Stream) {
        self.total = total
        self.stream = stream
    }

    func started(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        running.append(name)
        draw()
    }

    /// `print` writes the repository's own line (with the progress line erased first).
    func finished(_ name: String, print: () -> Void) {
        lock.lock(); defer { lock.unlock() }
        if stream.isTerminal { stream.control(.eraseLine); stream.control(.carriageReturn) }
        print()
        done += 1
        running.removeAll { $0 == name }
        draw()
    }

    func end() {
        lock.lock(); defer { lock.unlock() }
        if stream.isTerminal { stream.control(.eraseLine); stream.control(.carriageReturn) }
    }

    private func draw() {
        guard stream.isTerminal else { return }
        var line = "pulling \(done)/\(total)"
        if !running.isEmpty { line += ": " + running.prefix(4).joined(separator: ", ") + (running.count > 4 ? ", ..." : "") }
        stream.control(.eraseLine)
        stream.control(.carriageReturn)
        stream.write(String(line.prefix(120)))
    }
}
