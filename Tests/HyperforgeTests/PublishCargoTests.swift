import Foundation
import Testing

/// `git hforge publish` of a Cargo crate, end to end: the real cargo builds,
/// tests and publishes to the stand-in registry (sparse index and publish
/// endpoint, token auth), the real git commits and tags, and pushes go to
/// the two sshd forges, each with its own key.
@Suite(.enabled(if: SSHServer.isAvailable && CargoRegistryStandIn.available, "needs sshd, python3 and cargo"))
struct PublishCargoTests {
    static let token = "cargo-token-7f3a"

    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let registry: CargoRegistryStandIn
        let repo: String
        let bareA: String
        let bareB: String
    }

    /// A crate `tool` 0.1.0 in a repository initialised for both forges, the
    /// registry declared in the test's cargo config, the account in auth.toml
    /// and the token in its scope. `publishTable`: a [publish] table for config.toml.
    func world(_ name: String, publishTable: String? = nil, token: String = PublishCargoTests.token, gitignore: String = "/target\nCargo.lock\n",
               libSource: String = "pub fn answer() -> u32 { 42 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() { assert_eq!(super::answer(), 42); }\n}\n") throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let registry = try CargoRegistryStandIn(in: env, tokens: [PublishCargoTests.token])
        try registry.configure(env)
        let published = try PublishRepository("tool", env: env, server: server)
        let repo = published.repo
        try env.write("""
        # The crate under release.
        [package]
        name    =  "tool"   # spaced out on purpose
        version = "0.1.0"
        edition = "2021"
        publish = ["local"]
        description = "a tool"
        license = "MIT"

        [dependencies]

        """, to: "projects/tool/Cargo.toml")
        try env.write(libSource, to: "projects/tool/src/lib.rs")
        try env.write(gitignore, to: "projects/tool/.gitignore")
        if let publishTable { try published.addPublishTable(publishTable) }
        try published.commit("the crate", storing: token, in: "cargo/alice/tool/token", env: env)
        return World(env: env, server: server, registry: registry, repo: repo, bareA: published.bareA, bareB: published.bareB)
    }

    func tracked(_ w: World) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in ["Cargo.toml", "src/lib.rs", ".gitignore", ".hyperforge/config.toml"] {
            files[name] = FileManager.default.contents(atPath: w.repo + "/" + name)
        }
        return files
    }

    @Test func releasesEndToEnd() throws {
        let w = try world("publish-e2e")
        let before = try String(contentsOfFile: w.repo + "/Cargo.toml", encoding: .utf8)
        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--json", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(w.registry.versions(of: "tool") == ["0.1.1"])
        #expect(w.registry.publishes.count == 1 && w.registry.publishes.allSatisfy(\.authorized))
        // Only the version's bytes changed.
        let after = try String(contentsOfFile: w.repo + "/Cargo.toml", encoding: .utf8)
        #expect(after == before.replacingOccurrences(of: "version = \"0.1.0\"", with: "version = \"0.1.1\""))
        // The commit, its parent, the annotated tag; pushed to both forges.
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.env.gitOK("rev-parse", "HEAD^", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines) == start)
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: w.repo) == "release: tool 0.1.1\n")
        #expect(try w.env.gitOK("cat-file", "-t", "v0.1.1", in: w.repo) == "tag\n")
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
        for bare in [w.bareA, w.bareB] {
            #expect(try w.env.gitOK("rev-parse", "refs/heads/main", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
            #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
        }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["version"] as? String == "0.1.1")
        #expect(json?["pushed"] as? [String] == ["forgea", "forgeb"])
        #expect(!FileManager.default.fileExists(atPath: w.repo + "/.git/hforge/publish.json"))
        // The token never shows.
        #expect(!r.stdout.contains(PublishCargoTests.token) && !r.stderr.contains(PublishCargoTests.token))
        // The same version again: refused before anything changes (it is on the registry, its tag exists).
        let again = try w.env.git("hforge", "publish", "--version", "0.1.1", in: w.repo)
        #expect(again.code == 2 && again.stderr.contains("not greater"), "\(again)")
    }

    /// The Cargo.lock cargo build makes where there was none goes into the
    /// release commit when the repository does not ignore it: nothing is left
    /// untracked for the next release to refuse.
    @Test func aLockFileTheBuildMadeGoesIntoTheReleaseCommit() throws {
        let w = try world("publish-lock", gitignore: "/target\n")
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--no-push", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(try w.env.gitOK("show", "--name-only", "--format=", "HEAD", in: w.repo) == "Cargo.lock\nCargo.toml\n")
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
        #expect(try String(contentsOfFile: w.repo + "/Cargo.lock", encoding: .utf8).contains("name = \"tool\"\nversion = \"0.1.1\""))
    }

    @Test func aFailingTestRollsTheBumpBackByteForByte() throws {
        // The real cargo test, with a test that fails; cargo build writes a Cargo.lock, which goes too.
        let w = try world("publish-test-fails", libSource: "pub fn answer() -> u32 { 41 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() { assert_eq!(super::answer(), 42, \"wrong answer\"); }\n}\n")
        let before = try TestEnvironment.snapshot(w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "minor", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("test failed with exit status 101: cargo test\n"), "\(r)")
        #expect(r.stderr.contains("wrong answer"), "the failing command's last lines are shown: \(r)")
        #expect(r.stderr.contains("rolled back: Cargo.toml"), "\(r)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(w.registry.publishes.isEmpty)
    }

    @Test func aFailingBuildRollsTheBumpBackByteForByte() throws {
        let w = try world("publish-build-fails", publishTable: "build = [\"sh\", \"-c\", \"echo compiling; echo 'error: it broke' >&2; exit 3\"]")
        let before = try TestEnvironment.snapshot(w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("failed with exit status 3: ") && r.stderr.contains("error: it broke"), "\(r)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(w.registry.requests.allSatisfy { $0.method == "GET" })
    }

    @Test func refusedBeforeAnythingChanges() throws {
        let w = try world("publish-refused", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        func expectRefused(_ args: [String], _ words: String, code: Int32 = 2, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let before = try TestEnvironment.snapshot(w.repo)
            let r = try w.env.run("git", ["hforge", "publish"] + args, in: w.repo)
            #expect(r.code == code && r.stderr.contains(words), "\(r)", sourceLocation: sourceLocation)
            #expect(try TestEnvironment.snapshot(w.repo) == before, sourceLocation: sourceLocation)
        }
        try expectRefused(["--version", "0.0.9"], "is not greater than the current 0.1.0 (Cargo.toml:4)")
        try expectRefused(["--version", "1.0"], "is not a SemVer version", code: 64)
        try expectRefused([], "needs --bump", code: 64)
        try expectRefused(["--bump", "patch", "--registry", "elsewhere"], "registry 'elsewhere' (--registry) is declared in neither", code: 3)
        try expectRefused(["--resume"], "no release is in progress")
        // The tag exists already.
        try w.env.gitOK("tag", "v0.1.1", in: w.repo)
        try expectRefused(["--bump", "patch"], "tag v0.1.1 already exists")
        try w.env.gitOK("tag", "-d", "v0.1.1", in: w.repo)
        // Behind a forge's last-fetched branch.
        try w.env.gitOK("commit", "-q", "--allow-empty", "-m", "on the forge", in: w.repo)
        try w.env.gitOK("update-ref", "refs/remotes/forgea/main", "HEAD", in: w.repo)
        try w.env.gitOK("reset", "-q", "--hard", "HEAD^", in: w.repo)
        let behind = try w.env.run("git", ["hforge", "publish", "--bump", "patch"], in: w.repo)
        #expect(behind.code == 2 && behind.stderr.contains("main is 1 commit behind forgea/main"), "\(behind)")
        try w.env.gitOK("reset", "-q", "--hard", "refs/remotes/forgea/main", in: w.repo)
        // A dirty tree.
        try w.env.write("pub fn more() {}\n", to: "projects/tool/src/more.rs")
        let dirty = try w.env.run("git", ["hforge", "publish", "--bump", "patch"], in: w.repo)
        #expect(dirty.code == 2 && dirty.stderr.contains("uncommitted changes (1 untracked)"), "\(dirty)")
        #expect(w.registry.requests.allSatisfy { $0.method == "GET" })
    }

    @Test func aDryRunChangesNothingAndSendsNothingMutating() throws {
        let w = try world("publish-dry")
        let before = try TestEnvironment.snapshot(w.repo)
        let bareBefore = try TestEnvironment.snapshot(w.bareA)
        let r = try w.env.git("hforge", "publish", "--bump", "major", "--dry-run", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("0.1.0 -> 1.0.0"))
        #expect(r.stdout.contains("cargo publish --allow-dirty --no-verify --registry local"))
        #expect(r.stdout.contains("git push --porcelain forgea") && r.stdout.contains("forgeb"))
        #expect(r.stdout.contains("cargo/alice/tool/token: in provider"), "\(r)")
        #expect(r.stdout.contains("has no tool 1.0.0"), "the index was read: \(r)")
        let json = try w.env.git("hforge", "publish", "--bump", "major", "--dry-run", "--json", in: w.repo)
        #expect(json.code == 0, "\(json)")
        let plan = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((plan?["steps"] as? [Any])?.count == 7)
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(try TestEnvironment.snapshot(w.bareA) == bareBefore)
        #expect(!w.registry.requests.isEmpty && w.registry.requests.allSatisfy { $0.method == "GET" })
        #expect(!FileManager.default.fileExists(atPath: w.env.root + "/target"), "nothing was built")
    }

    @Test func aRegistryRejectingTheTokenPublishesNothingAndRollsBack() throws {
        let w = try world("publish-bad-token", publishTable: "build = [\"true\"]\ntest = [\"true\"]", token: "not-the-token")
        let before = try TestEnvironment.snapshot(w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("publish failed") && r.stderr.contains("not valid"), "cargo's report of the 403 is shown: \(r)")
        #expect(!r.stdout.contains("not-the-token") && !r.stderr.contains("not-the-token"))
        #expect(w.registry.publishes.isEmpty)
        #expect(w.registry.requests.contains { $0.method == "PUT" && $0.status == 403 })
        #expect(try TestEnvironment.snapshot(w.repo) == before)
    }

    @Test func aPushRejectedAfterPublishingIsResumed() throws {
        let w = try world("publish-push", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        try PublishFaults.pushRejectedThenResumed(w.env, repo: w.repo, bareA: w.bareA, bareB: w.bareB, tag: "v0.1.1", subject: "release: tool 0.1.1") {
            #expect(w.registry.versions(of: "tool") == ["0.1.1"])
        }
        #expect(w.registry.publishes.count == 1)
    }

    /// Killed (-9) at each step, just after it ran and before the journal
    /// says so, then resumed: one published version, the right commit and tag.
    @Test(arguments: PublishFaults.killPoints)
    func killedAtEachStepThenResumed(point: String) throws {
        let w = try world("publish-kill", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        try PublishFaults.killThenResume(w.env, repo: w.repo, bare: w.bareB, at: point, tag: "v0.1.1", commits: 1, subject: "release: tool 0.1.1")
        #expect(w.registry.versions(of: "tool") == ["0.1.1"], "\(point)")
        #expect(w.registry.publishes.count == 1, "\(point): published once")
    }

    @Test func abortAfterPublishingSaysWhatStays() throws {
        let w = try world("publish-abort-late", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        let paused = try FaultTests.startPaused(w.env, ["git-hforge", "publish", "--bump", "patch"], in: w.repo, at: "publish.ran:publish")
        _ = paused.stop(with: SIGKILL)
        let r = try w.env.git("hforge", "publish", "--abort", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("Not rolled back: tool 0.1.1 stays published on local"), "\(r)")
        #expect(w.registry.versions(of: "tool") == ["0.1.1"])
        #expect(!FileManager.default.fileExists(atPath: w.repo + "/.git/hforge/publish.json"))
    }

    /// A committed [publish] names a registry; it cannot give one's URL, nor use one your files do not declare.
    @Test func aCommittedConfigCannotChooseWhereTheTokenGoes() throws {
        let w = try world("publish-trust", publishTable: "registry = \"https://evil.example/index\"")
        let url = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(url.code == 3 && url.stderr.contains("publish.registry must be a registry's name"), "\(url)")
        let config = try String(contentsOfFile: w.repo + "/.hyperforge/config.toml", encoding: .utf8)
        try config.replacingOccurrences(of: "registry = \"https://evil.example/index\"", with: "registry = \"evil\"")
            .write(toFile: w.repo + "/.hyperforge/config.toml", atomically: true, encoding: .utf8)
        try w.env.gitOK("commit", "-q", "-am", "another registry", in: w.repo)
        let named = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(named.code == 3 && named.stderr.contains("registry 'evil' (publish.registry at"), "\(named)")
        #expect(w.registry.requests.isEmpty)
    }

    @Test func abortBeforePublishingRollsBack() throws {
        let w = try world("publish-abort", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        let before = try TestEnvironment.snapshot(w.repo)
        let paused = try FaultTests.startPaused(w.env, ["git-hforge", "publish", "--bump", "patch"], in: w.repo, at: "publish.ran:test")
        _ = paused.stop(with: SIGKILL)
        let r = try w.env.git("hforge", "publish", "--abort", in: w.repo)
        #expect(r.code == 0 && r.stdout.contains("nothing was published"), "\(r)")
        var now = try TestEnvironment.snapshot(w.repo)
        // What the killed run's atomic writes leave behind is swept by the next write; the journal's directory stays.
        now = now.filter { !$0.key.hasPrefix(".git/hforge") }
        #expect(now == before.filter { !$0.key.hasPrefix(".git/hforge") })
        #expect(w.registry.publishes.isEmpty)
    }
}
