import Foundation
import Testing

/// The README's first command ends in scripts/quickstart.sh, which runs the
/// README's quick start for real: the two must say the same, and it must work
/// offline without touching the caller's HOME.
@Suite struct QuickStartTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The lines of the first ```sh block after `heading`.
    static func readmeBlock(after heading: String) throws -> [String] {
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix(heading) }, "README has no '\(heading)'")
        let open = try #require(lines[start...].firstIndex(of: "```sh"), "no ```sh block after '\(heading)'")
        let close = try #require(lines[(open + 1)...].firstIndex(of: "```"), "the ```sh block after '\(heading)' does not end")
        return Array(lines[(open + 1)..<close])
    }

    /// The lines the script runs: between `: <<'QUICKSTART'` and `QUICKSTART`.
    static func scriptBlock() throws -> [String] {
        let script = try String(contentsOfFile: root + "/scripts/quickstart.sh", encoding: .utf8)
        let lines = script.components(separatedBy: "\n")
        let open = try #require(lines.firstIndex(of: ": <<'QUICKSTART'"))
        let close = try #require(lines[(open + 1)...].firstIndex(of: "QUICKSTART"))
        return Array(lines[(open + 1)..<close])
    }

    @Test func readmeQuickStartIsWhatTheScriptRuns() throws {
        let readme = try Self.readmeBlock(after: "## Quick start")
        let script = try Self.scriptBlock()
        #expect(readme == script, "README's quick start and scripts/quickstart.sh differ:\n--- README\n\(readme.joined(separator: "\n"))\n--- script\n\(script.joined(separator: "\n"))")
        // What the issue asks of it: two repositories, a realm by name (the
        // embedded default location), a domain with a contract, check, status,
        // init, a commit, then a dry-run push.
        let text = script.joined(separator: "\n")
        for step in ["git realm admin init --name letemcook", "git realm admin domain create s3-access --repos aperture,fungal --contract s3-permissions",
                     "git realm check", "git realm status", "git hforge init --ssh", "git commit", "git hforge push --dry-run"] {
            #expect(text.contains(step), "the quick start has no '\(step)'")
        }
        #expect(text.range(of: "git commit")!.lowerBound < text.range(of: "git hforge push --dry-run")!.lowerBound, "it pushes before it commits")
        // The set-up's one command installs, then runs it.
        let setup = try Self.readmeBlock(after: "## Set-up")
        #expect(setup == [#"./install.sh && export PATH="$HOME/.local/bin:$PATH" && scripts/quickstart.sh"#], "\(setup)")
    }

    @Test func quickStartRunsOfflineInATemporaryHome() throws {
        let env = try TestEnvironment("quickstart")
        let tmp = env.root + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let before = try TestEnvironment.snapshot(env.home)
        let kept = try env.run(Self.root + "/scripts/quickstart.sh", ["--keep"], extraEnvironment: ["TMPDIR": tmp])
        #expect(kept.code == 0 && kept.stderr.isEmpty, "\(kept)")
        for shown in ["$ git realm admin init --name letemcook", "Realm letemcook is ready",
                      "Detected import: s3-permissions (>=1.0.0, <2.0.0) in domain s3-access",
                      "Result: clean", "contract s3-permissions v1.0.0 (owner aperture)",
                      "+ add remote github git@github.com:alice/aperture.git", "Initialised .hyperforge/config.toml: 2 forges",
                      "github\tgit@github.com:alice/aperture.git (push)", "in-sync",
                      "Would push (dry run):", "1. main -> github (git@github.com:alice/aperture.git)",
                      "2. main -> codeberg (git@codeberg.org:alice/aperture.git)", "dry run: nothing was pushed", "quick start done"] {
            #expect(kept.stdout.contains(shown), "the quick start did not show '\(shown)':\n\(kept.stdout)")
        }
        // Its world was its own: the caller's HOME is as it was.
        #expect(try TestEnvironment.snapshot(env.home) == before, "the quick start changed the caller's HOME")
        let dirs = try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0.hasPrefix("hyperforge-quickstart.") }
        try #require(dirs.count == 1, "\(dirs)")
        let dir = tmp + "/" + dirs[0]
        #expect(kept.stdout.contains("kept \(dir)"), "\(kept.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir + "/home/.local/share/hyperforge/realms/letemcook.git/HEAD"))
        // The aperture commit is there; nothing was pushed anywhere.
        let log = try env.gitOK("log", "--format=%s", in: dir + "/projects/alice/aperture")
        #expect(log == "hyperforge config\nfirst commit\n", "\(log)")
        #expect(try env.gitOK("for-each-ref", "refs/remotes", in: dir + "/projects/alice/aperture").isEmpty)
        // The coordinator it started was stopped on the way out.
        for file in ["coordinator.pid", "coordinator.sock"] {
            #expect(!FileManager.default.fileExists(atPath: dir + "/run/hyperforge/" + file), "\(file) is still there")
        }
        try FileManager.default.removeItem(atPath: dir)

        // Without --keep, nothing is left behind.
        let plain = try env.run(Self.root + "/scripts/quickstart.sh", [], extraEnvironment: ["TMPDIR": tmp])
        #expect(plain.code == 0 && plain.stdout.contains("quick start done"), "\(plain)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }

    @Test func aMissingProgramIsNamedBeforeAnythingRuns() throws {
        let env = try TestEnvironment("quickstart-missing")
        // The tools and git, but no ssh-keygen.
        let bin = env.root + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/git", withDestinationPath: try #require(ShellCompletionTests.which("git")))
        for tool in ["git-hforge", "git-realm"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: TestEnvironment.productsDirectory + "/" + tool)
        }
        let tmp = env.root + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let r = try env.run("/bin/bash", [Self.root + "/scripts/quickstart.sh"], extraEnvironment: ["PATH": bin, "TMPDIR": tmp])
        #expect(r.code == 1, "\(r)")
        #expect(r.stderr.contains("quickstart.sh: ssh-keygen is not on PATH"), "\(r)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }
}
