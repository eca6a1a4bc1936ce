import Glibc
import HyperforgeCore

/// What stops `git hforge workspace publish`, and a journal that names a
/// path outside where it may write. Each says what happened, where, and
/// what to run next.
public enum WorkspacePublishError: HyperforgeError, Equatable {
    /// The packages' requirements go round: `path` is the cycle, its first package again at its end.
    case cycle(path: [String])
    case unsupportedRequirement(location: String, package: String, requirement: String, reason: String)
    /// A journal (publish.json, or the workspace's) names a path it may not:
    /// absolute, not normalised, outside the work tree (workspace), or through a symbolic link.
    case journalEntryRefused(journal: String, entry: String, reason: String, workspace: Bool)
    case journalInProgress(journal: String, package: String, state: String)
    case noJournal(journal: String)
    /// Two publishable crates take their version from one `[workspace.package] version`.
    case sharedVersion(file: String, packages: [String])
    /// The run stopped at `failed`; `published` were released before it, `notAttempted` after it were not touched.
    case stopped(failed: String, message: String, hint: String?, status: ExitStatus, published: [String], notAttempted: [String], journal: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .cycle, .unsupportedRequirement, .sharedVersion: return .configuration
        case .journalEntryRefused, .journalInProgress, .noJournal: return .refused
        case .stopped(_, _, _, let status, _, _, _): return status == .success ? .failure : status
        }
    }

    public var description: String {
        switch self {
        case .cycle(let path):
            return "the workspace's packages require each other in a cycle: \(path.joined(separator: " -> ")); nothing was changed"
        case .unsupportedRequirement(let location, let package, let requirement, let reason):
            return "\(location): the requirement '\(requirement)' on \(package) cannot be rewritten for its new version: \(reason); nothing was changed"
        case .journalEntryRefused(let journal, let entry, let reason, let workspace):
            return "the journal \(journal) is refused: its entry \(entry) \(reason)"
                + (workspace ? " (a repository must lie inside the workspace)" : " (a file must lie inside the work tree)") + "; nothing was changed"
        case .journalInProgress(let journal, let package, let state):
            return "a workspace publish is in progress (\(package): \(state); journal \(journal))"
        case .noJournal(let journal): return "no workspace publish is in progress (no journal at \(journal))"
        case .sharedVersion(let file, let packages):
            return "\(packages.joined(separator: ", ")) take their version from one [workspace.package] version (\(file)); workspace publish releases each package at its own version"
        case .stopped(let failed, let message, _, _, let published, let notAttempted, _):
            return "\(failed) failed: \(message)\npublished: \(published.isEmpty ? "none" : published.joined(separator: ", "))\nnot attempted: \(notAttempted.isEmpty ? "none" : notAttempted.joined(separator: ", "))"
        }
    }

    public var hint: String? {
        switch self {
        case .cycle: return "break the cycle (a dev-dependency without a version does not count), then run workspace publish again"
        case .unsupportedRequirement: return "write the requirement in a form publish rewrites, commit it, and run workspace publish again"
        case .journalEntryRefused(let journal, _, _, let workspace):
            return workspace ? "remove \(journal) if you did not write it, then start again; what was published stays published"
                             : "remove \(journal) if you did not write it ('git hforge publish --abort' refuses it too), and restore the files by hand ('git status')"
        case .journalInProgress: return "run 'git hforge workspace publish --resume' to carry on, or '--abort' to stop it (published packages stay published)"
        case .noJournal: return "start one with 'git hforge workspace publish --bump LEVEL'"
        case .sharedVersion(let file, _): return "release them together with 'git hforge publish' in each, or give each crate its own version in place of version.workspace = true (\(file))"
        case .stopped(_, _, let hint, _, _, _, _):
            return (hint.map { $0 + "\n" } ?? "") + "then 'git hforge workspace publish --resume' carries on (nothing published is published again), or '--abort' stops"
        }
    }
}

/// The one check of a path read from a journal: relative, normalised,
/// inside `root`, and reached through no symbolic link.
enum JournalConfinement {
    /// Why `relative` may not be used below `root`, or nil when it may. "." is `root` itself.
    static func problem(_ relative: String, in root: String) -> String? {
        if relative == "." { return nil }
        if relative.isEmpty { return "is empty" }
        if relative.utf8.contains(0) || relative.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "has a control character" }
        if relative.hasPrefix("/") { return "is an absolute path ('\(TerminalText.inline(relative))')" }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "is not a normalised relative path ('\(TerminalText.inline(relative))': no '.', '..' or empty components)"
        }
        var path = root
        for part in parts {
            path = FilePaths.join(path, String(part))
            var st = stat()
            if lstat(path, &st) != 0 { return nil } // missing: nothing below it can be reached either
            if st.st_mode & S_IFMT == S_IFLNK { return "goes through the symbolic link \(path)" }
        }
        return nil
    }

    /// Whether a tag or branch name from a journal may go on a git command line.
    static func refNameProblem(_ name: String) -> String? {
        if name.isEmpty || name.hasPrefix("-") || name.contains("..") || name.contains(" ")
            || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "is not a ref name git-hforge writes ('\(TerminalText.inline(name))')"
        }
        return nil
    }
}
