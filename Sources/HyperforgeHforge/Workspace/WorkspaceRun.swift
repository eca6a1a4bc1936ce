import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeSecrets

extension Hforge {
    /// What every `git hforge workspace` command takes.
    public struct WorkspaceOptions: Sendable {
        /// The workspace directory (default: the current directory).
        public var path: String?
        /// Also every repository without its own config.toml under a defaults.toml inside the directory.
        public var allRepos = false
        public var json = false
        /// How many repositories at once (nil: the command's default).
        public var jobs: Int?
        public init() {}
    }

    /// A repository's failure, inside its entry of a workspace report.
    public struct RepositoryError: Codable, Sendable, Equatable {
        public var message: String
        public var hint: String?
        public var exitStatus: Int32

        public init(_ error: any Error) {
            if let e = error as? any HyperforgeError {
                message = e.description
                hint = e.hint
                exitStatus = e.exitStatus.rawValue
            } else {
                message = "unexpected failure: \(String(describing: type(of: error)))"
                hint = nil
                exitStatus = ExitStatus.failure.rawValue
            }
        }

        public init(message: String, hint: String?, exitStatus: ExitStatus) {
            self.message = message
            self.hint = hint
            self.exitStatus = exitStatus.rawValue
        }

        /// The message and hint as `error:`/`hint:` lines under a repository's line.
        func lines(indent: String, _ out: Output.Stream) -> [String] {
            var lines = message.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                $0.offset == 0 ? "\(indent)\(out.styled("error:", .red)) \($0.element)" : "\(indent)  \($0.element)"
            }
            for h in (hint ?? "").split(separator: "\n") { lines.append("\(indent)\(out.styled("hint:", .yellow)) \(h)") }
            return lines
        }
    }

    /// Finds the workspace's members, printing what discovery warns of.
    static func discoverWorkspace(_ options: WorkspaceOptions, context: Context) throws -> WorkspaceDiscovery.Result {
        let found = try WorkspaceDiscovery.discover(root: context.resolve(options.path ?? "."), allRepos: options.allRepos)
        for w in found.warnings { context.output.warning(w) }
        return found
    }

    /// The exit status of a workspace command from its repositories' own:
    /// 1 when any failed, else 2 when any was refused, else 0.
    static func workspaceExit(_ statuses: [Int32]) -> ExitStatus {
        if statuses.contains(where: { $0 != 0 && $0 != ExitStatus.refused.rawValue }) { return .failure }
        if statuses.contains(ExitStatus.refused.rawValue) { return .refused }
        return .success
    }

    static func defaultJobs() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    static func plural(_ n: Int, _ word: String, _ many: String? = nil) -> String {
        "\(n) \(n == 1 ? word : (many ?? word + "s"))"
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

    /// Runs `body` for every member, at most `jobs` at once, showing progress
    /// on a terminal; the results come back in the members' order. `jobs`
    /// workers each take the next member as they finish one (a task per
    /// member made the caller wake for every result: with a thousand
    /// repositories of a tenth of a millisecond each, the cores waited on it).
    static func forEachMember<T: Sendable>(_ members: [WorkspaceDiscovery.Member], jobs: Int, progress: WorkspaceProgress,
                                           _ body: @escaping @Sendable (WorkspaceDiscovery.Member) async -> T) async -> [T] {
        let queue = NextIndex(count: members.count)
        var results = [T?](repeating: nil, count: members.count)
        await withTaskGroup(of: [(Int, T)].self) { group in
            for _ in 0..<min(max(1, jobs), members.count) {
                group.addTask {
                    var done: [(Int, T)] = []
                    while let index = queue.take() {
                        let member = members[index]
                        progress.started(member.relativePath)
                        done.append((index, await body(member)))
                        progress.finished(member.relativePath)
                    }
                    return done
                }
            }
            for await done in group { for (index, result) in done { results[index] = result } }
        }
        progress.end()
        return results.map { $0! }
    }
}

/// The members' indexes, handed out once each, in order, to whichever worker asks.
final class NextIndex: @unchecked Sendable {
    private let lock = Lock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }
}

/// Progress on a terminal (standard error): how many repositories are done of
/// how many, and which are in flight, on one line redrawn at most every
/// 50 ms and erased at the end. Nothing when standard error is no terminal.
final class WorkspaceProgress: @unchecked Sendable {
    private let stream: Output.Stream
    private let verb: String
    private let total: Int
    private let enabled: Bool
    private let lock = Lock()
    private var done = 0
    private var inFlight: [String] = []
    private var lastDraw: UInt64 = 0
    private var drawn = false
    /// While a child prompts (holding the gate's lock), nothing is drawn.
    private let gate: PromptGate?

    init(_ context: Context, verb: String, total: Int, gate: PromptGate? = nil) {
        self.gate = gate
        stream = context.output.stderr
        self.verb = verb
        self.total = total
        enabled = context.output.stderr.isTerminal && total > 0
    }

    func started(_ name: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        inFlight.append(name)
        draw(force: false)
    }

    func finished(_ name: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += 1
        if let i = inFlight.firstIndex(of: name) { inFlight.remove(at: i) }
        draw(force: false)
    }

    /// Forces a line out now (before a step that prints, such as a push).
    func show() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        draw(force: true)
    }

    /// Erases the progress line (before other output is printed).
    func clear() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { stream.control(.carriageReturn); stream.control(.eraseLine); drawn = false }
    }

    func end() { clear() }

    private func draw(force: Bool) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        guard force || now - lastDraw >= 50_000_000 else { return }
        var text = "\(verb) \(done)/\(total)"
        if !inFlight.isEmpty { text += ": " + inFlight.prefix(3).joined(separator: ", ") + (inFlight.count > 3 ? " +\(inFlight.count - 3)" : "") }
        if text.count > 79 { text = String(text.prefix(78)) + "…" }
        let write = {
            self.stream.control(.carriageReturn)
            self.stream.control(.eraseLine)
            self.stream.write(text)
        }
        if let gate {
            // A prompt is on the terminal: the line waits for the next change.
            guard gate.ifNobodyPrompts(write) else { return }
        } else {
            write()
        }
        lastDraw = now
        drawn = true
    }
}

/// The forges of a workspace run that the user's config puts on plain http,
/// said once per host for the whole run rather than once per repository
/// (the plan's note, the credential helper's line in git's output).
struct PlainHTTPForges: Sendable {
    /// Every such forge seen (by name and web URL), in the order seen.
    private(set) var forges: [Forge] = []

    /// `scheme://host[:port]` of the forge's web URL.
    static func origin(_ forge: Forge) -> String {
        let url = forge.webURL.lowercased()
        let scheme = url.hasPrefix("https://") ? "https://" : (url.hasPrefix("http://") ? "http://" : "")
        return scheme + String(url.dropFirst(scheme.count).prefix { $0 != "/" })
    }

    mutating func add(_ config: HforgeConfig) {
        for located in config.forges where located.value.isPlainHTTP && config.isUserForge(located.value) { add(located.value) }
    }

    mutating func add(_ forge: Forge) {
        guard forge.isPlainHTTP, !forges.contains(where: { $0.name == forge.name && $0.webURL == forge.webURL }) else { return }
        forges.append(forge)
    }

    mutating func add(_ other: PlainHTTPForges) { for f in other.forges { add(f) } }

    /// One warning per host, on standard error.
    func warn(_ context: Context, repositories: Int) {
        var said = Set<String>()
        for f in forges where said.insert(Self.origin(f)).inserted {
            context.output.warning("forge '\(f.name)' is plain http (web_url = \(f.webURL) in your config): "
                + "its tokens go to \(Self.origin(f)) unencrypted (said once for the \(Hforge.plural(repositories, "repository", "repositories")) of this run)")
        }
    }

    /// A plan's notes without the plain-http one of these forges.
    func filterNotes(_ notes: [String]) -> [String] {
        let known = Set(forges.map(Reconciler.plainHTTPNote))
        return notes.filter { !known.contains($0) }
    }

    /// git's output without the credential helper's plain-http lines (said once instead).
    func filterOutput(_ text: String) -> String {
        let prefixes = forges.map(CredentialHelper.plainHTTPWarningPrefix)
        guard !prefixes.isEmpty else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !prefixes.contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
    }
}
