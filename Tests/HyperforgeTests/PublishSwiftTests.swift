import Foundation
import Testing

enum SwiftToolchain {
    static let swift: String? = Spawn.find("swift", path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
}

/// `git hforge publish` of a Swift package: its version is its tag alone,
/// so nothing is bumped, committed or uploaded; the checks still hold and
/// the release is the annotated tag pushed to both sshd forges, which the
/// real `swift package resolve` then resolves as a version.
@Suite(.enabled(if: SSHServer.isAvailable && SwiftToolchain.swift != nil, "needs sshd and swift"))
struct PublishSwiftTests {
    struct World {
        let env: TestEnvironment
        let server: SSHServer
        let repo: String
        let bareA: String
        let bareB: String
    }

    /// A package with one library target and one test target, no dependencies.
    /// `testTarget`: false for a package declaring none (a Tests/ directory with notes in it all the same).
    func world(_ name: String, publishTable: String? = nil, tags: [String] = ["v0.1.0"], testTarget: Bool = true) throws -> World {
        let env = try TestEnvironment(name)
        let server = try SSHServer(in: env)
        let published = try PublishRepository("Tiny", env: env, server: server)
        try env.write("""
        // swift-tools-version:5.9
        import PackageDescription

        let package = Package(
            name: "Tiny",
            products: [.library(name: "Tiny", targets: ["Tiny"])],
            targets: [
                .target(name: "Tiny"),\(testTarget ? "\n        .testTarget(name: \"TinyTests\", dependencies: [\"Tiny\"])," : "")
            ]
        )

        """, to: "projects/Tiny/Package.swift")
        try env.write("public func answer() -> Int { 42 }\n", to: "projects/Tiny/Sources/Tiny/Tiny.swift")
        if testTarget {
            try env.write("import Testing\nimport Tiny\n\n@Test func answers() { #expect(answer() == 42) }\n", to: "projects/Tiny/Tests/TinyTests/TinyTests.swift")
        } else {
            try env.write("Not a test target: notes.\n", to: "projects/Tiny/Tests/README.md")
        }
        try env.write("/.build/\n/Package.resolved\n", to: "projects/Tiny/.gitignore")
        if let publishTable { try published.addPublishTable(publishTable) }
        try env.gitOK("add", "-A", in: published.repo)
        try env.gitOK("commit", "-q", "-m", "the package", in: published.repo)
        for tag in tags { try env.gitOK("tag", tag, in: published.repo) }
        return World(env: env, server: server, repo: published.repo, bareA: published.bareA, bareB: published.bareB)
    }

    /// The default commands, swift build and swift test, run once here (the package is tiny).
    @Test func releasesByTheTagAlone() throws {
        let w = try world("swift-e2e", tags: ["v0.1.0", "0.0.9", "not-a-version"])
        let before = try TestEnvironment.snapshot(w.repo).filter { !$0.key.hasPrefix(".build") && !$0.key.hasPrefix(".git/") }
        let head = try w.env.gitOK("rev-parse", "HEAD", in: w.repo)
        let r = try w.env.git("hforge", "publish", "--bump", "minor", "--json", in: w.repo)
        #expect(r.code == 0, "\(r)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let steps = (json?["steps"] as? [[String: Any]] ?? []).map { "\($0["step"] ?? ""): \($0["result"] ?? "")" }
        #expect(steps.contains("build: swift build") && steps.contains("test: swift test"), "\(steps)")
        #expect(r.stderr.contains("answers") && r.stderr.contains("passed"), "swift test ran the package's test: \(r.stderr)")
        #expect(json?["kind"] as? String == "swift" && json?["previous_version"] as? String == "0.1.0" && json?["version"] as? String == "0.2.0", "\(r.stdout)")
        // No file changed, no commit made: the tag is on the commit that was HEAD.
        #expect(try w.env.gitOK("rev-parse", "HEAD", in: w.repo) == head)
        #expect(try TestEnvironment.snapshot(w.repo).filter { !$0.key.hasPrefix(".build") && !$0.key.hasPrefix(".git/") } == before)
        #expect(try w.env.gitOK("cat-file", "-t", "v0.2.0", in: w.repo) == "tag\n")
        for bare in [w.bareA, w.bareB] {
            #expect(try w.env.gitOK("rev-parse", "v0.2.0^{commit}", in: bare) == head)
        }
        // SwiftPM resolves the new version from the forge's repository.
        try w.env.write("""
        // swift-tools-version:5.9
        import PackageDescription

        let package = Package(
            name: "User",
            dependencies: [.package(url: "\(w.bareA)", from: "0.2.0")],
            targets: [.target(name: "User", dependencies: [.product(name: "Tiny", package: "tiny")])]
        )

        """, to: "user/Package.swift")
        try w.env.write("import Tiny\n", to: "user/Sources/User/User.swift")
        let resolved = try w.env.run("swift", ["package", "resolve"], in: w.env.root + "/user")
        #expect(resolved.code == 0, "\(resolved)")
        let pins = try String(contentsOfFile: w.env.root + "/user/Package.resolved", encoding: .utf8)
        #expect(pins.contains("\"version\" : \"0.2.0\""), "\(pins)")
    }

    @Test func theChecksStillApply() throws {
        let w = try world("swift-checks", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        // Not greater than the last tag.
        let older = try w.env.git("hforge", "publish", "--version", "0.1.0", in: w.repo)
        #expect(older.code == 2 && older.stderr.contains("version 0.1.0 is not greater than the current 0.1.0 (tag v0.1.0)"), "\(older)")
        // A dirty tree.
        try w.env.write("// more\n", to: "projects/Tiny/Sources/Tiny/More.swift")
        let dirty = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(dirty.code == 2 && dirty.stderr.contains("uncommitted changes"), "\(dirty)")
        try FileManager.default.removeItem(atPath: w.repo + "/Sources/Tiny/More.swift")
        // A dry run: nothing changes, no token, the overridden commands.
        let before = try TestEnvironment.snapshot(w.repo)
        let dry = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.stdout.contains("0.1.0 -> 0.1.1") && dry.stdout.contains("token: swift: none needed"), "\(dry)")
        #expect(dry.stdout.contains("publish: swift: nothing to upload: the release is the tag v0.1.1, pushed to every forge"), "\(dry)")
        #expect(dry.stdout.contains("commit: none: no file holds the version"), "\(dry)")
        #expect(try TestEnvironment.snapshot(w.repo) == before)
        // The overridden build and test, then the release.
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 0, "\(r)")
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareB) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)))
        // The greatest tag is the new version now.
        let again = try w.env.git("hforge", "publish", "--version", "0.1.1", in: w.repo)
        #expect(again.code == 2 && again.stderr.contains("not greater than the current 0.1.1"), "\(again)")
    }

    /// A package that declares no test target (SwiftPM says so, though a
    /// Tests/ directory is there) skips the test step, saying why, where
    /// `swift test` would fail; the bump line says that no file changes; the
    /// dry run's words are the run's.
    @Test func noTestTargetsSkipsTheTestStep() throws {
        let w = try world("swift-no-tests", publishTable: "build = [\"true\"]", testTarget: false)
        let before = try TestEnvironment.snapshot(w.repo)
        let dry = try w.env.git("hforge", "publish", "--bump", "patch", "--dry-run", in: w.repo)
        #expect(dry.code == 0, "\(dry)")
        #expect(try TestEnvironment.snapshot(w.repo) == before, "the dry run (and swift package describe) changed nothing")
        let r = try w.env.git("hforge", "publish", "--bump", "patch", in: w.repo)
        #expect(r.code == 0, "\(r)")
        PublishWords.expectSame(dry: dry.stdout, real: r.stdout, steps: ["bump", "build", "test", "publish", "commit"])
        let done = PublishWords.done(r.stdout)
        #expect(done["test"] == "no test targets (swift package describe lists none in Package.swift)", "\(r)")
        #expect(done["bump"] == "0.1.0 -> 0.1.1 changes no file: the version is the tag v0.1.1 alone", "\(r)")
        #expect(done["publish"] == "swift: nothing to upload: the release is the tag v0.1.1, pushed to every forge", "\(r)")
        #expect(!r.stdout.contains("$ swift test"), "\(r)")
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareA) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)))
    }

    /// Killed (-9) at each journal step, then resumed: no commit (the version
    /// is the tag alone), the annotated tag on the commit that was HEAD, pushed.
    @Test(arguments: PublishFaults.killPoints)
    func killedAtEachStepThenResumed(point: String) throws {
        let w = try world("swift-kill", publishTable: "build = [\"true\"]\ntest = [\"true\"]")
        try PublishFaults.killThenResume(w.env, repo: w.repo, bare: w.bareB, at: point, tag: "v0.1.1", commits: 0)
        #expect(try w.env.gitOK("rev-parse", "v0.1.1^{commit}", in: w.bareA) == (try w.env.gitOK("rev-parse", "HEAD", in: w.repo)), "\(point)")
    }
}
