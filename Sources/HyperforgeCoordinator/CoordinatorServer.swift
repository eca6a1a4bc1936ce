import Dispatch
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeSecrets

/// The coordinator process (RFC "Daemon", made short-lived): started on
/// demand by any tool, at most one per user (it holds `coordinator.lock`;
/// a second one exits at once), serving the RFC's HTTP API on a Unix socket
/// in the user's private runtime directory, optionally on loopback TCP with
/// a token (our own bounded HTTP server, `HTTPServer`), exiting after `idle_timeout` seconds with no sessions and no
/// requests, and on SIGTERM after in-flight requests finish.
public enum Coordinator {
    /// Runs the coordinator; returns the process exit status.
    public static func serve(environment: [String: String]) async -> Int32 {
        setsid()
        signal(SIGPIPE, SIG_IGN)
        umask(0o077)
        closeInheritedDescriptors()
        let paths = CoordinatorPaths(environment: environment)
        do {
            try paths.prepareRuntimeDirectory()
            try paths.prepareStateDirectory()
        } catch {
            _ = writeAll(2, Array("hyperforge-coordinator: \(TerminalText.escaped("\(error)"))\n".utf8))
            return ExitStatus.environment.rawValue
        }
        let log = CoordinatorLog(path: paths.log)

        // At most one per user: the lock is held for the process's lifetime
        // and released by the kernel however it ends (kill -9 included).
        let lockFD = open(paths.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { log.write("cannot open \(paths.lock): \(String(cString: strerror(errno)))"); return ExitStatus.environment.rawValue }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            return ExitStatus.success.rawValue // another coordinator runs: nothing to do
        }

        let config: CoordinatorConfig
        let store: CoordinatorStore
        do {
            config = try CoordinatorConfig.load(paths, environment: environment)
            store = try CoordinatorStore(path: paths.database) { warning in
                // In its log, where `git realm coordinator logs` shows it, and on stderr for whoever started it by hand.
                log.write("warning: " + warning)
                _ = writeAll(2, Array("warning: \(warning)\n".utf8))
            }
            let pruned = try store.pruneDeadSessions()
            if pruned > 0 { log.write("removed \(pruned) session(s) of processes that are gone") }
        } catch {
            log.write("cannot start: \(error)")
            return ExitStatus.configuration.rawValue
        }

        let state = CoordinatorState(idleTimeout: config.idleTimeout)
        let limits = HTTPLimits.from(environment: environment)
        // SIGTERM / SIGINT: finish in-flight requests, then exit. Watched before
        // the first client can see us: a tool may stop us right after its first
        // answer, and a signal between then and here would be lost.
        let signals = SignalWatcher([SIGTERM, SIGINT]) { signal in
            log.write("signal \(signal): stopping")
            state.requestStop()
        }
        let connections = HTTPConnections(limit: limits.connections)
        let fetcher = BackgroundFetcher(maxAge: config.backgroundFetchAge, store: store, log: log, environment: environment)
        let router = Router(store: store, state: state, paths: paths, environment: environment, token: nil, log: log, fetcher: fetcher)
        // TCP first (when configured), then the socket: a client that reached
        // the socket can count on the TCP listener being there too.
        var tcpServer: HTTPServer?
        if let port = config.tcpPort {
            do {
                let token = try tcpToken(paths)
                let tcpRouter = Router(store: store, state: state, paths: paths, environment: environment, token: token, log: log, fetcher: fetcher)
                let tcp = HTTPServer(address: .loopback(port: port), limits: limits, connections: connections, handler: tcpRouter, log: log)
                try tcp.start()
                tcpServer = tcp
            } catch {
                log.write("cannot listen on 127.0.0.1:\(port): \(error)")
                return ExitStatus.environment.rawValue
            }
        }
        // A socket file left by a coordinator that died is stale: we hold the lock.
        unlink(paths.socket)
        let server = HTTPServer(address: .unix(paths.socket), limits: limits, connections: connections, handler: router, log: log)
        do {
            try server.start()
        } catch {
            log.write("cannot listen on \(paths.socket): \(error)")
            tcpServer?.stop()
            return ExitStatus.environment.rawValue
        }
        try? AtomicFile.write(Array("\(getpid())\n".utf8), to: paths.pidFile, mode: 0o600)
        log.write("started (pid \(getpid()), idle timeout \(NumberRange.format(config.idleTimeout)) s\(config.tcpPort.map { ", tcp 127.0.0.1:\($0)" } ?? ""))")

        // Members' realms kept fresh meanwhile; not activity (see BackgroundFetcher).
        let background = Task { await fetcher.run() }
        // Idle exit and dead-session pruning.
        var lastPrune = Date()
        while !state.stopRequested {
            try? await Task.sleep(nanoseconds: 200_000_000)
            if Date().timeIntervalSince(lastPrune) > 2 {
                lastPrune = Date()
                if let n = try? store.pruneDeadSessions(), n > 0 { log.write("removed \(n) session(s) of processes that are gone") }
            }
            let sessions = (try? store.sessionCount()) ?? 0
            if sessions == 0 && state.idleFor > config.idleTimeout && state.inFlight == 0 {
                log.write("idle for \(NumberRange.format(config.idleTimeout)) s with no sessions: stopping")
                break
            }
        }
        _ = signals
        // Drain: new requests are refused (503) while those in flight finish
        // (for at most 60 s), then the listeners close.
        state.startDraining()
        // No background fetch starts from here on.
        fetcher.stop()
        let drainDeadline = Date().addingTimeInterval(60)
        while state.inFlight > 0 && Date() < drainDeadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        server.stop()
        tcpServer?.stop()
        unlink(paths.socket)
        unlink(paths.pidFile)
        // The one fetching (bounded by its timeout) may go on for a while: the
        // next tool can start a coordinator meanwhile, so nobody waits for it.
        close(lockFD)
        if fetcher.isFetching { log.write("stopped listening; waiting for the background fetch in progress") }
        await background.value
        log.write("stopped")
        return ExitStatus.success.rawValue
    }

    /// The token TCP clients must send (`Authorization: Bearer ...`), made once, mode 0600.
    static func tcpToken(_ paths: CoordinatorPaths) throws -> String {
        if let data = try? FileRead.bytes(paths.token, limit: 4096), let t = String(validating: data, as: UTF8.self)?.trimmedLines(), t.count >= 32 {
            return t
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0, read(fd, &bytes, 32) == 32 else { throw CoordinatorError.unsafeDirectory(path: "/dev/urandom", reason: "cannot read random bytes") }
        close(fd)
        let hex = Array("0123456789abcdef")
        let token = String(bytes.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
        try AtomicFile.write(Array((token + "\n").utf8), to: paths.token, mode: 0o600)
        return token
    }

    /// Pipes and sockets a spawning tool may have leaked to us: closed, so
    /// nobody waits for us to close their ends. (Only those: the runtime's
    /// own epoll, eventfd and timerfd descriptors must stay.)
    static func closeInheritedDescriptors() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for e in entries {
            guard let fd = Int32(e), fd > 2, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(e)") else { continue }
            if target.hasPrefix("pipe:") || target.hasPrefix("socket:") { close(fd) }
        }
    }
}

/// Request accounting for the idle timer and the stop flag.
final class CoordinatorState: @unchecked Sendable {
    private let lock = Lock()
    private var last = Date()
    private var active = 0
    private var stop = false
    let idleTimeout: Double
    let startedAt = Date()

    init(idleTimeout: Double) { self.idleTimeout = idleTimeout }

    /// `activity`: false for the background fetch's own requests, which
    /// must not keep the coordinator running.
    func begin(activity: Bool = true) { lock.lock(); active += 1; if activity { last = Date() }; lock.unlock() }
    func end(activity: Bool = true) { lock.lock(); active -= 1; if activity { last = Date() }; lock.unlock() }
    var inFlight: Int { lock.lock(); defer { lock.unlock() }; return active }
    var idleFor: Double { lock.lock(); defer { lock.unlock() }; return Date().timeIntervalSince(last) }
    func requestStop() { lock.lock(); stop = true; lock.unlock() }
    private var draining = false
    func startDraining() { lock.lock(); draining = true; lock.unlock() }
    var isDraining: Bool { lock.lock(); defer { lock.unlock() }; return draining }
    var stopRequested: Bool { lock.lock(); defer { lock.unlock() }; return stop }
}

/// Appends timestamped lines to the coordinator's log (mode 0600).
final class CoordinatorLog: @unchecked Sendable {
    private let lock = Lock()
    private let fd: Int32

    init(path: String) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    }

    func write(_ message: String) {
        guard fd >= 0 else { return }
        let line = "\(Timestamp.utc(Date(), milliseconds: true)) [\(getpid())] \(message)\n"
        lock.lock()
        _ = writeAll(fd, Array(line.utf8))
        lock.unlock()
    }
}

/// Runs a handler on a signal (DispatchSource: signal-safe).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(_ signals: [Int32], _ handler: @escaping @Sendable (Int32) -> Void) {
        for s in signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { handler(s) }
            source.resume()
            sources.append(source)
        }
    }
}
