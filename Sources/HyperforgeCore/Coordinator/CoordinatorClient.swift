import Dispatch
import FoundationEssentials
import Glibc

/// Talks to the user's coordinator, starting it when it is not running:
/// every tool may call `ensureRunning()` at the same moment; each spawns a
/// coordinator if none answers, and all but one of those exit at once (the
/// winner holds the lock), so at most one runs per user.
public struct CoordinatorClient: Sendable {
    public let paths: CoordinatorPaths
    let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
        paths = CoordinatorPaths(environment: environment)
    }

    /// Set in the environment of the coordinator's own background fetches: their
    /// requests carry `backgroundHeader` (they are not activity that keeps it
    /// running), and they never start a coordinator (the one that started
    /// them may be stopping).
    public static let backgroundVariable = "HFORGE_COORDINATOR_BACKGROUND"
    public static let backgroundHeader = "X-Hyperforge-Background"

    var isBackground: Bool { environment[CoordinatorClient.backgroundVariable] == "1" }

    /// `HFORGE_COORDINATOR=off`, or `enabled = false` in coordinator.toml.
    public var isDisabled: Bool {
        if let v = environment["HFORGE_COORDINATOR"]?.lowercased(), ["off", "0", "false", "no"].contains(v) { return true }
        // Bounded and POSIX-read (a directory or /dev/zero there must not hang
        // every command); the whole file is checked before a coordinator starts.
        guard let data = try? FileRead.bytes(paths.configFile, limit: TOMLSource.maximumBytes) else { return false }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").contains { line in
            let l = line.replacing(" ", with: "")
            return l.hasPrefix("enabled=false")
        }
    }

    /// One request, without starting anything.
    public func call(_ method: String, _ path: String, _ body: JSONValue? = nil, timeout: Double = 5) throws(CoordinatorError) -> HTTPExchange {
        do {
            return try UnixHTTPClient.send(.unix(paths.socket), method: method, path: path, body: body.map { Array($0.jsonText.utf8) } ?? [],
                                           headers: isBackground ? [CoordinatorClient.backgroundHeader: "1"] : [:], timeout: timeout)
        } catch {
            switch error {
            case .connect(let e) where e == ENOENT || e == ECONNREFUSED: throw .notRunning(socket: paths.socket)
            case .connect(let e): throw .noAnswer(socket: paths.socket, reason: String(cString: strerror(e)))
            case .io(let m): throw .noAnswer(socket: paths.socket, reason: m)
            }
        }
    }

    /// A request whose answer must be 2xx; its JSON body.
    @discardableResult
    public func json(_ method: String, _ path: String, _ body: JSONValue? = nil) throws(CoordinatorError) -> JSONValue? {
        let r = try call(method, path, body)
        guard (200..<300).contains(r.status) else {
            var message = String(decoding: r.body, as: UTF8.self)
            if case .string(let m)? = r.json?["error"] { message = m }
            throw .badResponse(status: r.status, message: message)
        }
        return r.json
    }

    /// The coordinator's /health, when one answers for this user's state directory.
    public func health() -> JSONValue? {
        if case .ours(let json) = probe() { return json }
        return nil
    }

    enum Probe { case ours(JSONValue), foreign(String), none }

    func probe() -> Probe {
        guard let r = try? call("GET", "/health", timeout: 2), r.status == 200, let json = r.json else { return .none }
        // A coordinator serving another state directory (another HOME on the
        // same runtime directory) is not ours.
        if case .string(let state)? = json["state_directory"], state != paths.stateDirectory { return .foreign(state) }
        return .ours(json)
    }

    /// Makes sure a coordinator answers, starting one if needed; waits up to
    /// `timeout` seconds. The wait ends as soon as it answers, or at once when
    /// it exits, so the limit only matters for one that starts but never
    /// answers: generous, since a busy machine (a CI runner, a build on every
    /// core) can take seconds to start a process and open its database.
    public func ensureRunning(timeout: Double = 15) throws(CoordinatorError) {
        if isDisabled { throw .disabled }
        switch probe() {
        case .ours: return
        case .foreign(let state):
            throw .noAnswer(socket: paths.socket, reason: "the coordinator there serves another state directory (\(state)); set XDG_RUNTIME_DIR to keep them apart")
        case .none: break
        }
        if isBackground { throw .notRunning(socket: paths.socket) }
        // The configuration it would start with, checked here: a malformed
        // coordinator.toml is then reported to whoever ran the command, with
        // its file and line, instead of as a coordinator that never answers.
        do { _ = try CoordinatorConfig.load(paths, environment: environment) } catch { throw .badConfig(error) }
        try paths.prepareRuntimeDirectory()
        // Its state directory too: a problem there (another user's directory,
        // a directory where its database belongs) is then named here; the
        // coordinator could only tell /dev/null, before its log is open.
        try paths.prepareStateDirectory()
        let program = try CoordinatorClient.program(environment)
        let child = try spawn(program)
        let deadline = Date().addingTimeInterval(timeout)
        var delay: UInt32 = 2_000
        while Date() < deadline {
            usleep(delay)
            if health() != nil { return }
            // It stopped without answering (and no other coordinator answers):
            // its log says why.
            if let status = child.status, status != 0 {
                throw .cannotStart(program: program, reason: "it stopped at once (exit status \(status))" + (lastWords(of: child.pid).map { ": \($0)" } ?? "; see \(paths.log)"))
            }
            delay = min(delay * 2, 50_000)
        }
        throw .cannotStart(program: program, reason: "it did not answer within \(Int(timeout.rounded(.up))) s; see \(paths.log)")
    }

    /// The last line coordinator `pid` wrote to the log (without its time and pid).
    func lastWords(of pid: pid_t) -> String? {
        let fd = open(paths.log, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return nil }
        let start = max(0, size - 16384)
        var buffer = [UInt8](repeating: 0, count: Int(size - start))
        let n = pread(fd, &buffer, buffer.count, start)
        guard n > 0 else { return nil }
        let marker = " [\(pid)] "
        for line in String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").reversed() {
            if let r = line.firstRange(of: marker) { return String(line[r.upperBound...]) }
        }
        return nil
    }

    /// A started coordinator's pid and, once it has exited, its exit status
    /// (it is reaped in the background: a loser of the lock race exits at once).
    final class Child: @unchecked Sendable {
        let pid: pid_t
        private let lock = Lock()
        private var exitStatus: Int32?
        init(pid: pid_t) { self.pid = pid }
        var status: Int32? { lock.withLock { exitStatus } }
        func exited(_ status: Int32) { lock.withLock { exitStatus = status } }
    }

    /// The coordinator executable: `HFORGE_COORDINATOR_PROGRAM`, else next to
    /// the running executable, else on PATH.
    static func program(_ environment: [String: String]) throws(CoordinatorError) -> String {
        if let p = environment["HFORGE_COORDINATOR_PROGRAM"], !p.isEmpty { return p }
        let name = "hyperforge-coordinator"
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), let dir = FilePaths.parent(exe),
           FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw .cannotStart(program: name, reason: "not found next to this program or on PATH")
    }

    /// Starts the coordinator detached: standard streams on /dev/null (it
    /// logs to its log file), its own session, our environment.
    private func spawn(_ program: String) throws(CoordinatorError) -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(program), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid = pid_t()
        let r = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard r == 0 else { throw .cannotStart(program: program, reason: String(cString: strerror(r))) }
        // Reap it in the background if it exits while we run (a loser of the lock race).
        let child = Child(pid: pid)
        DispatchQueue.global().async {
            var status: Int32 = 0
            while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
            child.exited(status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
        }
        return child
    }
}
