import FoundationEssentials
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
    /// belongs to this user and admits nobody else.
    public func prepareRuntimeDirectory() throws(CoordinatorError) {
        if mkdir(runtimeDirectory, 0o700) != 0 && errno != EEXIST {
            // The parent may be missing (e.g. XDG_RUNTIME_DIR of a test).
            try? FileManager.default.createDirectory(atPath: FilePaths.parent(runtimeDirectory) ?? "/", withIntermediateDirectories: true)
            if mkdir(runtimeDirectory, 0o700) != 0 && errno != EEXIST {
                throw .unsafeDirectory(path: runtimeDirectory, reason: String(cString: strerror(errno)))
            }
        }
        var st = stat()
        guard lstat(runtimeDirectory, &st) == 0 else { throw .unsafeDirectory(path: runtimeDirectory, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .unsafeDirectory(path: runtimeDirectory, reason: "it is not a directory") }
        guard st.st_uid == getuid() else { throw .unsafeDirectory(path: runtimeDirectory, reason: "it belongs to user \(st.st_uid), not \(getuid())") }
        if st.st_mode & 0o077 != 0 {
            guard chmod(runtimeDirectory, 0o700) == 0 else { throw .unsafeDirectory(path: runtimeDirectory, reason: "others may enter it and it cannot be made private") }
        }
    }

    public func prepareStateDirectory() throws(CoordinatorError) {
        do { try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw .unsafeDirectory(path: stateDirectory, reason: "\(error)")
        }
    }
}

/// What can go wrong talking to (or being) the coordinator.
public enum CoordinatorError: HyperforgeError, Equatable {
    case unsafeDirectory(path: String, reason: String)
    case notRunning(socket: String)
    case cannotStart(program: String, reason: String)
    case noAnswer(socket: String, reason: String)
    case badResponse(status: Int, message: String)
    case disabled

    public var exitStatus: ExitStatus {
        switch self {
        case .badResponse: return .failure
        default: return .environment
        }
    }

    public var description: String {
        switch self {
        case .unsafeDirectory(let p, let r): return "the coordinator's directory \(p) is not safe to use: \(r)"
        case .notRunning(let s): return "the coordinator is not running (no answer on \(s))"
        case .cannotStart(let p, let r): return "cannot start the coordinator (\(p)): \(r)"
        case .noAnswer(let s, let r): return "the coordinator at \(s) did not answer: \(r)"
        case .badResponse(let status, let m): return "the coordinator answered \(status): \(m)"
        case .disabled: return "the coordinator is disabled (HFORGE_COORDINATOR=off or enabled = false in coordinator.toml)"
        }
    }

    public var hint: String? {
        switch self {
        case .unsafeDirectory: return "remove the directory or fix its owner and mode (0700)"
        case .cannotStart: return "check that hyperforge-coordinator is installed next to git-realm or on PATH; 'git realm coordinator logs' shows its log"
        case .noAnswer: return "'git realm coordinator logs' shows its log; 'git realm coordinator stop' stops it"
        default: return nil
        }
    }
}
