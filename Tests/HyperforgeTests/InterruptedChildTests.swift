import Foundation
import Testing

/// A tool signalled alone (`kill -TERM PID`, `kill -INT PID`: what a CI
/// runner or a parent process sends; not the terminal's Ctrl-C, which
/// reaches the whole foreground group) while its child `git push` waits on
/// something slow (a realm's pre-receive hook, an ssh program): the tool
/// stops that child and what it started, cleans up, and ends by the signal;
/// no child outlives it, and nothing it made is left. Started the way a
/// shell starts a background job (`cmd &`, which leaves SIGINT ignored), a
/// `kill -INT` stops it just the same.
@Suite struct InterruptedChildTests {
    /// How the tool is started: directly (default dispositions), or as a
    /// non-interactive shell's background job (SIGINT inherited ignored).
    enum Start: CaseIterable, Sendable { case direct, backgroundJob }

    /// A started tool: its pid, and how to learn how it ended.
    struct Started {
        let pid: pid_t
        let waiter: pid_t   // the tool itself (direct) or the shell waiting for it
        let statusFile: String?
        let log: String

        /// 128 + the signal when it ended by one, else its exit status (nil:
        /// still running after a generous deadline; then it is killed).
        func status() -> Int32? {
            let deadline = Date().addingTimeInterval(120)
            var raw: Int32 = 0
            while waitpid(waiter, &raw, WNOHANG) == 0 {
                guard Date() < deadline else {
                    kill(pid, SIGKILL)
                    kill(waiter, SIGKILL)
                    _ = Spawn.wait(waiter)
                    return nil
                }
                usleep(20_000)
            }
            let code = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            guard let statusFile else { return code }
            return (try? String(contentsOfFile: statusFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    static func start(_ argv: [String], in directory: String, env: TestEnvironment, how: Start, tag: String) throws -> Started {
        let log = env.root + "/\(tag).log"
        switch how {
        case .direct:
            let pid = try Spawn.start(["/usr/bin/env", "-C", directory] + argv, environment: env.environment, logFile: log)
            return Started(pid: pid, waiter: pid, statusFile: nil, log: log)
        case .backgroundJob:
            let pidFile = env.root + "/\(tag).pid", statusFile = env.root + "/\(tag).status"
            let script = "cd \"$1\" && shift && \"$@\" & echo $! > \(pidFile); wait $!; echo $? > \(statusFile)"
            let shell = try Spawn.start(["/bin/sh", "-c", script, "sh", directory] + argv, environment: env.environment, logFile: log)
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                if let pid = ChildProcessTests.pid(in: pidFile) { return Started(pid: pid, waiter: shell, statusFile: statusFile, log: log) }
                usleep(20_000)
            }
            kill(shell, SIGKILL)
            _ = Spawn.wait(shell)
            throw Failure.neverStarted(tag)
        }
    }

    enum Failure: Error { case neverStarted(String) }

    /// Polls for the pid the slow child wrote (it runs only once the tool's git push reached it).
    static func waitForPid(_ file: String, of started: Started, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> pid_t? {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if let pid = ChildProcessTests.pid(in: file) { return pid }
            if kill(started.pid, 0) != 0 { break }
            usleep(20_000)
        }
        Issue.record("the slow child never started: \((try? String(contentsOfFile: started.log, encoding: .utf8)) ?? "")", sourceLocation: sourceLocation)
        kill(started.pid, SIGKILL)
        _ = started.status()
        return nil
    }

    static let cases: [(Int32, Start)] = [(SIGTERM, .direct), (SIGINT, .direct), (SIGINT, .backgroundJob)]

    /// `git realm admin domain create` whose push waits in the realm's pre-receive hook.
    @Test(arguments: cases)
    func aRealmWriteSignalledAloneStopsItsPush(signal: Int32, how: Start) throws {
        let w = try RealmEndToEndTests.world("sig-realm-\(signal)-\(how)", members: ["aperture", "fungal"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        let before = try w.tip()
        let tmp = w.env.root + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let hookPid = w.env.root + "/hook.pid"
        let hook = w.realmGitDir + "/hooks/pre-receive"
        try TestEnvironment.writeExecutable("#!/bin/sh\necho $$ > \(hookPid)\nexec sleep 1000\n", to: hook)
        let env = w.env
        env.environment["TMPDIR"] = tmp
        let aperture = w.members["aperture"]!
        let started = try Self.start(["git-realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions"],
                                     in: aperture, env: env, how: how, tag: "create")
        guard let sleeper = Self.waitForPid(hookPid, of: started) else { return }
        kill(started.pid, signal)
        #expect(started.status() == 128 + signal, "\((try? String(contentsOfFile: started.log, encoding: .utf8)) ?? "")")
        let gone = ChildProcessTests.waitUntilGone(sleeper)
        #expect(gone, "the realm's hook (pid \(sleeper)) outlived the tool")
        if !gone { kill(sleeper, SIGKILL) }
        // Its push was stopped in the hook: the realm did not move, and nothing of the run is left.
        #expect(try w.tip() == before, "the domain landed although the tool was stopped")
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [])
        #expect(left.isEmpty, "left in TMPDIR: \(left)")
        let refs = try w.env.gitOK("for-each-ref", "--format=%(refname)", "refs/realm-incoming/", in: aperture)
        #expect(refs.isEmpty, "left in refs: \(refs)")
        // No git of the run is left either.
        let stray = try Self.strays(w.realmGitDir, env: w.env)
        #expect(stray.isEmpty, "still running: \(stray)")
    }

    /// `git hforge push` whose ssh program (`hforge.sshProgram`) hangs.
    @Test(arguments: cases)
    func aPushSignalledAloneStopsItsSSH(signal: Int32, how: Start) throws {
        let env = try TestEnvironment("sig-push-\(signal)-\(how)")
        let repo = try env.makeRepository("aperture")
        try env.write("not a key, never read\n", to: "home/.ssh/alice_github")
        let initialised = try env.run("git", ["hforge", "init", "--forges", "github", "--org", "alice", "--ssh", "github=\(env.home)/.ssh/alice_github"], in: repo)
        #expect(initialised.code == 0, "\(initialised)")
        let sshPid = env.root + "/ssh.pid", ssh = env.root + "/slow-ssh"
        try TestEnvironment.writeExecutable("#!/bin/sh\necho $$ > \(sshPid)\nexec sleep 1000\n", to: ssh)
        try env.gitOK("config", "hforge.sshProgram", ssh, in: repo)
        let started = try Self.start(["git-hforge", "push"], in: repo, env: env, how: how, tag: "push")
        guard let sleeper = Self.waitForPid(sshPid, of: started) else { return }
        kill(started.pid, signal)
        #expect(started.status() == 128 + signal, "\((try? String(contentsOfFile: started.log, encoding: .utf8)) ?? "")")
        let gone = ChildProcessTests.waitUntilGone(sleeper)
        #expect(gone, "the ssh program (pid \(sleeper)) outlived the tool")
        if !gone { kill(sleeper, SIGKILL) }
        let stray = try Self.strays(ssh, env: env)
        #expect(stray.isEmpty, "still running: \(stray)")
    }

    /// Processes whose command line names `pattern`, once those still
    /// exiting have gone (polled: a process killed a moment ago may still be
    /// in its exit on a busy machine); empty when none is left.
    static func strays(_ pattern: String, env: TestEnvironment) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let found = try env.run("pgrep", ["-f", "--", pattern], in: env.root).stdout
            if found.isEmpty || Date() >= deadline { return found }
            usleep(50_000)
        }
    }
}
