import Foundation
import HyperforgeCore
import Testing

/// A write stopped at each of its steps (the debug build's fault points:
/// `HFORGE_TEST_PAUSE_AT`), then killed there: with `kill -9` the state is
/// the old one or the new one and the next run removes what was left; with
/// SIGTERM or SIGINT nothing is left at all and the process ends by that
/// signal. No test waits for a time: each polls for the paused process's
/// ready file, or for a process to be gone.
@Suite struct FaultTests {
    /// A tool run directly (its own pid, not git's) and paused at `point`.
    struct Paused {
        let pid: pid_t
        let log: String

        /// Sends `signal` and reaps the process; returns the signal that ended it (nil: it exited).
        func stop(with signal: Int32) -> Int32? {
            kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let termination = status & 0x7f
            return termination != 0 && termination != 0x7f ? termination : nil
        }
    }

    static func startPaused(_ env: TestEnvironment, _ argv: [String], in directory: String, at point: String,
                            extra: [String: String] = [:], input: String? = nil,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Paused {
        let tag = UUID().uuidString.prefix(8)
        let ready = env.root + "/paused-\(tag).ready", log = env.root + "/paused-\(tag).log"
        var environment = env.environment.merging(extra) { $1 }
        environment["HFORGE_TEST_PAUSE_AT"] = point
        environment["HFORGE_TEST_PAUSE_READY"] = ready
        var command = ["/usr/bin/env", "-C", directory] + argv
        if let input {
            // On stdin (Spawn.start gives /dev/null); `exec` keeps the pid.
            try env.write(input, to: "paused-\(tag).in")
            command = ["/bin/sh", "-c", "cd \"$1\" && f=\"$2\" && shift 2 && exec \"$@\" < \"$f\"", "sh", directory, env.root + "/paused-\(tag).in"] + argv
        }
        let pid = try Spawn.start(command, environment: environment, logFile: log)
        // Until it says it is at the step (it writes the file atomically), or ends without getting there.
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8), let paused = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                #expect(paused == pid, "the paused process is the one started", sourceLocation: sourceLocation)
                return Paused(pid: pid, log: log)
            }
            if Spawn.hasExited(pid) {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                Issue.record("\(argv.joined(separator: " ")) ended before reaching \(point):\n\(output)", sourceLocation: sourceLocation)
                throw FaultError.neverPaused(point)
            }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = Spawn.wait(pid)
        Issue.record("\(argv.joined(separator: " ")) did not reach \(point) within 180 s", sourceLocation: sourceLocation)
        throw FaultError.neverPaused(point)
    }

    enum FaultError: Error { case neverPaused(String) }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    // MARK: realm writes

    /// A member's realm write (publishing a contract) stopped at each step:
    /// its tip fetched into a temporary ref, its commit made, pushed, and the
    /// fetched ref moved. Killed before the push, the realm is unchanged;
    /// after it, the realm has the new contract; the member's fetched ref is
    /// one of the two, and the next fetch brings it to the realm's tip.
    /// `kill -9` leaves the temporary ref (for the first step), which the
    /// next run deletes; SIGTERM and SIGINT remove it on the way out.
    @Test(arguments: [SIGKILL, SIGTERM, SIGINT])
    func aRealmWriteKilledAtEachStepIsOldOrNew(signal: Int32) throws {
        let w = try RealmEndToEndTests.world("fault-realm-\(signal)", members: ["aperture", "fungal"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        // fungal's range takes every version published below (publish sends one outside an importer's range to 'git realm sync').
        try w.ok("fungal", "admin", "binding", "set", "--contract", "s3-access/s3-permissions", "--range", ">=1.0.0")
        try w.ok("aperture", "fetch")
        let original = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
        let aperture = w.members["aperture"]!
        let steps = ["realm-intake.fetched", "realm-write.committed", "realm-write.pushed", "realm-write.recorded"]
        for (n, step) in steps.enumerated() {
            let before = try w.tip()
            let changed = original.replacingOccurrences(of: "\"1.0.0\"", with: "\"\(n + 2).0.0\"")
            try w.env.write(changed, to: "s3-\(n).yaml")
            let paused = try Self.startPaused(w.env, ["git-realm", "admin", "contract", "publish", w.env.root + "/s3-\(n).yaml", "--domain", "s3-access"],
                                              in: aperture, at: step)
            // Paused at the first step, the temporary ref holds the realm's tip.
            let incomingWhilePaused = Self.lines(try w.env.gitOK("for-each-ref", "--format=%(refname)", "refs/realm-incoming/", in: aperture))
            if step == "realm-intake.fetched" {
                #expect(incomingWhilePaused.count == 1 && incomingWhilePaused[0].hasPrefix("refs/realm-incoming/\(paused.pid)-"), "\(incomingWhilePaused)")
            }
            let ended = paused.stop(with: signal)
            #expect(ended == signal, "\(step): ended by \(String(describing: ended)), not \(signal)")

            // Old or new, as the step says: the realm moves only with the push.
            let after = try w.tip()
            let pushed = step == "realm-write.pushed" || step == "realm-write.recorded"
            if pushed {
                let landed = try w.show("domains/s3-access/contracts/s3-permissions.yaml")
                #expect(after != before && landed == changed, "\(step)")
            } else {
                #expect(after == before, "\(step): the realm moved without its push")
            }
            let fetched = try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: aperture).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(fetched == before || fetched == after, "\(step): fetched is \(fetched), neither \(before) nor \(after)")
            #expect(fetched == (step == "realm-write.recorded" ? after : before), "\(step)")

            // What is left: only kill -9 at the first step leaves the temporary ref.
            let left = Self.lines(try w.env.gitOK("for-each-ref", "--format=%(refname)", "refs/realm-incoming/", in: aperture))
            if signal == SIGKILL && step == "realm-intake.fetched" {
                #expect(left.count == 1 && left[0].hasPrefix("refs/realm-incoming/\(paused.pid)-"), "\(left)")
            } else {
                #expect(left.isEmpty, "\(step), signal \(signal): \(left) left behind")
            }

            // The next run sweeps it and brings the member to the realm's tip; the realm reads.
            try w.ok("aperture", "fetch")
            #expect(Self.lines(try w.env.gitOK("for-each-ref", "--format=%(refname)", "refs/realm-incoming/", in: aperture)).isEmpty)
            #expect(try w.env.gitOK("rev-parse", "refs/realm/letemcook/fetched", in: aperture).trimmingCharacters(in: .whitespacesAndNewlines) == after)
            let status = try w.ok("fungal", "status", "--fetch")
            #expect(status.contains("s3-permissions"), "\(status)")
            if !pushed {
                // Not landed: publishing again lands it.
                try w.ok("aperture", "admin", "contract", "publish", w.env.root + "/s3-\(n).yaml", "--domain", "s3-access")
                #expect(try w.show("domains/s3-access/contracts/s3-permissions.yaml") == changed)
            }
        }
    }

    /// `admin init` works in a scratch repository under TMPDIR: killed with
    /// `kill -9` at each step the scratch directory stays until the next
    /// scratch user removes it (its process is gone, it is ours); the realm
    /// is absent or complete, and `admin init` again finishes it. SIGTERM
    /// removes the scratch directory, and the realm repository it had
    /// created, on the way out.
    @Test(arguments: [SIGKILL, SIGTERM])
    func anAdminInitKilledAtEachStepLeavesNothingForLong(signal: Int32) throws {
        let env = try TestEnvironment("fault-init-\(signal)")
        let tmp = env.root + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let extra = ["TMPDIR": tmp]
        let realms = env.home + "/.local/share/hyperforge/realms"
        func scratches() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.hasPrefix("git-realm-") } }
        for (n, step) in ["realm-scratch.created", "realm-write.committed", "realm-write.pushed"].enumerated() {
            let name = "r\(n)"
            let paused = try Self.startPaused(env, ["git-realm", "admin", "init", "--name", name], in: env.root, at: step, extra: extra)
            #expect(scratches().count == 1 && scratches()[0].hasPrefix("git-realm-\(paused.pid)-"), "\(scratches())")
            #expect(paused.stop(with: signal) == signal)
            let realm = realms + "/\(name).git"
            let landed = (try? env.run("git", ["--git-dir=\(realm)", "show", "main:realm.yaml"], in: env.root))?.code == 0
            if signal == SIGKILL {
                // Killed outright: the realm is there once its push landed.
                #expect(landed == (step == "realm-write.pushed"), "\(step)")
                #expect(scratches().count == 1, "\(step): \(scratches())")
            } else {
                // Interrupted: the command did not finish, and what it made is gone (even a realm whose push had landed).
                #expect(!landed && !FileManager.default.fileExists(atPath: realm), "\(step): \(realm) left behind")
                #expect(scratches().isEmpty, "\(step): \(scratches()) left behind")
            }
            // The next run: the leftover is swept, and the realm is made (or is there already).
            let again = try env.run("git-realm", ["admin", "init", "--name", name], in: env.root, extraEnvironment: extra)
            #expect(again.code == (landed ? 2 : 0), "\(step): \(again)")
            #expect(scratches().isEmpty, "\(step): \(scratches()) not swept")
            #expect(try env.gitOK("--git-dir=\(realm)", "show", "main:realm.yaml", in: env.root).contains("name: \(name)"))
        }
    }

    /// A scratch directory that is not ours to remove stays: one whose
    /// process lives, one that is a symbolic link, one named like ours but
    /// with no process id; and one that a killed run left goes, without
    /// following a link inside it.
    @Test func theSweepRemovesOnlyWhatIsOurs() throws {
        let env = try TestEnvironment("fault-sweep")
        let tmp = env.root + "/tmp"
        let fm = FileManager.default
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        // A process that is gone: a child we started and reaped.
        let gone = try Spawn.start(["/bin/true"], environment: env.environment, logFile: env.root + "/true.log")
        _ = Spawn.wait(gone)
        let outside = env.root + "/outside"
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try env.write("keep\n", to: "outside/file")
        let dead = tmp + "/git-realm-\(gone)-abcdef"
        try fm.createDirectory(atPath: dead + "/objects", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dead + "/objects/link", withDestinationPath: outside)
        let alive = tmp + "/git-realm-\(getpid())-abcdef"            // this process: alive
        try fm.createDirectory(atPath: alive, withIntermediateDirectories: true)
        let link = tmp + "/git-realm-\(gone)-linked"                   // a link, not a directory
        try fm.createSymbolicLink(atPath: link, withDestinationPath: outside)
        let old = tmp + "/git-realm-\(gone)"                           // no dash: not one of our names
        try fm.createDirectory(atPath: old, withIntermediateDirectories: true)
        let notOurs = tmp + "/git-realm-\(gone)-nobody"                // another user's
        try fm.createDirectory(atPath: notOurs, withIntermediateDirectories: true)
        chown(notOurs, 65534, 65534)

        // A run that makes a scratch repository (a dry-run join) sweeps.
        let repo = try env.makeRepository("member")
        let realm = try env.run("git", ["realm", "admin", "init", "--name", "sweep"], in: env.root)
        #expect(realm.code == 0, "\(realm)")
        let r = try env.run("git-realm", ["admin", "join", "sweep", "--dry-run"], in: repo, extraEnvironment: ["TMPDIR": tmp])
        #expect(r.code == 0, "\(r)")
        #expect(!fm.fileExists(atPath: dead), "the killed run's scratch directory stays")
        #expect(try String(contentsOfFile: outside + "/file", encoding: .utf8) == "keep\n", "the sweep followed a link")
        #expect(fm.fileExists(atPath: alive) && fm.fileExists(atPath: old) && fm.fileExists(atPath: link))
        if geteuid() == 0 { #expect(fm.fileExists(atPath: notOurs), "another user's directory was removed") }
        let remaining = try fm.contentsOfDirectory(atPath: tmp).sorted()
        #expect(remaining == [alive, link, notOurs, old].map { FilePaths.lastComponent($0) }.sorted()
                    .filter { geteuid() == 0 || $0 != FilePaths.lastComponent(notOurs) }, "\(remaining)")
    }

    // MARK: config writes

    /// `git hforge init --force` rewriting `.hyperforge/config.toml`, stopped
    /// with its temporary file made, written and renamed over the old one:
    /// the file is the old or the new one and always reads; `kill -9` leaves
    /// the temporary file, which the next write removes; SIGTERM removes it
    /// on the way out.
    @Test(arguments: [SIGKILL, SIGTERM])
    func aConfigWriteKilledAtEachStepIsOldOrNew(signal: Int32) throws {
        let env = try TestEnvironment("fault-config-\(signal)")
        let repo = try env.makeRepository("tool")
        let config = repo + "/.hyperforge/config.toml"
        #expect(try env.run("git", ["hforge", "init", "--org", "alice", "--forges", "github"], in: repo).code == 0)
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: repo + "/.hyperforge")) ?? []).filter { $0.hasPrefix(".config.toml.") }
        }
        for (n, step) in ["created", "written", "renamed"].enumerated() {
            let old = try String(contentsOfFile: config, encoding: .utf8)
            let org = "org\(n)"
            let paused = try Self.startPaused(env, ["git-hforge", "init", "--force", "--org", org, "--forges", "github,codeberg"], in: repo,
                                              at: "atomic-write.\(step):config.toml")
            #expect(temporaries().count == (step == "renamed" ? 0 : 1), "\(step): \(temporaries())")
            #expect(paused.stop(with: signal) == signal)
            let now = try String(contentsOfFile: config, encoding: .utf8)
            if step == "renamed" {
                #expect(now.contains("org = \"\(org)\"") && now.contains("codeberg"), "\(step): \(now)")
            } else {
                #expect(now == old, "\(step): the config changed before its rename:\n\(now)")
            }
            let read = try env.run("git", ["hforge", "config"], in: repo)
            #expect(read.code == 0, "\(step): \(read)")
            #expect(temporaries().count == (signal == SIGKILL && step != "renamed" ? 1 : 0), "\(step): \(temporaries())")
            if let leftover = temporaries().first { #expect(leftover.hasPrefix(".config.toml.\(paused.pid)-") && leftover.hasSuffix(".tmp")) }

            // The next write sweeps it.
            let again = try env.run("git", ["hforge", "init", "--force", "--org", "next\(n)", "--forges", "github"], in: repo)
            #expect(again.code == 0, "\(again)")
            #expect(temporaries().isEmpty, "\(step): \(temporaries()) not swept")
            #expect(try String(contentsOfFile: config, encoding: .utf8).contains("org = \"next\(n)\""))
        }
    }

    /// The secrets file: `git scope set` interrupted (SIGINT, as Ctrl-C sends)
    /// between writing the new file and renaming it keeps the old secret.
    @Test func anInterruptedSecretWriteKeepsTheOldSecret() throws {
        let env = try TestEnvironment("fault-secret")
        let scope = "git/github/alice/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "old-token").code == 0)
        let data = env.home + "/.local/share/hyperforge"
        let paused = try Self.startPaused(env, ["git-scope", "set", scope], in: env.root, at: "atomic-write.written:secrets", input: "new-token")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).contains { $0.hasPrefix(".secrets.\(paused.pid)-") })
        #expect(paused.stop(with: SIGINT) == SIGINT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasPrefix(".secrets.") }.isEmpty)
        let got = try env.run("git", ["scope", "get", scope])
        #expect(got.code == 0 && got.stdout == "old-token\n", "\(got)")
    }

    // MARK: child process groups

    /// A command provider runs in a process group of its own (so a time-out
    /// stops all it started); interrupted meanwhile, the tool stops that
    /// group on its way out too: neither the shell nor what it put in the
    /// background outlives it.
    @Test func anInterruptedToolStopsItsProvidersProcessGroup() throws {
        let env = try TestEnvironment("fault-group")
        let marks = env.root + "/marks"
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        try env.write("""
            [auth]
            default = "slow"
            [auth.providers.slow]
            type = "command"
            get = "sleep 1000 & echo $! > \(marks)/background; echo $$ > \(marks)/shell; sleep 1000"

            """, to: "home/.config/hyperforge/auth.toml")
        let log = env.root + "/scope.log"
        let pid = try Spawn.start(["git-scope", "get", "git/github/alice/repo/tool/token"],
                                  environment: env.environment.merging(["PATH": env.environment["PATH"]!]) { $1 }, logFile: log)
        let deadline = Date().addingTimeInterval(120)
        var shell: pid_t?, background: pid_t?
        while Date() < deadline && (shell == nil || background == nil) && !Spawn.hasExited(pid) {
            shell = ChildProcessTests.pid(in: marks + "/shell")
            background = ChildProcessTests.pid(in: marks + "/background")
            usleep(20_000)
        }
        guard let shell, let background else {
            Issue.record("the provider's command never started: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            kill(pid, SIGKILL); _ = Spawn.wait(pid)
            return
        }
        #expect(Paused(pid: pid, log: log).stop(with: SIGTERM) == SIGTERM)
        #expect(ChildProcessTests.waitUntilGone(shell), "the provider's shell outlived the tool")
        #expect(ChildProcessTests.waitUntilGone(background), "the provider's background child outlived the tool")
    }
}
