import Foundation
import HyperforgeCore
@testable import HyperforgeHforge
import Testing

/// The hostile review's leads on the `workspace status` cache: after each
/// change, a run that may use cached lines says exactly what a `--no-cache`
/// run says (linked worktrees, `.git` files, symbolic links, included
/// config, GIT_DIR in the environment, the racy window).
@Suite struct WorkspaceStatusCacheLeadsTests {
    let t = WorkspaceStatusCacheTests()

    /// Runs status (cached lines allowed), then with --no-cache: every
    /// repository's entry must be the same. Returns the fresh entries.
    @discardableResult
    func agree(_ what: String, _ context: () -> Context, path: String? = nil,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [String: [String: Any]] {
        let warm = try await t.status(context(), path: path)
        let fresh = try await t.status(context(), path: path, noCache: true)
        #expect(NSDictionary(dictionary: warm) == NSDictionary(dictionary: fresh),
                "\(what): the cached run said \(warm)\nthe fresh run said \(fresh)", sourceLocation: sourceLocation)
        return fresh
    }

    func ahead(_ e: [String: Any]?) -> [Int?] { (e?["forges"] as? [[String: Any]] ?? []).map { $0["ahead"] as? Int } }

    /// Gives `path` (not followed if a link) the modification time it had in `like`.
    func restoreTime(_ path: String, from like: timespec) {
        var times = [like, like]
        #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0, "utimensat \(path): \(errno)")
    }

    func mtime(_ path: String) -> timespec {
        var st = stat()
        #expect(lstat(path, &st) == 0, "lstat \(path)")
        return st.st_mtim
    }

    func link(_ path: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    // MARK: 1. Linked worktrees

    @Test func branchesMovedAcrossLinkedWorktrees() async throws {
        let env = try TestEnvironment("ws-leads-worktree")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        let linked = ws + "/tool-wt"
        try env.gitOK("worktree", "add", "-q", "-b", "side", linked, in: repo)
        var s = try await agree("a linked worktree added") { t.later(env, ws) }
        #expect(s["tool-wt"]?["kind"] as? String == "worktree" && s["tool-wt"]?["branch"] as? String == "side", "\(s)")
        #expect(t.cached(env, repo), "the main work tree's line is kept")
        #expect(!t.cached(env, linked), "a linked worktree's line is never kept")
        #expect(!FileManager.default.fileExists(atPath: t.cache(env, linked).path(workTree: linked)))

        // The linked worktree moves the branch the main work tree has checked out.
        try t.waitForTheNextTick(env, after: repo)
        try env.write("side\n", to: "ws/tool-wt/side.txt")
        try env.gitOK("add", "side.txt", in: linked)
        try env.gitOK("commit", "-q", "-m", "side", in: linked)
        try env.gitOK("update-ref", "refs/heads/main", "side", in: linked)
        s = try await agree("main moved from the linked worktree") { t.later(env, ws) }
        #expect(ahead(s["tool"]) == [1, 1] && t.changes(s["tool"])["staged"] == 1, "\(s["tool"] ?? [:])")
        #expect(t.cached(env, repo))

        // The main work tree moves the branch the linked worktree has checked out.
        try t.waitForTheNextTick(env, after: repo)
        try env.gitOK("update-ref", "refs/heads/side", "side~1", in: repo)
        s = try await agree("side moved from the main work tree") { t.later(env, ws) }
        #expect(t.changes(s["tool-wt"])["staged"] == 1, "\(s["tool-wt"] ?? [:])")

        // The linked worktree switches branch, and the refs are packed from it.
        try env.gitOK("reset", "-q", "--hard", "side", in: linked)
        try env.gitOK("switch", "-q", "-c", "other", in: linked)
        try env.gitOK("pack-refs", "--all", in: linked)
        s = try await agree("a branch switch and pack-refs in the linked worktree") { t.later(env, ws) }
        #expect(s["tool-wt"]?["branch"] as? String == "other" && ahead(s["tool"]) == [1, 1], "\(s)")

        // Worktrees added and removed between runs, the main work tree's line kept throughout.
        #expect(t.cached(env, repo))
        try env.gitOK("worktree", "add", "-q", "-b", "third", ws + "/tool-wt2", in: repo)
        s = try await agree("a second linked worktree added") { t.later(env, ws) }
        #expect(s["tool-wt2"]?["branch"] as? String == "third")
        try env.gitOK("worktree", "remove", "--force", linked, in: repo)
        s = try await agree("the first linked worktree removed") { t.later(env, ws) }
        #expect(s["tool-wt"] == nil && s["tool-wt2"] != nil)
        // Added again at the same path, on another branch with another work tree.
        try env.gitOK("worktree", "add", "-q", linked, "side", in: repo)
        try env.write("local\n", to: "ws/tool-wt/local.txt")
        s = try await agree("a linked worktree added again at the same path") { t.later(env, ws) }
        #expect(s["tool-wt"]?["branch"] as? String == "side" && t.changes(s["tool-wt"])["untracked"] == 1, "\(s)")
        #expect(!t.cached(env, linked))
    }

    // MARK: 2. `.git` files

    @Test func aGitFileRetargetedOrSwappedWithADirectory() async throws {
        let env = try TestEnvironment("ws-leads-gitfile")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        // Another repository's git directory, inside the workspace (a bare-looking directory: skipped).
        let other = try t.member(env, "store/other")
        try env.gitOK("switch", "-q", "-c", "trunk", in: other)
        try env.write("more\n", to: "ws/store/other/more.txt")
        try env.gitOK("add", "more.txt", in: other)
        try env.gitOK("commit", "-q", "-m", "more", in: other)
        let store = ws + "/store"
        try FileManager.default.moveItem(atPath: other + "/.git", toPath: store + "/bbbb.git")
        try FileManager.default.removeItem(atPath: other)
        var s = try await agree("before") { t.later(env, ws) }
        #expect(t.cached(env, repo) && s["tool"]?["branch"] as? String == "main")

        // The .git directory replaced by a gitdir file naming the other git directory, the work tree's time restored.
        try t.waitForTheNextTick(env, after: repo)
        let rootTime = mtime(repo)
        try FileManager.default.moveItem(atPath: repo + "/.git", toPath: store + "/aaaa.git")
        try "gitdir: \(store)/bbbb.git\n".write(toFile: repo + "/.git", atomically: false, encoding: .utf8)
        restoreTime(repo, from: rootTime)
        s = try await agree("a .git directory replaced by a gitdir file") { t.later(env, ws) }
        #expect(s["tool"]?["branch"] as? String == "trunk" && t.changes(s["tool"])["unstaged"] == 1, "\(s["tool"] ?? [:])")
        #expect(!t.cached(env, repo), "a work tree whose .git is a file is never kept")

        // The gitdir file rewritten in place (same size) to name its own git directory, its time restored.
        let fileTime = mtime(repo + "/.git")
        try t.rewriteInPlace(repo + "/.git", "gitdir: \(store)/aaaa.git\n")
        restoreTime(repo + "/.git", from: fileTime)
        s = try await agree("a gitdir file rewritten") { t.later(env, ws) }
        #expect(s["tool"]?["branch"] as? String == "main" && s["tool"]?["clean"] as? Bool == true, "\(s["tool"] ?? [:])")

        // And a directory again, with the other repository's history.
        try FileManager.default.removeItem(atPath: repo + "/.git")
        try FileManager.default.moveItem(atPath: store + "/bbbb.git", toPath: repo + "/.git")
        restoreTime(repo, from: rootTime)
        s = try await agree("a gitdir file replaced by a .git directory") { t.later(env, ws) }
        #expect(s["tool"]?["branch"] as? String == "trunk" && t.changes(s["tool"])["unstaged"] == 1, "\(s["tool"] ?? [:])")
        #expect(t.cached(env, repo))
        // Back to the first git directory, the directory's time restored (its ctime tells).
        try t.waitForTheNextTick(env, after: repo)
        try FileManager.default.moveItem(atPath: repo + "/.git", toPath: store + "/bbbb.git")
        try FileManager.default.moveItem(atPath: store + "/aaaa.git", toPath: repo + "/.git")
        restoreTime(repo, from: rootTime)
        s = try await agree("one .git directory swapped for another") { t.later(env, ws) }
        #expect(s["tool"]?["branch"] as? String == "main" && s["tool"]?["clean"] as? Bool == true, "\(s["tool"] ?? [:])")
    }

    // MARK: 3. Symbolic links

    @Test func symbolicLinksRetargetedBetweenRuns() async throws {
        let env = try TestEnvironment("ws-leads-links")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        try env.write("aaaa\n", to: "ws/tool/a.txt")
        try env.write("bbbb\n", to: "ws/tool/b.txt")
        try link(repo + "/link", to: "a.txt")
        try link(repo + "/dangling", to: "gone1")
        try env.write("x\n", to: "outside/dir/x.txt")
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", "links", in: repo)
        try link(repo + "/linkdir", to: env.root + "/outside/dir")
        let s = try await agree("before") { t.later(env, ws) }
        #expect(t.changes(s["tool"]) == ["staged": 0, "unstaged": 0, "untracked": 1, "conflicted": 0], "\(s)")
        #expect(t.cached(env, repo))

        func step(_ what: String, _ change: () throws -> Void) async throws -> [String: Any]? {
            try t.waitForTheNextTick(env, after: repo)
            let dirTime = mtime(repo)
            try change()
            restoreTime(repo, from: dirTime)
            return try await agree(what) { t.later(env, ws) }["tool"]
        }
        // A tracked link retargeted to a file of the same size (what it points to: another inode).
        var e = try await step("a tracked link retargeted") { try link(repo + "/link", to: "b.txt") }
        #expect(t.changes(e)["unstaged"] == 1, "\(e ?? [:])")
        e = try await step("retargeted back") { try link(repo + "/link", to: "a.txt") }
        #expect(e?["clean"] as? Bool == false && t.changes(e)["unstaged"] == 0)
        // A dangling link retargeted to another missing file (stat sees nothing either time).
        e = try await step("a dangling link retargeted") { try link(repo + "/dangling", to: "gone2") }
        #expect(t.changes(e)["unstaged"] == 1, "\(e ?? [:])")
        e = try await step("a dangling link made a file") {
            try FileManager.default.removeItem(atPath: repo + "/dangling")
            try "gone1".write(toFile: repo + "/dangling", atomically: false, encoding: .utf8)
        }
        #expect(t.changes(e)["unstaged"] == 1, "\(e ?? [:])")
        // What the link points to changed: git reads the link, not its target.
        e = try await step("the target's contents changed") { try env.write("AAAA\n", to: "ws/tool/a.txt") }
        #expect(t.changes(e)["unstaged"] == 2, "\(e ?? [:])")
        // A tracked file replaced by a link to a copy of itself (same size, same mtime).
        e = try await step("a file replaced by a link to its copy") {
            try FileManager.default.moveItem(atPath: repo + "/b.txt", toPath: env.root + "/outside/b.txt")
            try link(repo + "/b.txt", to: env.root + "/outside/b.txt")
        }
        #expect(t.changes(e)["unstaged"] == 3, "\(e ?? [:])")
        // A linked directory in the work tree: a file added in what it points to (git does not look).
        e = try await step("a file added through a linked directory") { try env.write("y\n", to: "outside/dir/y.txt") }
        #expect(t.changes(e)["untracked"] == 1)
        e = try await step("a linked directory replaced by a directory") {
            try FileManager.default.removeItem(atPath: repo + "/linkdir")
            try env.write("z\n", to: "ws/tool/linkdir/z.txt")
        }
        #expect(t.changes(e)["untracked"] == 1)
        e = try await step("a directory replaced by a link to one") {
            try FileManager.default.removeItem(atPath: repo + "/linkdir")
            try link(repo + "/linkdir", to: env.root + "/outside/dir")
        }
        #expect(t.changes(e)["untracked"] == 1)
    }

    @Test func linkedWorkspacesAndMembersAndExcludesFiles() async throws {
        let env = try TestEnvironment("ws-leads-linked-ws")
        // Two workspaces with a member at the same relative path, one clean, one dirty.
        _ = try t.member(env, "tool")
        try FileManager.default.moveItem(atPath: env.root + "/ws", toPath: env.root + "/ws-one")
        _ = try t.member(env, "tool")
        try FileManager.default.moveItem(atPath: env.root + "/ws", toPath: env.root + "/ws-two")
        try env.write("dirty\n", to: "ws-two/tool/new.txt")
        let wsLink = env.root + "/ws-link"
        try link(wsLink, to: env.root + "/ws-one")
        var s = try await agree("a linked workspace", { t.later(env, env.root) }, path: wsLink)
        #expect(s["tool"]?["clean"] as? Bool == true && (s["tool"]?["path"] as? String)?.hasSuffix("/ws-one/tool") == true, "\(s)")
        try link(wsLink, to: env.root + "/ws-two")
        s = try await agree("the linked workspace retargeted", { t.later(env, env.root) }, path: wsLink)
        #expect(t.changes(s["tool"])["untracked"] == 1, "\(s)")

        // A member that is a link to a repository: links are not followed, so it is no member.
        try link(env.root + "/ws-one/linked", to: env.root + "/ws-two/tool")
        s = try await agree("a link to a repository in the workspace", { t.later(env, env.root) }, path: env.root + "/ws-one")
        #expect(s["linked"] == nil && s["tool"] != nil, "\(s)")

        // The global core.excludesFile, a link retargeted between runs (the link's own time restored).
        try env.write("new.txt\n", to: "ignore-a")
        try env.write("old.txt\n", to: "ignore-b")
        let excludes = env.root + "/excludes-link"
        try link(excludes, to: env.root + "/ignore-a")
        try env.gitOK("config", "--global", "core.excludesFile", excludes, in: env.root)
        let ws = env.root + "/ws-two"
        let repo = ws + "/tool"
        s = try await agree("core.excludesFile a link") { t.later(env, ws) }
        #expect(t.changes(s["tool"])["untracked"] == 0 && t.cached(env, repo), "\(s)")
        try t.waitForTheNextTick(env, after: repo)
        let linkTime = mtime(excludes)
        try link(excludes, to: env.root + "/ignore-b")
        restoreTime(excludes, from: linkTime)
        s = try await agree("core.excludesFile's link retargeted") { t.later(env, ws) }
        #expect(t.changes(s["tool"])["untracked"] == 1, "\(s)")
        // (The default excludes file, $XDG_CONFIG_HOME/git/ignore, is not tried here: in-process,
        // libgit2 looks for it by this process's environment, not the test's.)
    }

    // MARK: 4. Included config, the environment, the racy window

    @Test func includedConfigIsNeverCached() async throws {
        let env = try TestEnvironment("ws-leads-include")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        let plain = try t.member(env, "plain")
        try env.write("[remote \"github\"]\n\turl = git@github.com:alice/tool.git\n", to: "good.gitconfig")
        try env.write("[remote \"github\"]\n\turl = git@github.com:mallo/tool.git\n", to: "evil.gitconfig")
        let included = env.root + "/included-link"
        try link(included, to: env.root + "/good.gitconfig")
        try env.gitOK("config", "include.path", included, in: repo)
        var s = try await agree("include.path a link") { t.later(env, ws) }
        #expect(!t.cached(env, repo) && t.cached(env, plain))
        let linkTime = mtime(included)
        try link(included, to: env.root + "/evil.gitconfig")
        restoreTime(included, from: linkTime)
        s = try await agree("the included link retargeted") { t.later(env, ws) }
        #expect((s["tool"]?["forges"] as? [[String: Any]])?.first?["states"] as? [String] == ["wrong-url"], "\(s["tool"] ?? [:])")
        // includeIf, in the repository's config and in the global one.
        try env.gitOK("config", "--unset", "include.path", in: repo)
        try env.gitOK("config", "includeIf.onbranch:topic.path", env.root + "/evil.gitconfig", in: repo)
        s = try await agree("includeIf onbranch (not taken)") { t.later(env, ws) }
        #expect(!t.cached(env, repo) && ahead(s["tool"]) == [0, 0])
        try env.gitOK("switch", "-q", "-c", "topic", in: repo)
        s = try await agree("includeIf onbranch (taken)") { t.later(env, ws) }
        #expect(!t.cached(env, repo))
        try t.waitForTheNextTick(env, after: plain)
        try env.gitOK("config", "--global", "includeIf.gitdir:\(ws)/plain/.path", env.root + "/evil.gitconfig", in: env.root)
        #expect(!t.cached(env, plain), "the global config changed")
        s = try await agree("a global includeIf gitdir") { t.later(env, ws) }
        #expect(!t.cached(env, plain) && s["plain"] != nil)
    }

    @Test func gitDirAndWorkTreeInTheEnvironment() async throws {
        let env = try TestEnvironment("ws-leads-gitdir-env")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        let other = try t.member(env, "other")
        try env.write("dirty\n", to: "ws/other/new.txt")
        try env.gitOK("switch", "-q", "-c", "trunk", in: other)
        let plain = try await agree("before") { t.later(env, ws) }
        #expect(t.cached(env, repo) && t.cached(env, other))
        // A variable naming one repository (a hook's GIT_DIR) never makes every member read as that one.
        for variables in [["GIT_DIR": other + "/.git"], ["GIT_DIR": other + "/.git", "GIT_WORK_TREE": other], ["GIT_WORK_TREE": other],
                          ["GIT_INDEX_FILE": other + "/.git/index"], ["GIT_OBJECT_DIRECTORY": other + "/.git/objects"]] {
            let s = try await agree("\(variables) set") {
                var c = t.later(env, ws)
                for (k, v) in variables { c.environment[k] = v }
                return c
            }
            #expect(NSDictionary(dictionary: s) == NSDictionary(dictionary: plain), "\(variables): \(s)\nwithout them: \(plain)")
        }
        for variables in [["GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "remote.github.url", "GIT_CONFIG_VALUE_0": "git@github.com:mallory/tool.git"],
                          ["GIT_CONFIG_PARAMETERS": "'remote.github.url'='git@github.com:mallory/tool.git'"]] {
            _ = try await agree("\(variables) set") {
                var c = t.later(env, ws)
                for (k, v) in variables { c.environment[k] = v }
                return c
            }
        }
        // Nothing was written under them: the lines of before answer again.
        #expect(t.cached(env, repo) && t.cached(env, other))
        let s = try await agree("unset again") { t.later(env, ws) }
        #expect(s["tool"]?["branch"] as? String == "main" && s["other"]?["branch"] as? String == "trunk", "\(s)")
    }

    @Test func aChangeWithinTheRacyWindowOfTheClock() async throws {
        let env = try TestEnvironment("ws-leads-racy")
        let ws = env.root + "/ws"
        let repo = try t.member(env, "tool")
        _ = try await agree("before") { t.later(env, ws) }
        #expect(t.cached(env, repo))

        // Changed, then read by a run whose clock is within 3 s of the change.
        try env.gitOK("add", "README", in: repo)
        try t.rewriteInPlace(repo + "/README", "HELLO\n")
        var st = stat()
        #expect(stat(repo + "/README", &st) == 0)
        let changed = Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
        func at(_ offset: Double) -> () -> Context {
            { var c = env.context(in: ws); c.now = { Date(timeIntervalSince1970: changed + offset) }; return c }
        }
        var s = try await agree("a change 2.9 s before the clock") { at(2.9)() }
        #expect(t.changes(s["tool"])["unstaged"] == 1)
        #expect(!t.cached(env, repo), "a line with an input 2.9 s old is not kept")
        // A second change in the same tick (same size, same mtime): still seen.
        try t.rewriteInPlace(repo + "/README", "HeLLO\n")
        s = try await agree("a second change within the window") { at(0.5)() }
        #expect(t.changes(s["tool"])["unstaged"] == 1 && !t.cached(env, repo))
        // Back as it was in the index, in place: clean, and still not kept inside the window.
        try t.rewriteInPlace(repo + "/README", "hello\n")
        s = try await agree("undone within the window") { at(1)() }
        #expect(!t.cached(env, repo))
        // Outside the window (by the clock), the line is kept again.
        try t.rewriteInPlace(repo + "/README", "HELLO\n")
        #expect(stat(repo + "/README", &st) == 0)
        let last = Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
        s = try await agree("3.1 s after the change") { var c = env.context(in: ws); c.now = { Date(timeIntervalSince1970: last + 3.1) }; return c }
        #expect(t.changes(s["tool"])["unstaged"] == 1 && t.cached(env, repo))
    }
}
