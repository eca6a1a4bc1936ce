import Foundation
import HyperforgeCore
@testable import HyperforgeHforge
import Testing

/// `git hforge workspace status` answers a repository from its cached line
/// while none of its inputs change, and never hides a change.
@Suite struct WorkspaceStatusCacheTests {
    /// A context whose clock is an hour ahead, so that files the test just
    /// wrote are outside the racy window and lines get cached.
    func later(_ env: TestEnvironment, _ dir: String) -> Context { StatusCacheTests().later(env, dir) }

    /// The workspace's status (in-process, --json; of `path`, else the
    /// context's directory), each repository's entry by relative path.
    func status(_ context: Context, path: String? = nil, noCache: Bool = false) async throws -> [String: [String: Any]] {
        var options = Hforge.WorkspaceStatusOptions()
        options.workspace.json = true
        options.workspace.path = path
        options.noCache = noCache
        _ = try await Hforge.workspaceStatus(options, context: context)
        let doc = try #require(JSONSerialization.jsonObject(with: Data(context.output.stdout.text.utf8)) as? [String: Any])
        var byPath: [String: [String: Any]] = [:]
        for e in doc["repositories"] as? [[String: Any]] ?? [] { byPath[e["relative_path"] as! String] = e }
        return byPath
    }

    func changes(_ e: [String: Any]?) -> [String: Int] { e?["changes"] as? [String: Int] ?? [:] }

    /// A configured repository at ws/NAME with remotes for github and
    /// codeberg, both fetched at HEAD; its work tree clean.
    func member(_ env: TestEnvironment, _ name: String) throws -> String {
        let repo = try env.makeRepository("ws/" + name)
        try env.write("forges = [\"github\", \"codeberg\"]\norg = \"alice\"\n", to: "ws/\(name)/.hyperforge/config.toml")
        try env.write("notes\n", to: "ws/\(name)/docs/notes.txt")
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", "config", in: repo)
        try env.gitOK("remote", "add", "github", "git@github.com:alice/\(name).git", in: repo)
        try env.gitOK("remote", "add", "codeberg", "git@codeberg.org:alice/\(name).git", in: repo)
        try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD", in: repo)
        try env.gitOK("update-ref", "refs/remotes/codeberg/main", "HEAD", in: repo)
        return repo
    }

    func cache(_ env: TestEnvironment, _ repo: String) -> WorkspaceStatusCache {
        let c = later(env, repo)
        return WorkspaceStatusCache(context: c, key: StatusCache.key(c))
    }

    /// Whether the repository's line is cached and usable now.
    func cached(_ env: TestEnvironment, _ repo: String) -> Bool { cache(env, repo).lookup(workTree: repo) != nil }

    /// Waits until the file system's clock has moved past the repository's
    /// cached line (written after every fingerprint it holds was taken),
    /// so that a change made now gets a later timestamp than any recorded
    /// one: the pinned clock of `later` has switched the racy rule off.
    func waitForTheNextTick(_ env: TestEnvironment, after repo: String) throws {
        let file = cache(env, repo).path(workTree: repo)
        let written = try #require(try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date)
        let probe = env.root + "/tick-probe"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            try "x".write(toFile: probe, atomically: false, encoding: .utf8)
            if let now = try FileManager.default.attributesOfItem(atPath: probe)[.modificationDate] as? Date, now > written { return }
            usleep(1000)
        }
        Issue.record("the file system's clock did not move past \(written) within 60 s")
    }

    /// Rewrites `path` in place with `text` (of the same size as before) and
    /// gives it back its old modification time: only its ctime tells.
    func rewriteInPlace(_ path: String, _ text: String) throws {
        let before = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: before], ofItemAtPath: path)
    }

    @Test func aWarmRunIsAnsweredFromTheCacheAndSeesEveryChange() async throws {
        let env = try TestEnvironment("ws-cache")
        let ws = env.root + "/ws"
        let repo = try member(env, "tool")
        var s = try await status(later(env, ws))
        #expect(s["tool"]?["clean"] as? Bool == true, "\(s)")
        #expect(cached(env, repo), "a settled repository's line is kept")
        // Answered from the cache: a line changed in it (still ours, 0600) is what the next run says.
        let file = cache(env, repo).path(workTree: repo)
        let kept = try String(contentsOfFile: file, encoding: .utf8)
        try kept.replacingOccurrences(of: "\"changes\":[0,0,0,0]", with: "\"changes\":[0,0,7,0]").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(changes(try await status(later(env, ws))["tool"])["untracked"] == 7, "the warm run read the cached line")
        // --no-cache reads the repository afresh (and keeps what it read).
        #expect(changes(try await status(later(env, ws), noCache: true)["tool"])["untracked"] == 0)
        #expect(changes(try await status(later(env, ws))["tool"])["untracked"] == 0)

        /// Makes a change after the cached line, checks that the cache no
        /// longer answers, runs status and checks it again.
        func after(_ what: String, _ change: () throws -> Void, _ check: ([String: Any]?) -> Bool) async throws {
            try waitForTheNextTick(env, after: repo)
            try change()
            #expect(!cached(env, repo), "\(what): the cached line is not used")
            let e = try await status(later(env, ws))["tool"]
            #expect(check(e), "\(what): \(e ?? [:])")
            #expect(cached(env, repo), "\(what): the new line is kept")
        }
        try await after("a tracked file edited in place, same size, same mtime", { try rewriteInPlace(repo + "/README", "HELLO\n") }) {
            changes($0) == ["staged": 0, "unstaged": 1, "untracked": 0, "conflicted": 0]
        }
        try await after("a new untracked file", { try env.write("x\n", to: "ws/tool/new.txt") }) { changes($0)["untracked"] == 1 }
        try await after("a new file in a new directory", { try env.write("y\n", to: "ws/tool/deep/er/file.txt") }) { changes($0)["untracked"] == 2 }
        try await after("a new file in a tracked directory", { try env.write("z\n", to: "ws/tool/docs/more.txt") }) { changes($0)["untracked"] == 3 }
        try await after("a file deleted", { try FileManager.default.removeItem(atPath: repo + "/docs/notes.txt") }) { changes($0)["unstaged"] == 2 }
        try await after("a .gitignore", { try env.write("new.txt\ndeep/\n", to: "ws/tool/.gitignore") }) { changes($0)["untracked"] == 2 }
        try await after("info/exclude", { try env.write("docs/more.txt\n.gitignore\n", to: "ws/tool/.git/info/exclude") }) { changes($0)["untracked"] == 0 }
        try await after("a staged change", { try env.gitOK("add", "README", in: repo) }) { changes($0)["staged"] == 1 && changes($0)["unstaged"] == 1 }
        try await after("a commit", { try env.gitOK("commit", "-q", "-a", "-m", "two", in: repo) }) { e in
            let forges = e?["forges"] as? [[String: Any]] ?? []
            return e?["clean"] as? Bool == true && forges.map { $0["ahead"] as? Int } == [1, 1]
        }
        try await after("a fetch moving a tracking ref", { try env.gitOK("update-ref", "refs/remotes/github/main", "HEAD", in: repo) }) { e in
            (e?["forges"] as? [[String: Any]] ?? []).map { $0["ahead"] as? Int } == [0, 1]
        }
        try await after("the refs packed", { try env.gitOK("pack-refs", "--all", in: repo) }) { e in
            (e?["forges"] as? [[String: Any]] ?? []).map { $0["ahead"] as? Int } == [0, 1]
        }
        try await after("a branch switch", { try env.gitOK("switch", "-q", "-c", "topic", in: repo) }) { e in
            e?["branch"] as? String == "topic" && (e?["forges"] as? [[String: Any]] ?? []).allSatisfy { $0["ahead_behind"] as? String == "not-fetched" }
        }
        try await after("git's config", { try env.gitOK("remote", "set-url", "github", "git@github.com:mallory/tool.git", in: repo) }) { e in
            (e?["forges"] as? [[String: Any]])?.first?["states"] as? [String] == ["wrong-url"]
        }
        try await after("the hyperforge config", { try env.write("forges = [\"codeberg\"]\norg = \"alice\"\n", to: "ws/tool/.hyperforge/config.toml") }) { e in
            (e?["forges"] as? [[String: Any]])?.map { $0["forge"] as? String } == ["codeberg"] && e?["in_sync"] as? Bool == false
        }
        try await after("a defaults.toml above it", { try env.write("visibility = \"public\"\norg = \"bob\"\n", to: "ws/.hyperforge/defaults.toml") }) { e in
            // The repository's own org wins; the line was read again all the same.
            (e?["forges"] as? [[String: Any]])?.first?["wanted_url"] as? String == "git@codeberg.org:alice/tool.git"
        }
        try await after("the global git config", { try env.gitOK("config", "--global", "remote.extra.url", "git@example.com:x/y.git", in: repo) }) { e in
            (e?["extra_remotes"] as? [[String: Any]])?.map { $0["remote"] as? String }.contains("extra") == true
        }
        s = try await status(later(env, ws))
        #expect(s["tool"]?["branch"] as? String == "topic")
    }

    @Test func aFileChangedWithinTheRacyWindowIsNotAnsweredFromTheCache() async throws {
        let env = try TestEnvironment("ws-cache-racy")
        let ws = env.root + "/ws"
        let repo = try member(env, "tool")
        // A tracked file as new as the run (an mtime ahead of the clock, so
        // that however long the machine takes to start the run, it is inside
        // the window): the line is not kept.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: repo + "/README")
        #expect(changes(try await status(env.context(in: ws))["tool"])["unstaged"] == 0)
        #expect(!cached(env, repo), "a line with an input younger than the racy window is not kept")
        // Staged, then rewritten in place: same size, same mtime as the index says (git's racily clean entry).
        try env.gitOK("add", "README", in: repo)
        try rewriteInPlace(repo + "/README", "HELLO\n")
        #expect(changes(try await status(env.context(in: ws))["tool"])["unstaged"] == 1)
        #expect(changes(try await status(env.context(in: ws))["tool"])["unstaged"] == 1)

        // The rule itself: an input changed within the window of the moment
        // fingerprints began is not settled; one older is.
        let now = Date().timeIntervalSince1970
        let fresh = InputFingerprint(path: "/x", exists: true, mtime: Int64((now - 1) * 1e9), ctime: Int64((now - 10) * 1e9))
        let old = InputFingerprint(path: "/x", exists: true, mtime: Int64((now - 10) * 1e9), ctime: Int64((now - 10) * 1e9))
        #expect(!InputRecorder.settled([old, fresh], now: now))
        #expect(InputRecorder.settled([old], now: now))
    }

    @Test func theCacheIsPrivateAndAnythingElseInItsPlaceIsNotUsed() async throws {
        let env = try TestEnvironment("ws-cache-trust")
        let ws = env.root + "/ws"
        let repo = try member(env, "tool")
        try env.gitOK("remote", "add", "mirror", "https://alice:s3cr3t@example.com/tool.git", in: repo)
        _ = try await status(later(env, ws))
        let file = cache(env, repo).path(workTree: repo)
        let dir = WorkspaceStatusCache.directory(env.context(in: ws).paths)
        #expect(file.hasPrefix(dir + "/") && !file.contains("tool"), "named by a hash, in the user's state directory: \(file)")
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int) & 0o777 }
        #expect(try mode(file) == 0o600)
        #expect(try mode(dir) == 0o700 && mode(FilePaths.parent(file)!) == 0o700)
        #expect(cached(env, repo))
        let kept = try String(contentsOfFile: file, encoding: .utf8)
        #expect(kept.contains("example.com/tool.git") && !kept.contains("s3cr3t"), "a credential in a remote's URL is not kept")
        // A line saying otherwise, readable by others: not used.
        let forged = kept.replacingOccurrences(of: "\"changes\":[0,0,0,0]", with: "\"changes\":[0,0,7,0]")
        try forged.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        #expect(!cached(env, repo))
        #expect(changes(try await status(later(env, ws))["tool"])["untracked"] == 0)
        // A symbolic link to such a line (0600, ours): not followed.
        try forged.write(toFile: env.root + "/forged", atomically: true, encoding: .utf8)
        chmod(env.root + "/forged", 0o600)
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: env.root + "/forged")
        #expect(!cached(env, repo))
        #expect(changes(try await status(later(env, ws))["tool"])["untracked"] == 0)
        // A line for another work tree (a hash that collided) is not this one's.
        try forged.replacingOccurrences(of: "\"work_tree\":\"\(repo)\"", with: "\"work_tree\":\"\(repo)2\"").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(!cached(env, repo))
        // A cache directory others may write is not used at all.
        chmod(dir, 0o777)
        #expect(!cached(env, repo))
        #expect(changes(try await status(later(env, ws))["tool"])["untracked"] == 0)
        chmod(dir, 0o700)
    }

    @Test func whatFingerprintsCannotSeeIsNeverCached() async throws {
        let env = try TestEnvironment("ws-cache-never")
        let ws = env.root + "/ws"
        // A submodule: its own work tree decides whether it is modified.
        let outer = try member(env, "outer")
        let lib = try env.makeRepository("sources/lib")
        try env.gitOK("-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "lib", in: outer)
        try env.gitOK("commit", "-q", "-m", "lib", in: outer)
        // Included git config.
        let included = try member(env, "included")
        try env.write("[core]\n\tautocrlf = false\n", to: "included.gitconfig")
        try env.gitOK("config", "include.path", env.root + "/included.gitconfig", in: included)
        // No config of its own (--all-repos, under a defaults.toml).
        try env.write("forges = [\"github\"]\norg = \"alice\"\n", to: "ws/.hyperforge/defaults.toml")
        let plain = try env.makeRepository("ws/plain")

        var c = later(env, ws)
        var options = Hforge.WorkspaceStatusOptions()
        options.workspace.allRepos = true
        _ = try await Hforge.workspaceStatus(options, context: c)
        #expect(!cached(env, outer) && !cached(env, included) && !cached(env, plain))
        // The submodule's work tree changes: the outer repository shows it.
        try env.write("changed\n", to: "ws/outer/lib/README")
        c = later(env, ws)
        options.workspace.json = true
        _ = try await Hforge.workspaceStatus(options, context: c)
        let doc = try #require(JSONSerialization.jsonObject(with: Data(c.output.stdout.text.utf8)) as? [String: Any])
        let entry = (doc["repositories"] as? [[String: Any]])?.first { $0["relative_path"] as? String == "outer" }
        #expect(changes(entry)["unstaged"] == 1, "\(entry ?? [:])")
    }
}
