import Glibc

/// What a run leaves behind only while it works — temporary files,
/// scratch repositories, temporary refs, children in process groups of
/// their own, children it is running — removed or stopped when SIGINT,
/// SIGTERM or SIGHUP ends it mid-way.
///
/// A write registers what it is about to create and unregisters it when
/// done; every child (`ChildProcess`) is registered while it runs. The
/// first registration installs handlers for the three signals (where the
/// disposition is the default; an ignored SIGHUP, as `nohup` leaves it,
/// stays ignored; an inherited ignored SIGINT or SIGTERM, as a shell leaves
/// SIGINT for a background job, is handled too, except a SIGINT from the
/// terminal; the coordinator's own handling stays its own) and starts one
/// thread. The handler only writes the
/// signal's number to a pipe (all a signal handler may safely do); the
/// thread wakes up, and from then on:
///
/// 1. any thread that tries to register something new waits for the end
///    (nothing new is started once we are going);
/// 2. standard output and error go to /dev/null: what the interrupted
///    work prints after this point would describe files pulled from under
///    it, not what happened;
/// 3. process groups, and every running child with all that descends from
///    it (whatever its group: git push and the ssh it started; registered
///    or only just spawned: every child of ours in our session), are sent the
///    signal, and SIGKILL when still running two seconds later;
///    files are unlinked; directories removed (symbolic links are removed,
///    never followed); temporary refs deleted (their loose files: they are
///    only ever written by our own fetch or libgit2, never packed);
/// 4. the signal's default disposition is restored and the signal raised
///    again, so the process ends the way its parent expects (a shell sees
///    130 for Ctrl-C, 143 for SIGTERM). A thread that calls exit meanwhile
///    (its work failed when its child or file went) waits in an atexit
///    handler for that, so the status is always the signal's.
///
/// Every write that registers here also leaves old or new state when it
/// is killed outright (`kill -9`), which nothing can catch: what such a run
/// left behind carries its process id, and the next run removes it when
/// that process is gone (`Leftovers`).
public enum Interruption {
    public enum Leftover: Sendable, Equatable {
        case file(String)
        case directory(String)
        /// A ref (`refs/...`) in the git directory that holds refs (the common one).
        case reference(String, gitDirectory: String)
        /// A child's process group (`kill(-group, ...)`).
        case processGroup(pid_t)
        /// A child in whatever process group (ours, usually: git): it and
        /// everything it started that still descends from it are signalled.
        case process(pid_t)
    }

    public struct Token: Sendable, Hashable {
        fileprivate let id: Int
    }

    /// The signals a run cleans up after.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Records `item` to be removed if the process is interrupted before
    /// `unregister` is called with the token.
    public static func register(_ item: Leftover) -> Token {
        Registry.shared.add(item)
    }

    public static func unregister(_ token: Token) {
        Registry.shared.remove(token)
    }

    /// Installs the handlers now (before a child is spawned, so a signal
    /// that comes before its pid is registered is still ours to handle).
    public static func prepare() {
        Registry.shared.prepare()
    }

    /// Taken just before a child is spawned and ended as soon as its pid is
    /// known (before it is registered): a signal that comes meanwhile waits
    /// for the spawn to finish, so the child is among those it stops (as
    /// one of our children: see `childrenInOurSession`) instead of running
    /// on, unseen, while what it works in is removed. Once a signal is
    /// being handled, taking one never returns (nothing new starts).
    public static func beginSpawn() -> SpawnTicket {
        Registry.shared.beginSpawn()
        return SpawnTicket()
    }

    public final class SpawnTicket: @unchecked Sendable {
        private let lock = Lock()
        private var ended = false
        fileprivate init() {}
        /// Idempotent: call it when the pid is known and again (deferred) on every path out.
        public func end() {
            lock.lock()
            let first = !ended
            ended = true
            lock.unlock()
            if first { Registry.shared.endSpawn() }
        }
    }

    /// Runs `body` with `item` registered for its duration.
    public static func removing<T, E: Error>(_ item: Leftover, _ body: () throws(E) -> T) throws(E) -> T {
        let token = register(item)
        defer { unregister(token) }
        return try body()
    }

    /// Runs `body` with `item` registered for its duration.
    public static func removing<T>(_ item: Leftover, _ body: () async throws -> T) async rethrows -> T {
        let token = register(item)
        defer { unregister(token) }
        return try await body()
    }
}

/// The signal handler's end of the pipe (set once, before any handler is installed).
nonisolated(unsafe) private var wakeFD: Int32 = -1

private final class Registry: @unchecked Sendable {
    static let shared = Registry()

    private let lock = Lock()
    private var items: [Int: Interruption.Leftover] = [:]
    private var next = 0
    private var installed = false
    private var terminating = false

    func add(_ item: Interruption.Leftover) -> Interruption.Token {
        lock.lock()
        if terminating {
            lock.unlock()
            // A child spawned just as the signal came: it does not outlive us.
            switch item {
            case .process(let pid): Registry.signalTree(pid, SIGKILL)
            case .processGroup(let group): kill(-group, SIGKILL)
            default: break
            }
            // The process is about to end: start nothing new.
            while true { pause() }
        }
        if !installed { installed = install() }
        next += 1
        items[next] = item
        let token = Interruption.Token(id: next)
        lock.unlock()
        return token
    }

    private var spawning = 0

    func beginSpawn() {
        lock.lock()
        if terminating {
            lock.unlock()
            while true { pause() }
        }
        if !installed { installed = install() }
        spawning += 1
        lock.unlock()
    }

    func endSpawn() {
        lock.lock()
        spawning -= 1
        lock.unlock()
    }

    /// Spawns that began before the signal, still without a pid (bounded: two seconds).
    private func waitForSpawns() {
        var waited = 0
        while waited < 2000 {
            lock.lock()
            let busy = spawning > 0
            lock.unlock()
            if !busy { return }
            usleep(1000)
            waited += 1
        }
    }

    func prepare() {
        lock.lock()
        if !installed && !terminating { installed = install() }
        lock.unlock()
    }

    var isTerminating: Bool {
        lock.lock()
        defer { lock.unlock() }
        return terminating
    }

    func remove(_ token: Interruption.Token) {
        lock.lock()
        items[token.id] = nil
        lock.unlock()
    }

    /// Whether handlers are in place (false if the pipe or thread could not be made: then nothing is cleaned up on a signal, as before).
    private func install() -> Bool {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return false }
        // Children must not inherit either end.
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeFD = ends[1]
        let readFD = ends[0]
        var thread = pthread_t()
        let box = Unmanaged.passRetained(ReadEnd(fd: readFD)).toOpaque()
        guard pthread_create(&thread, nil, { raw in
            let end = Unmanaged<ReadEnd>.fromOpaque(raw!).takeRetainedValue()
            Registry.shared.waitForSignal(end.fd)
            return nil
        }, box) == 0 else {
            Unmanaged<ReadEnd>.fromOpaque(box).release()
            close(ends[0]); close(ends[1])
            return false
        }
        pthread_detach(thread)
        // Once a signal is being handled, the process ends by it: a thread
        // that finishes meanwhile (its child was just stopped, its file
        // removed) and calls exit waits here for the signal instead of
        // ending the process with a status of its own.
        atexit {
            if Registry.shared.isTerminating { while true { pause() } }
        }
        for signal in Interruption.signals {
            var current = sigaction()
            guard sigaction(signal, nil, &current) == 0, current.sa_flags & SA_SIGINFO == 0 else { continue }
            let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
            // A signal at its default gets the handler; another handler (the
            // coordinator's) stays. An ignored SIGHUP stays ignored (`nohup`).
            // An ignored SIGINT or SIGTERM was inherited, mostly from a shell
            // that started us as a background job (`cmd &` ignores SIGINT):
            // a `kill -INT` sent to us alone (a CI runner, a parent process)
            // must still stop us, so it gets the handler too; only a SIGINT
            // from the terminal's Ctrl-C (sent by the kernel to the whole
            // foreground group, which is what that ignoring was for) stays
            // ignored.
            let ignored = handler == 1
            guard handler == 0 || (ignored && signal != SIGHUP) else { continue }
            var action = sigaction()
            if ignored {
                action.__sigaction_handler.sa_sigaction = { signal, info, _ in
                    if let info, info.pointee.si_code == 0x80 /* SI_KERNEL: from the terminal */ { return }
                    var byte = UInt8(truncatingIfNeeded: signal)
                    _ = write(wakeFD, &byte, 1)
                }
                action.sa_flags = SA_RESTART | SA_SIGINFO
            } else {
                action.__sigaction_handler.sa_handler = { signal in
                    var byte = UInt8(truncatingIfNeeded: signal)
                    _ = write(wakeFD, &byte, 1)
                }
                action.sa_flags = SA_RESTART
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        return true
    }

    /// `pid` and every process descending from it now (from /proc's
    /// parent links), children first found before their parents are signalled.
    static func descendants(of pid: pid_t) -> Set<pid_t> {
        descendants(of: [pid])
    }

    /// `roots` and every process descending from one of them now.
    static func descendants(of roots: Set<pid_t>) -> Set<pid_t> {
        var parents: [pid_t: [pid_t]] = [:]
        if let dir = opendir("/proc") {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                guard let child = pid_t(name), let parent = parentAndState(of: child)?.parent else { continue }
                parents[parent, default: []].append(child)
            }
            closedir(dir)
        }
        var found = roots, queue = Array(roots)
        while let next = queue.popLast() {
            for child in parents[next] ?? [] where found.insert(child).inserted { queue.append(child) }
        }
        return found
    }

    /// Our own children (from /proc's parent links) that share our session.
    static func childrenInOurSession() -> Set<pid_t> {
        let me = getpid(), session = getsid(0)
        var found = Set<pid_t>()
        guard let dir = opendir("/proc") else { return found }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard let child = pid_t(name), let stat = parentAndState(of: child), stat.parent == me, stat.session == session else { continue }
            found.insert(child)
        }
        closedir(dir)
        return found
    }

    /// Alive and not a zombie (our own child, dead but not yet reaped, counts as gone).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let state = parentAndState(of: pid)?.state else { return false }
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    /// Sends `signal` to `pid` and its descendants.
    static func signalTree(_ pid: pid_t, _ signal: Int32) {
        for p in frozenTree(of: [pid]) { kill(p, signal); kill(p, SIGCONT) }
    }

    /// `roots` and all that descends from them, every one of them stopped
    /// (SIGSTOP), so none can start another before it is signalled: a
    /// snapshot alone misses what a child starts between the snapshot and
    /// its signal (git push whose ssh probe was just killed starts the real
    /// ssh, which, once git push is gone, nothing would stop). A stopped
    /// process cannot fork, so the tree is complete once a scan finds
    /// nothing new. The caller signals them and then sends SIGCONT (a
    /// pending signal is handled before a continued process runs on).
    static func frozenTree(of roots: Set<pid_t>) -> Set<pid_t> {
        var tree = Set<pid_t>()
        var scans = 0
        while scans < 100 {
            scans += 1
            let fresh = descendants(of: roots.union(tree)).subtracting(tree)
            if fresh.isEmpty { break }
            for pid in fresh { kill(pid, SIGSTOP) }
            tree.formUnion(fresh)
        }
        return tree
    }

    /// From /proc/PID/stat: "pid (comm) state ppid pgrp session ..." (comm may hold spaces and parentheses: split after the last ')').
    private static func parentAndState(of pid: pid_t) -> (parent: pid_t, state: UInt8, session: pid_t)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 1024) }
        guard n > 0, let paren = buffer[0..<n].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(paren + 1)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count >= 4, let state = fields[0].first, let parent = pid_t(String(decoding: fields[1], as: UTF8.self)),
              let session = pid_t(String(decoding: fields[3], as: UTF8.self)) else { return nil }
        return (parent, state, session)
    }

    private final class ReadEnd {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
    }

    private func waitForSignal(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { break }
            if n < 0 && errno == EINTR { continue }
            return // the write end is never closed; nothing to do if reading fails
        }
        let signal = Int32(byte)
        lock.lock()
        terminating = true
        let pending = items.sorted { $0.key > $1.key }.map(\.value) // newest first: a file before the directory holding it
        items = [:]
        lock.unlock()

        waitForSpawns()
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 { dup2(null, 1); dup2(null, 2); close(null) }

        // Every child we are running, and what it started (git push's ssh):
        // stopped together first (see `frozenTree`), then the signal, up to
        // two seconds to end, then SIGKILL.
        let groups = pending.compactMap { if case .processGroup(let g) = $0 { return g }; return nil }
        let processes = pending.compactMap { if case .process(let p) = $0 { return p }; return nil }
        // With every child of ours still in our session: one spawned a
        // moment ago whose pid its thread has not registered yet would
        // otherwise run on until that thread gets to `add` (and git clone
        // re-creates the directory just removed). A coordinator we started
        // has a session of its own (setsid) and is left to run.
        let tree = Registry.frozenTree(of: Set(processes).union(Registry.childrenInOurSession()))
        for group in groups { kill(-group, signal) }
        for pid in tree { kill(pid, signal) }
        for pid in tree { kill(pid, SIGCONT) }
        if !groups.isEmpty || !tree.isEmpty {
            var waited = 0
            while waited < 200, groups.contains(where: { kill(-$0, 0) == 0 }) || tree.contains(where: Registry.isRunning) {
                usleep(10_000)
                waited += 1
            }
            for group in groups { kill(-group, SIGKILL) }
            for pid in tree where Registry.isRunning(pid) { kill(pid, SIGKILL) }
        }
        for item in pending {
            switch item {
            case .file(let path): unlink(path)
            case .directory(let path): _ = Leftovers.removeTree(path)
            case .reference(let name, let gitDirectory):
                let loose = gitDirectory + "/" + name
                unlink(loose)
                // Empty directories under refs/ the ref needed go too (git's own ones never are empty of refs we did not make).
                var dir = FilePaths.parent(loose)
                while let d = dir, d.count > gitDirectory.count + 5, rmdir(d) == 0 { dir = FilePaths.parent(d) }
            case .processGroup, .process: break
            }
        }

        var action = sigaction()
        action.__sigaction_handler.sa_handler = nil // SIG_DFL
        sigemptyset(&action.sa_mask)
        sigaction(signal, &action, nil)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        _exit(128 + signal)
    }
}
