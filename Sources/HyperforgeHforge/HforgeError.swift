import HyperforgeCore

/// What can go wrong in `git hforge` commands, beyond configuration and git errors.
public enum HforgeError: HyperforgeError, Equatable {
    case alreadyInitialised(configPath: String)
    case notInitialised(repoRoot: String)
    case bareRepository(path: String)
    case remoteConflict(remote: String, existing: String, wanted: String)
    case unreadableKey(forge: String, path: String, reason: String)
    case extraRemotes([String])
    case noBranch(head: String)
    case remoteNotReady(forge: String, remote: String, problem: String)
    case pushFailed(forge: String, remote: String, url: String, gitOutput: String, exitCode: Int32, notAttempted: [String])
    case cannotRun(program: String, reason: String)
    case badArgument(flag: String, value: String, reason: String)
    /// `--import-from-git` imported no remote: why each was not, and the user's auth.toml (for the hint).
    case importFoundNothing(reasons: [Unimported], authPath: String)

    /// A remote `--import-from-git` did not import.
    public struct Unimported: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Its host is no forge known here: configuration (a custom forge) fixes it.
            case unknownForge
            /// It carries a credential that cannot be moved into its scope; `fix` says what to do.
            case credential(remote: String, fix: String)
            /// Anything else (not ssh/https, no owner/name, differs from the others).
            case other
        }
        public var text: String
        public var kind: Kind
        public init(_ text: String, _ kind: Kind) { self.text = text; self.kind = kind }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .alreadyInitialised, .remoteConflict, .extraRemotes, .remoteNotReady: return .refused
        case .notInitialised, .bareRepository, .unreadableKey, .cannotRun: return .environment
        case .noBranch, .pushFailed: return .failure
        case .badArgument: return .usage
        case .importFoundNothing(let reasons, _):
            // Refused when configuration would not have helped: no remote named an unknown forge.
            return reasons.isEmpty || reasons.contains { $0.kind == .unknownForge } ? .configuration : .refused
        }
    }

    public var description: String {
        switch self {
        case .alreadyInitialised(let path):
            return "\(path) already exists; init does not overwrite it"
        case .notInitialised(let root):
            return "\(root) has no .hyperforge/config.toml"
        case .bareRepository(let path):
            return "\(path) is a bare repository; hyperforge keeps its config in a work tree"
        case .remoteConflict(let remote, let existing, let wanted):
            return "remote '\(remote)' already exists and points to \(existing), not \(wanted)"
        case .unreadableKey(let forge, let path, let reason):
            return "ssh key for \(forge) cannot be read: \(path): \(reason)"
        case .extraRemotes(let names):
            return "remote\(names.count == 1 ? "" : "s") \(names.map { "'\($0)'" }.joined(separator: ", ")) not in .hyperforge/config.toml; nothing was removed"
        case .noBranch(let head):
            return "HEAD is \(head); push needs a branch with commits"
        case .remoteNotReady(let forge, let remote, let problem):
            return "forge \(forge): remote '\(remote)' \(problem); nothing was pushed"
        case .pushFailed(let forge, let remote, let url, let output, let code, let notAttempted):
            var s = "push to \(forge) (remote '\(remote)', \(url)) failed: git exited with \(code)"
            let trimmed = output.trimmedLines()
            if !trimmed.isEmpty {
                s += "\n" + trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map { "  git: \($0)" }.joined(separator: "\n")
            }
            if !notAttempted.isEmpty { s += "\nnot contacted: " + notAttempted.joined(separator: ", ") }
            return s
        case .cannotRun(let program, let reason):
            return "cannot run \(program): \(reason)"
        case .badArgument(let flag, let value, let reason):
            return "\(flag) \(value): \(reason)"
        case .importFoundNothing(let reasons, _):
            return "no remote could be imported" + (reasons.isEmpty ? " (the repository has no remotes)" : ":\n" + reasons.map { "  \($0.text)" }.joined(separator: "\n"))
        }
    }

    public var hint: String? {
        switch self {
        case .alreadyInitialised: return "run 'git hforge sync' to apply it, or 'git hforge init --force' to replace it"
        case .notInitialised: return "run 'git hforge init --forges github --org NAME' (or --import-from-git) first"
        case .remoteConflict(let remote, _, _):
            return "rename it ('git remote rename \(remote) NEW'), or rerun with --force to point it at the new URL"
        case .unreadableKey(let forge, let path, _):
            return "create it (ssh-keygen -f \(path)), or fix the path in [ssh] \(forge) = ... in .hyperforge/config.toml ('git hforge init --force --ssh \(forge)=PATH' rewrites it)"
        case .extraRemotes: return "rerun with --force to remove them, or add their forges to forges = [...]"
        case .noBranch: return "check out a branch ('git switch NAME') and commit first"
        case .remoteNotReady: return "run 'git hforge sync' to bring the remotes in line with the config"
        case .pushFailed(let forge, _, _, _, _, _): return "fix the problem on \(forge), then run 'git hforge push' again; forges before it already have the push"
        case .importFoundNothing(let reasons, let authPath):
            var hints: [String] = []
            if reasons.contains(where: { $0.kind == .unknownForge }) {
                hints.append("declare a self-hosted forge under [custom_forges.NAME] in your \(authPath) (or in an untracked .hyperforge/defaults.toml of yours in a parent directory), then import again")
            }
            for case .credential(let remote, let fix) in reasons.map(\.kind) { hints.append("remote '\(remote)': \(fix)") }
            if hints.isEmpty && !reasons.isEmpty { hints.append("fix the remotes as their reasons above say") }
            hints.append("or name the forges yourself: 'git hforge init --forges NAME,... --org ORG'")
            return hints.joined(separator: "\n")
        default: return nil
        }
    }
}
