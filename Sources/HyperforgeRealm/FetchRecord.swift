import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// When the realm was last fetched into a repository: `.git/realm/fetched-at/REALM`
/// (in the common git directory, so every worktree shares it), one line with
/// the time of the last successful fetch in seconds since 1970, written
/// atomically (a new file renamed over the old one) right after
/// `refs/realm/REALM/fetched` was updated or found up to date, and after a
/// write of ours landed (its push proves the realm's tip is our commit).
/// A fetch that was refused (malformed, rewritten) or failed does not count.
///
/// Why a file and not the fetched ref's reflog: libgit2 writes reflogs only
/// for refs under refs/heads, refs/remotes and refs/notes unless
/// core.logAllRefUpdates is `always`; a fetch that finds the realm unchanged
/// (the usual case) does not move the ref, so it would leave no entry; and a
/// reflog grows with every fetch, while `git realm status` (warm: about
/// 12 ms) and the coordinator's freshness check read this with one `open`
/// and one `read` of a few bytes, without libgit2.
public enum FetchRecord {
    public static func path(commonDirectory: String, realm: String) -> String {
        commonDirectory + "/realm/fetched-at/" + realm
    }

    /// The time of the last successful fetch; nil when none was recorded
    /// (never fetched, or fetched by a version that did not record it).
    /// One `read` of at most 32 bytes into a buffer on the stack (FileRead's
    /// general reader zero-fills 64 KiB first: 0.3 M instructions of a warm status).
    public static func read(commonDirectory: String, realm: String) -> Date? {
        guard RealmNames.problem(realm) == nil else { return nil }
        let fd = open(path(commonDirectory: commonDirectory, realm: realm), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer -> Date? in
            var n = 0
            repeat { n = Glibc.read(fd, buffer.baseAddress, buffer.count) } while n < 0 && errno == EINTR
            guard n > 0 else { return nil }
            var seconds: Int64 = 0
            var digits = 0
            for b in buffer[0..<n] {
                if b == UInt8(ascii: "\n") { break }
                guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"), digits < 15 else { return nil }
                seconds = seconds * 10 + Int64(b - UInt8(ascii: "0"))
                digits += 1
            }
            return digits == 0 ? nil : Date(timeIntervalSince1970: Double(seconds))
        }
    }

    /// Records a successful fetch at `date`. Best effort, like the realm's
    /// index cache: a fetch that worked is not failed for its record (status
    /// then shows the older time, and the coordinator retries after its age).
    static func write(_ repository: Repository, realm: String, at date: Date) {
        guard RealmNames.problem(realm) == nil else { return }
        let dir = repository.commonDirectory + "/realm/fetched-at"
        for d in [repository.commonDirectory + "/realm", dir] where mkdir(d, 0o777) != 0 && errno != EEXIST { return }
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        try? AtomicFile.write(Array("\(seconds)\n".utf8), to: dir + "/" + realm)
    }

    static func remove(_ repository: Repository, realm: String) {
        guard RealmNames.problem(realm) == nil else { return }
        unlink(path(commonDirectory: repository.commonDirectory, realm: realm))
    }

    /// "just now", "42 s ago", "3 min ago", "5 h ago", "1 day ago", "12 days ago".
    public static func age(of date: Date, now: Date) -> String {
        let s = Int(max(0, now.timeIntervalSince(date)).rounded(.down))
        switch s {
        case 0: return "just now"
        case ..<60: return "\(s) s ago"
        case ..<3600: return "\(s / 60) min ago"
        case ..<86_400: return "\(s / 3600) h ago"
        default: return s / 86_400 == 1 ? "1 day ago" : "\(s / 86_400) days ago"
        }
    }
}

/// Who may move `refs/realm/REALM/fetched` while others fetch:
/// `.git/realm/fetch.lock` (flock). A command that fetches or writes the
/// realm holds it shared for its whole fetch or write (commands never wait
/// for each other); the coordinator's background fetch asks for it
/// exclusively, without waiting, once before it fetches (to skip when a
/// command is at it) and again for its last step alone (moving the ref and
/// writing the record), and skips when it cannot have it. So a command waits
/// at most for that last step (a ref update and a small file), never for a
/// background fetch's network traffic, and a background fetch never moves
/// the ref under a command.
final class FetchLock {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { release() }

    /// Gives it up (also when the process ends, however it ends).
    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    static func path(_ repository: Repository) -> String { repository.commonDirectory + "/realm/fetch.lock" }

    private static func open(_ repository: Repository, file: String = "fetch.lock") -> Int32 {
        let dir = repository.commonDirectory + "/realm"
        if mkdir(dir, 0o777) != 0 && errno != EEXIST { return -1 }
        return Glibc.open(dir + "/" + file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    }

    /// Exclusive, waiting: two syncs in one member repository fetch the
    /// realm's proposals one after the other (git's own ref locks make the
    /// second fail with "cannot lock ref" when they overlap). Held only
    /// for the fetch of proposal refs; nothing waits on it for long.
    static func proposals(_ repository: Repository) -> FetchLock {
        let fd = open(repository, file: "proposals-fetch.lock")
        if fd >= 0 {
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
        return FetchLock(fd: fd)
    }

    /// For a command: shared, waiting at most for a background fetch's last
    /// step. A lock file that cannot be made (a read-only repository) does not
    /// stop the command: its own fetch reports what cannot be written.
    static func command(_ repository: Repository) -> FetchLock {
        let fd = open(repository)
        if fd >= 0 {
            while flock(fd, LOCK_SH) != 0 && errno == EINTR {}
        }
        return FetchLock(fd: fd)
    }

    /// For a background fetch: exclusive or nothing (nil: someone holds it, or it cannot be made).
    static func background(_ repository: Repository) -> FetchLock? {
        let fd = open(repository)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return FetchLock(fd: fd)
    }
}
