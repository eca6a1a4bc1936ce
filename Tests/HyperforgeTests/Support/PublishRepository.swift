import Foundation
import Testing

/// The repository a publish test releases from: `projects/NAME`, initialised
/// for the two sshd forges (each with its own key), with bare `alice/NAME.git`
/// on both.
struct PublishRepository {
    let repo: String
    let bareA: String
    let bareB: String

    init(_ name: String, env: TestEnvironment, server: SSHServer, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        bareA = try server.createRepository("alice/\(name).git", on: server.forgeA, env: env)
        bareB = try server.createRepository("alice/\(name).git", on: server.forgeB, env: env)
        try env.write("org = \"alice\"\n\n" + server.customForgesTOML, to: "projects/.hyperforge/defaults.toml")
        try env.gitOK("config", "--file", env.environment["GIT_CONFIG_GLOBAL"]!, "hforge.sshProgram", "ssh -F \(server.clientConfig)", in: env.root)
        repo = try env.makeRepository("projects/\(name)")
        let r = try env.git("hforge", "init", "--forges", "forgea,forgeb", "--ssh", "forgea=\(server.forgeA.privateKey)", "--ssh", "forgeb=\(server.forgeB.privateKey)", in: repo)
        #expect(r.code == 0, "\(r)", sourceLocation: sourceLocation)
    }

    /// Appends `[publish]` and `table` to the committed .hyperforge/config.toml.
    func addPublishTable(_ table: String) throws {
        let config = try String(contentsOfFile: repo + "/.hyperforge/config.toml", encoding: .utf8)
        try (config + "\n[publish]\n" + table + "\n").write(toFile: repo + "/.hyperforge/config.toml", atomically: true, encoding: .utf8)
    }

    /// Commits everything and stores `token` in `scope`.
    func commit(_ message: String, storing token: String, in scope: String, env: TestEnvironment, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try env.gitOK("add", "-A", in: repo)
        try env.gitOK("commit", "-q", "-m", message, in: repo)
        #expect(try env.run("git", ["scope", "set", scope], input: token).code == 0, sourceLocation: sourceLocation)
    }
}

/// What the publish tests of every kind share: killing a release at each
/// journal step, and a forge refusing pushes.
enum PublishFaults {
    /// Where a release is killed: just after each step ran (before the journal
    /// says so), and as the upload starts.
    static let killPoints = ["publish.ran:bump", "publish.ran:build", "publish.started:publish", "publish.ran:publish",
                             "publish.ran:commit", "publish.ran:tag", "publish.ran:push"]

    /// `git-hforge publish --bump patch` in `repo`, killed (-9) at `point`, then
    /// `publish --resume`: it succeeds, with `commits` commits on top of where
    /// it started (one: `subject`), `tag` on HEAD here and on `bare`, a clean
    /// tree and no journal left.
    static func killThenResume(_ env: TestEnvironment, repo: String, bare: String, at point: String, tag: String, commits: Int, subject: String? = nil,
                               sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let start = try env.gitOK("rev-parse", "HEAD", in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        let paused = try FaultTests.startPaused(env, ["git-hforge", "publish", "--bump", "patch"], in: repo, at: point, sourceLocation: sourceLocation)
        _ = paused.stop(with: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: repo + "/.git/hforge/publish.json"), "\(point): the journal is there", sourceLocation: sourceLocation)
        let r = try env.git("hforge", "publish", "--resume", in: repo)
        #expect(r.code == 0, "\(point): \(r)\n\((try? String(contentsOfFile: paused.log, encoding: .utf8)) ?? "")", sourceLocation: sourceLocation)
        #expect(try env.gitOK("rev-list", "--count", "\(start)..HEAD", in: repo) == "\(commits)\n", "\(point): \(commits) release commit(s)", sourceLocation: sourceLocation)
        if let subject { #expect(try env.gitOK("log", "-1", "--format=%s", in: repo) == subject + "\n", "\(point)", sourceLocation: sourceLocation) }
        let head = try env.gitOK("rev-parse", "HEAD", in: repo)
        #expect(try env.gitOK("cat-file", "-t", tag, in: repo) == "tag\n", "\(point): an annotated tag", sourceLocation: sourceLocation)
        #expect(try env.gitOK("rev-parse", "\(tag)^{commit}", in: repo) == head, "\(point)", sourceLocation: sourceLocation)
        #expect(try env.gitOK("rev-parse", "\(tag)^{commit}", in: bare) == head, "\(point): pushed", sourceLocation: sourceLocation)
        #expect(try env.gitOK("status", "--porcelain", in: repo) == "", "\(point)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: repo + "/.git/hforge"), "\(point): no journal left", sourceLocation: sourceLocation)
    }

    /// `git hforge publish --bump patch` in `repo` with `bareB`'s forge
    /// refusing pushes after the registry took the version (`published`
    /// checks that it did, before the resume): the release stays in progress
    /// (a plain publish refuses), and --resume pushes only where it had not:
    /// `tag` on HEAD in both, one release commit with `subject`, no journal left.
    static func pushRejectedThenResumed(_ env: TestEnvironment, repo: String, bareA: String, bareB: String, tag: String, subject: String,
                                        published: () -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try rejectPushes(env, bare: bareB, message: "forge B: frozen")
        let r = try env.git("hforge", "publish", "--bump", "patch", in: repo)
        #expect(r.code == 1, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("push to forgeb") && r.stderr.contains("frozen"), "\(r)", sourceLocation: sourceLocation)
        published()
        #expect(try env.git("rev-parse", "-q", "--verify", "refs/tags/\(tag)", in: bareA).code == 0, sourceLocation: sourceLocation)
        #expect(try env.git("rev-parse", "-q", "--verify", "refs/tags/\(tag)", in: bareB).code != 0, sourceLocation: sourceLocation)
        let plain = try env.git("hforge", "publish", "--bump", "patch", in: repo)
        #expect(plain.code == 2 && plain.stderr.contains("--resume"), "a plain publish refuses while the release is in progress: \(plain)", sourceLocation: sourceLocation)

        acceptPushes(bare: bareB)
        let resumed = try env.git("hforge", "publish", "--resume", in: repo)
        #expect(resumed.code == 0, "\(resumed)", sourceLocation: sourceLocation)
        let head = try env.gitOK("rev-parse", "HEAD", in: repo)
        #expect(try env.gitOK("log", "-1", "--format=%s", in: repo) == subject + "\n", sourceLocation: sourceLocation)
        for bare in [bareA, bareB] {
            #expect(try env.gitOK("rev-parse", "\(tag)^{commit}", in: bare) == head, sourceLocation: sourceLocation)
            #expect(try env.gitOK("rev-parse", "refs/heads/main", in: bare) == head, sourceLocation: sourceLocation)
        }
        #expect(!resumed.stdout.contains("✓ forgea"), "forgea, which took the push, is not pushed to again: \(resumed)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: repo + "/.git/hforge"), sourceLocation: sourceLocation)
    }

    /// The bare repository `bare` (under `env`'s root) refuses every push, saying `message`, until `acceptPushes`.
    static func rejectPushes(_ env: TestEnvironment, bare: String, message: String) throws {
        try env.write("#!/bin/sh\necho '\(message)' >&2\nexit 1\n", to: String(bare.dropFirst(env.root.count + 1)) + "/hooks/pre-receive")
        chmod(bare + "/hooks/pre-receive", 0o755)
    }

    static func acceptPushes(bare: String) {
        unlink(bare + "/hooks/pre-receive")
    }
}

/// What a dry run's plan and the run itself say of each step: the plan's
/// "  N. STEP: WORDS" and the run's "✓ STEP: WORDS (T s)" lines must carry
/// the same WORDS (the dry run prints exactly the plan the run follows).
enum PublishWords {
    /// STEP -> WORDS of a dry run's text output.
    static func planned(_ stdout: String) -> [String: String] {
        var steps: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            let t = line.drop { $0 == " " }
            guard let dot = t.firstIndex(of: "."), Int(t[..<dot]) != nil else { continue }
            let rest = t[t.index(dot, offsetBy: 2)...]
            guard let colon = rest.firstIndex(of: ":") else { continue }
            steps[String(rest[..<colon])] = String(rest[rest.index(colon, offsetBy: 2)...])
        }
        return steps
    }

    /// STEP -> WORDS of a run's text output (its "✓" lines, the time taken off).
    static func done(_ stdout: String) -> [String: String] {
        var steps: [String: String] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("✓ ") {
            let rest = line.dropFirst(2)
            guard let colon = rest.firstIndex(of: ":"), let paren = rest.range(of: " (", options: .backwards) else { continue }
            steps[String(rest[..<colon])] = String(rest[rest.index(colon, offsetBy: 2)..<paren.lowerBound])
        }
        return steps
    }

    /// The words each of `steps` has in both, checked equal.
    static func expectSame(dry: String, real: String, steps: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let planned = planned(dry), done = done(real)
        for step in steps {
            #expect(planned[step] != nil && planned[step] == done[step], "\(step): planned \(planned[step] ?? "nothing"), ran \(done[step] ?? "nothing")\n\(dry)\n\(real)",
                    sourceLocation: sourceLocation)
        }
    }

    /// `line` read back by /bin/sh as words: what a user pasting it would run.
    static func shellWords(_ line: String) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "set -- \(line); for a in \"$@\"; do printf '%s\\0' \"$a\"; done"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
