import Glibc

/// Where the coordinator's files are, for one user.
///
/// - runtime directory (`$XDG_RUNTIME_DIR/hyperforge`, else `/tmp/hyperforge-UID`):
///   mode 0700, owned by the user: only they can reach the socket
///   (`coordinator.sock`), the lock (`coordinator.lock`) and the pid file.
/// - state directory (`$XDG_STATE_HOME/hyperforge`): the database
///   (`coordinator.db`), the log, the TCP token.
/// - `$XDG_CONFIG_HOME/hyperforge/coordinator.toml`: `idle_timeout`, `enabled`, `[tcp] port`.
public struct CoordinatorPaths: Sendable, Equatable {
    public let runtimeDirectory: String
    public let stateDirectory: String
    public let configFile: String

    public init(environment: [String: String]) {
        let paths = Paths(environment: environment)
        if let runtime = paths.runtimeDir {
            runtimeDirectory = runtime + "/hyperforge"
        } else {
            runtimeDirectory = "/tmp/hyperforge-\(getuid())"
        }
        stateDirectory = paths.stateHome + "/hyperforge"
        configFile = paths.configHome + "/hyperforge/coordinator.toml"
    }

    public var socket: String { runtimeDirectory + "/coordinator.sock" }
    public var lock: String { runtimeDirectory + "/coordinator.lock" }
    public var pidFile: String { runtimeDirectory + "/coordinator.pid" }
    public var database: String { stateDirectory + "/coordinator.db" }
    public var log: String { stateDirectory + "/coordinator.log" }
    public var token: String { stateDirectory + "/coordinator.token" }

    /// Creates the runtime directory (0700) or checks that the existing one
    /// belongs to this user and nobody else may write it (`FileTrust`); one
    /// that others may merely enter is made private.
    public func prepareRuntimeDirectory() throws(CoordinatorError) {
        do { try FileTrust.prepareDirectory(runtimeDirectory) } catch { throw .untrusted(error) }
        var st = stat()
        if stat(runtimeDirectory, &st) == 0, st.st_mode & 0o077 != 0, chmod(runtimeDirectory, 0o700) != 0 {
            throw .unsafeDirectory(path: runtimeDirectory, reason: "others may enter it and it cannot be made private")
        }
        for file in [socket, lock, pidFile] {
            do { try FileTrust.check(file, kind: .file) } catch { throw .untrusted(error) }
        }
    }

    /// Creates the state directory (0700) or checks the existing one, and the
    /// coordinator's files in it (`FileTrust`).
    public func prepareStateDirectory() throws(CoordinatorError) {
        do {
            try FileTrust.prepareDirectory(stateDirectory)
            for file in [database, database + "-wal", database + "-shm", log, token] { try FileTrust.check(file, kind: .file) }
        } catch {
            throw .untrusted(error)
        }
    }
}

/// What can go wrong talking to (or being) the coordinator.
public enum CoordinatorError: HyperforgeError, Equatable {
    case unsafeDirectory(path: String, reason: String)
    /// One of its files or directories is someone else's, or writable by others.
    case untrusted(TrustError)
    case notRunning(socket: String)
    case cannotStart(program: String, reason: String)
    case noAnswer(socket: String, reason: String)
    case badResponse(status: Int, message: String)
    case disabled
    /// coordinator.toml (or HFORGE_COORDINATOR_IDLE_TIMEOUT) is malformed: it would not start.
    case badConfig(ConfigError)

    public var exitStatus: ExitStatus {
        switch self {
        case .badResponse: return .failure
        case .badConfig(let e): return e.exitStatus
        default: return .environment
        }
    }

    public var description: String {
        switch self {
        case .unsafeDirectory(let p, let r): return "the coordinator's directory \(p) is not safe to use: \(r)"
        case .untrusted(let e): return "the coordinator's files are not safe to use: \(e.description)"
        case .notRunning(let s): return "the coordinator is not running (no answer on \(s))"
        case .cannotStart(let p, let r): return "cannot start the coordinator (\(p)): \(r)"
        case .noAnswer(let s, let r): return "the coordinator at \(s) did not answer: \(r)"
        case .badResponse(let status, let m): return "the coordinator answered \(status): \(m)"
        case .disabled: return "the coordinator is disabled (HFORGE_COORDINATOR=off or enabled = false in coordinator.toml)"
        case .badConfig(let e): return "the coordinator cannot start: \(e.description)"
        }
    }

    public var hint: String? {
        switch self {
        case .unsafeDirectory: return "remove the directory or fix its owner and mode (0700)"
        case .untrusted(let e): return e.hint
        case .cannotStart: return "check that hyperforge-coordinator is installed next to git-realm or on PATH; 'git realm coordinator logs' shows its log"
        case .noAnswer: return "'git realm coordinator logs' shows its log; 'git realm coordinator stop' stops it"
        case .badConfig(let e): return e.hint ?? "fix the file it names (or set enabled = false there), then run the command again"
        default: return nil
        }
    }
}
