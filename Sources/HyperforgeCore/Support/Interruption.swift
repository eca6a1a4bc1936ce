import Glibc

/// What a run leaves behind only while it works — temporary files,
/// scratch repositories, temporary refs, children in process groups of
/// their own — removed when SIGINT, SIGTERM or SIGHUP ends it mid-way.
///
/// A write registers what it is about to create and unregisters it when
/// done. The first registration installs handlers for the three signals
/// (only where the disposition is still the default: a signal the parent
/// ignored, as `nohup` does, stays ignored; the coordinator's own handling
/// stays its own) and starts one thread. The handler only writes the
/// signal's number to a pipe (all a signal handler may safely do); the
/// thread wakes up, and from then on:
///
/// 1. any thread that tries to register something new waits for the end
///    (nothing new is started once we are going);
/// 2. standard output and error go to /dev/null: what the interrupted
///    work prints after this point would describe files pulled from under
///    it, not what happened;
/// 3. process groups are sent the signal, and SIGKILL after a second;
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
            guard sigaction(signal, nil, &current) == 0 else { continue }
            // Only a signal still at its default: an ignored one stays ignored, another handler stays.
            guard current.sa_flags & SA_SIGINFO == 0, unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 0 else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                var byte = UInt8(truncatingIfNeeded: signal)
                _ = write(wakeFD, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        return true
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

        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 { dup2(null, 1); dup2(null, 2); close(null) }

        let groups = pending.compactMap { if case .processGroup(let g) = $0 { return g }; return nil }
        for group in groups { kill(-group, signal) }
        if !groups.isEmpty {
            var waited = 0
            while waited < 100, groups.contains(where: { kill(-$0, 0) == 0 }) {
                usleep(10_000)
                waited += 1
            }
            for group in groups { kill(-group, SIGKILL) }
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
            case .processGroup: break
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
