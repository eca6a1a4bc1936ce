import Foundation
import Testing

/// `git hforge publish` of a Python project (pyproject.toml, static PEP 621
/// version), end to end: the real `python -m build` (offline, with the
/// installed setuptools: --no-isolation), the real pytest, the real twine
/// uploading to the real pypiserver with htpasswd authentication, and
/// pushes to the two sshd forges.
@Suite(.enabled(if: SSHServer.isAvailable && PyPIServer.available, "needs sshd, and python3 with pypiserver, passlib, build, setuptools, wheel, twine, pytest"))
struct PublishPyPITests {
    static let token = "pypi-token-5c21"
    /// One build of a wheel only: the cases but the end-to-end one do not need an sdist too.
    static let wheelOnly = "build = [\"python3\", \"-m\", \"build\", \"--no-isolation\", \"--wheel\"]"

    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let pypi: PyPIServer
        let repo: String
        let bareA: String
        let bareB: String
    }

    func world(_ name: String, publishTable: String = PublishPyPITests.wheelOnly, token: String = PublishPyPITests.token, authenticate: String = "update,download,list",
               testSource: String = "from hftool import answer\n\ndef test_answer():\n    assert answer() == 42\n") throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let pypi = try PyPIServer(in: env, token: PublishPyPITests.token, authenticate: authenticate)
        env.environment["PYTHONDONTWRITEBYTECODE"] = "1"
        try env.write("[registries.pypi.local]\nuser = \"alice\"\nurl = \"\(pypi.url)\"\n", to: "home/.config/hyperforge/auth.toml")
        let published = try PublishRepository("hftool", env: env, server: server)
        try env.write("""
        # The project under release.
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "hftool"
        version   =   '0.1.0'   # literal string, spaced out on purpose
        description = "a tool"
        dependencies = []
        urls = { Home = "https://example.invalid/", version = "1.0" }

        [tool.setuptools]
        packages = ["hftool"]

        """, to: "projects/hftool/pyproject.toml")
        try env.write("def answer():\n    return 42\n", to: "projects/hftool/hftool/__init__.py")
        try env.write(testSource, to: "projects/hftool/tests/test_answer.py")
        try env.write("/dist/\n/build/\n*.egg-info/\n__pycache__/\n.pytest_cache/\n.benchmarks/\n", to: "projects/hftool/.gitignore")
        try published.addPublishTable("registry = \"local\"\n" + publishTable)
        try published.commit("the project", storing: token, in: "pypi/alice/hftool/token", env: env)
        return World(env: env, server: server, pypi: pypi, repo: published.repo, bareA: published.bareA, bareB: published.bareB)
    }

    /// The repository's files but what the build and pytest (and its plugins here: pytest-benchmark's .benchmarks/) write where the project's .gitignore ignores it.
    func files(_ w: World) throws -> [String: Data] {
        try TestEnvironment.snapshot(w.repo).filter { key, _ in
            !(key.hasPrefix("dist/") || key.hasPrefix("build/") || key.contains(".egg-info") || key.contains("__pycache__")
              || key.hasPrefix(".pytest_cache") || key.hasPrefix(".benchmarks") || key.hasPrefix(".git/hforge"))
        }
    }

    @Test func releasesEndToEnd() throws {
        // The default build (python -m build: sdist and wheel), offline; the default test (pytest, as tests/ exists).
        let w = try world("pypi-e2e", publishTable: "build = [\"python3\", \"-m\", \"build\", \"--no-isolation\"]")
        let before = try String(contentsOfFile: w.repo + "/pyproject.toml", encoding: .utf8)
        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try w.env.git("hforge", "publish", "--bump", "minor", "--json", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(w.pypi.files == ["hftool-0.2.0-py3-none-any.whl", "hftool-0.2.0.tar.gz"], "\(w.pypi.files)")
        #expect(w.pypi.uploads.count == 2)
        #expect(r.stderr.contains("passed") || r.stdout.contains("passed"), "pytest ran: \(r)")
        let after = try String(contentsOfFile: w.repo + "/pyproject.toml", encoding: .utf8)
        #expect(after == before.replacingOccurrences(of: "version   =   '0.1.0'", with: "version   =   '0.2.0'"))
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.env.gitOK("rev-parse", "HEAD^", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines) == start)
        #expect(try w.env.gitOK("log", "-1", "--format=%s", in: w.repo) == "release: hftool 0.2.0\n")
        #expect(try w.env.gitOK("cat-file", "-t", "v0.2.0", in: w.repo) == "tag\n")
        for bare in [w.bareA, w.bareB] {
            #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
            #expect(try w.env.gitOK("rev-parse", "refs/heads/main", in: bare).trimmingCharacters(in: .whitespacesAndNewlines) == head)
        }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["kind"] as? String == "pypi" && json?["version"] as? String == "0.2.0")
        #expect(!r.stdout.contains(PublishPyPITests.token) && !r.stderr.contains(PublishPyPITests.token))
        // The registry has exactly this version now: asked again (with the token, as the index wants it), refused.
        try w.env.gitOK("tag", "-d", "v0.2.0", in: w.repo)
        try w.env.gitOK("reset", "-q", "--hard", "HEAD^", in: w.repo)
        for forge in ["forgea", "forgeb"] { try w.env.gitOK("update-ref", "-d", "refs/remotes/\(forge)/main", in: w.repo) }
        let again = try w.env.git("hforge", "publish", "--version", "0.2.0", in: w.repo)
        #expect(again.code == 2 && again.stderr.contains("hftool 0.2.0 is already on registry local"), "\(again)")
    }

    @Test func aFailingTestRollsTheBumpBack() throws {
        let w = try world("pypi-test-fails", testSource: "def test_answer():\n    assert 41 == 42, 'wrong answer'\n")
        let before = try files(w)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("test failed with exit status 1: python3 -m pytest\n") && r.stderr.contains("wrong answer"), "\(r)")
        #expect(r.stderr.contains("rolled back: pyproject.toml"), "\(r)")
        let now = try files(w)
        #expect(now == before, "\(Set(now.keys).symmetricDifference(before.keys).sorted()) \(now.keys.filter { now[$0] != before[$0] }.sorted())")
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
        #expect(w.pypi.files.isEmpty && !w.pypi.requests.contains { $0.method == "POST" })
    }

    /// The index wants the token to be read: a wrong one is found out before anything changes.
    @Test func aRejectedTokenChangesAndUploadsNothing() throws {
        let w = try world("pypi-bad-token", publishTable: PublishPyPITests.wheelOnly + "\ntest = [\"true\"]", token: "not-the-token")
        let before = try files(w)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("registry local (\(w.pypi.url)simple/hftool/) rejected the token of pypi/alice/hftool/token (HTTP 403)"), "\(r)")
        #expect(r.stderr.contains("git scope set pypi/alice/hftool/token"), "\(r)")
        #expect(!r.stdout.contains("not-the-token") && !r.stderr.contains("not-the-token"))
        #expect(w.pypi.files.isEmpty)
        #expect(w.pypi.requests.contains { $0.method == "GET" && $0.status == 403 } && w.pypi.requests.allSatisfy { $0.method == "GET" })
        #expect(try files(w) == before)
    }

    /// An index anyone may read, uploads with the token: twine's upload is refused (403), nothing stays.
    @Test func anUploadRefusedForItsTokenRollsBack() throws {
        let w = try world("pypi-upload-refused", publishTable: PublishPyPITests.wheelOnly + "\ntest = [\"true\"]", token: "not-the-token", authenticate: "update")
        let before = try files(w)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("publish failed with exit status ") && r.stderr.contains(": twine upload ") && r.stderr.contains("403"), "twine's report is shown: \(r)")
        #expect(r.stderr.contains("rolled back: pyproject.toml"), "\(r)")
        #expect(!r.stdout.contains("not-the-token") && !r.stderr.contains("not-the-token"))
        #expect(w.pypi.files.isEmpty && w.pypi.requests.contains { $0.method == "POST" && $0.status == 403 })
        #expect(try files(w) == before)
        #expect(!FileManager.default.fileExists(atPath: w.repo + "/.git/hforge/publish.json"))
    }

    @Test func aDryRunChangesNothingAndSendsNothingMutating() throws {
        let w = try world("pypi-dry")
        let before = try TestEnvironment.snapshot(w.repo)
        let bareBefore = try TestEnvironment.snapshot(w.bareA)
        let r = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(r.stdout.contains("0.1.0 -> 0.1.1 in pyproject.toml"), "\(r)")
        #expect(r.stdout.contains("twine upload --non-interactive --disable-progress-bar --repository-url \(w.pypi.url) 'dist/hftool-0.1.1*'"), "\(r)")
        #expect(r.stdout.contains("token in TWINE_PASSWORD"), "\(r)")
        #expect(r.stdout.contains("pypi/alice/hftool/token: in provider"), "\(r)")
        #expect(r.stdout.contains("has no hftool 0.1.1"), "the index was read: \(r)")
        #expect(r.stdout.contains("python3 -m pytest"), "the default test command: \(r)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        #expect(try TestEnvironment.snapshot(w.bareA) == bareBefore)
        #expect(!w.pypi.requests.isEmpty && w.pypi.requests.allSatisfy { $0.method == "GET" })
    }

    /// Killed (-9) as the upload starts and just after it, then resumed: one upload, the right commit and tag.
    @Test(arguments: ["publish.started:publish", "publish.ran:publish"])
    func killedAtThePublishStepThenResumed(point: String) throws {
        let w = try world("pypi-kill", publishTable: PublishPyPITests.wheelOnly + "\ntest = [\"true\"]")
        let start = try w.env.gitOK("rev-parse", "HEAD", in: w.repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let paused = try FaultTests.startPaused(w.env, ["git-hforge", "publish", "--bump", "patch"], in: w.repo, at: point)
        _ = paused.stop(with: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: w.repo + "/.git/hforge/publish.json"))
        let r = try w.env.git("hforge", "publish", "--resume", in: w.repo)
        #expect(r.code == 0, "\(point): \(r)\n\((try? String(contentsOfFile: paused.log, encoding: .utf8)) ?? "")")
        #expect(w.pypi.files == ["hftool-0.1.1-py3-none-any.whl"], "\(point): \(w.pypi.files)")
        #expect(w.pypi.uploads.count == 1, "\(point): uploaded once")
        #expect(try w.env.gitOK("rev-list", "--count", "\(start)..HEAD", in: w.repo) == "1\n")
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo)
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareB) == head, "\(point)")
        #expect(try w.env.gitOK("status", "--porcelain", in: w.repo) == "")
    }
}
