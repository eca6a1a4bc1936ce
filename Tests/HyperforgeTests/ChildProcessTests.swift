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

    @Test func missingProgramsAreLaunchErrors() async {
        await #expect(throws: ChildProcess.LaunchError.self) {
            try await ChildProcess.run(["hforge-no-such-program"], environment: ["PATH": "/usr/bin:/bin"])
        }
    }
}
