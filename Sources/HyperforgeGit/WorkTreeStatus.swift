import CGit2Loader
import HyperforgeCore

/// What `git status --porcelain` would list, counted: changes staged in the
/// index, changes in the work tree not staged, untracked files (not ignored)
/// and unmerged paths. Read in-process; the index is not refreshed or
/// written (no lock is taken, nothing in the repository changes).
public struct WorkTreeChanges: Sendable, Equatable, Codable {
    public var staged = 0
    public var unstaged = 0
    public var untracked = 0
    public var conflicted = 0

    public init(staged: Int = 0, unstaged: Int = 0, untracked: Int = 0, conflicted: Int = 0) {
        self.staged = staged
        self.unstaged = unstaged
        self.untracked = untracked
        self.conflicted = conflicted
    }

    public var isClean: Bool { staged == 0 && unstaged == 0 && untracked == 0 && conflicted == 0 }
}

extension Repository {
    /// The work tree's changes against the index and HEAD, as git counts
    /// them for `git status` (untracked directories count once, as git
    /// shows them without `-uall`; submodules whose commit changed count as
    /// modified).
    public func workTreeChanges() throws(GitError) -> WorkTreeChanges {
        var options = git_status_options()
        try check(G.git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "preparing a status of \(gitDirectory)")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
        var list: OpaquePointer?
        try check(G.git_status_list_new(&list, pointer, &options), "reading the status of \(workingDirectory ?? gitDirectory)")
        defer { G.git_status_list_free(list) }
        var changes = WorkTreeChanges()
        let staged = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue | GIT_STATUS_INDEX_DELETED.rawValue
            | GIT_STATUS_INDEX_RENAMED.rawValue | GIT_STATUS_INDEX_TYPECHANGE.rawValue
        let unstaged = GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue | GIT_STATUS_WT_TYPECHANGE.rawValue
            | GIT_STATUS_WT_RENAMED.rawValue | GIT_STATUS_WT_UNREADABLE.rawValue
        for i in 0..<G.git_status_list_entrycount(list) {
            guard let entry = G.git_status_byindex(list, i) else { continue }
            let s = entry.pointee.status.rawValue
            if s & GIT_STATUS_CONFLICTED.rawValue != 0 { changes.conflicted += 1; continue }
            if s & GIT_STATUS_WT_NEW.rawValue != 0 { changes.untracked += 1 }
            if s & staged != 0 { changes.staged += 1 }
            if s & unstaged != 0 { changes.unstaged += 1 }
        }
        return changes
    }
}
