import Foundation
import HyperforgeCore
import Testing

@Suite struct ChildProcessTests {
    @Test func secretsGoInOnStdinAndOutputComesBack() async throws {
        let r = try await ChildProcess.run(["/bin/sh", "-c", "read x; echo \"got:$x\"; echo err >&2; exit 3"],
                                           environment: ["PATH": "/usr/bin:/bin"], input: "s3cret\n")
        #expect(r.exitCode == 3 && r.stdout == "got:s3cret\n" && r.stderr == "err\n")
    }

    @Test func aHangingProgramIsStoppedAtItsLimit() async throws {
        let env = try TestEnvironment("child-timeout")
        let pidFile = env.root + "/pid"
        let error = await #expect(throws: ChildProcess.TimedOut.self) {
            try await ChildProcess.run(["/bin/sh", "-c", "echo $$ > \(pidFile); exec sleep 30"],
                                       environment: ["PATH": "/usr/bin:/bin"], timeout: 1)
        }
        #expect(error?.seconds == 1)
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<50 where alive { alive = kill(pid, 0) == 0; if alive { usleep(100_000) } }
        #expect(!alive, "the timed-out child is still running")
    }

    /// A timed-out child is stopped with its whole process group: the shell
    /// and what it started in the background both end (also when they ignore
    /// SIGTERM: SIGKILL follows). Before, only the shell was signalled.
    @Test(arguments: ["", "trap '' TERM; "])
    func grandchildrenOfATimedOutChildDoNotSurvive(prefix: String) async throws {
        let env = try TestEnvironment("child-group")
        let script = "\(prefix)sleep 1000 & echo $! > \(env.root)/background; echo $$ > \(env.root)/shell; sleep 1000"
        await #expect(throws: ChildProcess.TimedOut.self) {
            try await ChildProcess.run(["/bin/sh", "-c", script], environment: ["PATH": "/usr/bin:/bin"], timeout: 1)
        }
        for name in ["shell", "background"] {
            let pid = try #require(ChildProcessTests.pid(in: env.root + "/" + name), "\(name) never started")
            #expect(ChildProcessTests.waitUntilGone(pid), "the timed-out child's \(name) (pid \(pid)) is still running")
        }
    }

    /// The same for a validation script (runCapped): its background children end with it at the limit.
    @Test func grandchildrenOfATimedOutScriptDoNotSurvive() async throws {
        let env = try TestEnvironment("capped-group")
        let script = "sleep 1000 & echo $! > \(env.root)/background; echo $$ > \(env.root)/shell; sleep 1000"
        let r = try await ChildProcess.runCapped(["/bin/sh", "-c", script], environment: ["PATH": "/usr/bin:/bin"], directory: env.root,
                                                 input: "", timeout: 1)
        #expect(r.timedOut)
        for name in ["shell", "background"] {
            let pid = try #require(ChildProcessTests.pid(in: env.root + "/" + name), "\(name) never started")
            #expect(ChildProcessTests.waitUntilGone(pid), "the timed-out script's \(name) (pid \(pid)) is still running")
        }
        // One that finishes in time is not a time-out, and its output comes back.
        let quick = try await ChildProcess.runCapped(["/bin/sh", "-c", "cat; echo done; exit 2"], environment: ["PATH": "/usr/bin:/bin"],
                                                     directory: env.root, input: "in\n", timeout: 60)
        #expect(quick.exitCode == 2 && quick.output == "in\ndone\n", "\(quick)")
    }

    static func pid(in file: String) -> pid_t? {
        // Written by the shell before it sleeps; it ran before the time-out.
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Polls until `pid` is gone (or a zombie nobody reaped: in a container
    /// whose init does not reap, a killed orphan stays one), with a generous deadline.
    static func waitUntilGone(_ pid: pid_t, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func missingProgramsAreLaunchErrors() async {
        await #expect(throws: ChildProcess.LaunchError.self) {
            try await ChildProcess.run(["hforge-no-such-program"], environment: ["PATH": "/usr/bin:/bin"])
        }
    }
}
