import Foundation
import HyperforgeCore
@testable import HyperforgeRealm
import HyperforgeSecrets
import Testing

/// Issue 12: every number from a flag, an environment variable or a
/// configuration file is range-checked before use, floats included. On the
/// main of that issue `--script-timeout inf` (also 1e308 and 18446744074),
/// `approval_timeout = inf` or `nan` and `idle_timeout = inf` ended in
/// SIGILL (exit 132); the coordinator died without a log line and clients
/// said only that it "did not answer within 3 s".
@Suite struct RangeCheckTests {
    typealias World = RealmEndToEndTests.World

    /// No crash, no Swift runtime text: the exit status is ours.
    static func expectNoCrash(_ r: TestEnvironment.Result, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.code < 128, "killed by a signal: \(r)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Program crashed"), "\(r)", sourceLocation: sourceLocation)
    }

    @Test func rangesRefuseInfinityNaNAndWhatOverflows() {
        let r = NumberRange.scriptTimeout
        for bad in [Double.infinity, -.infinity, .nan, 1e308, 18_446_744_074, 0, -1, 86_400.5] { #expect(!r.contains(bad), "\(bad)") }
        for good in [0.001, 1, 60, 86_400] { #expect(r.contains(good), "\(good)") }
        for text in ["inf", "nan", "-inf", "infinity", "1e400", "0x10", " 5", "5 ", "", "1_000"] { #expect(r.parse(text) == nil, "\(text)") }
        #expect(r.parse("2.5") == 2.5 && r.parse("1e3") == 1000)
        #expect(r.description == "a number of seconds from 0.001 to 86400")
        #expect(!NumberRange.logLines.contains(1.5) && NumberRange.logLines.contains(100_000) && !NumberRange.logLines.contains(100_001))
        #expect(NumberRange.logLines.description == "a whole number of lines from 1 to 100000")
        #expect(!NumberRange.port.contains(0) && NumberRange.port.contains(65_535) && !NumberRange.port.contains(65_536))
    }

    /// `git realm check --script-timeout inf|1e308|18446744074|nan|0`: a
    /// usage error naming the flag and the range; the core refuses the same
    /// values when called without the argument parser (as hooks do).
    @Test func scriptTimeoutOutOfRangeIsAUsageErrorNamingTheFlagAndRange() async throws {
        let w = try RealmCheckTests.world("range-script-timeout")
        for value in ["inf", "1e308", "18446744074", "nan", "0", "86401"] {
            let r = try w.run("aperture", "check", "--mode", "exporter", "--no-cache", "--script-timeout", value)
            Self.expectNoCrash(r)
            #expect(r.code == 64, "\(value): \(r)")
            #expect(r.stderr.contains("--script-timeout ") && r.stderr.contains("it must be a number of seconds from 0.001 to 86400"), "\(value): \(r)")
        }
        let ok = try w.run("aperture", "check", "--mode", "exporter", "--no-cache", "--script-timeout", "0.5")
        #expect(ok.code == 0, "\(ok)")

        var o = Realm.CheckOptions()
        o.target = Realm.Target(path: w.members["aperture"]!)
        for bad in [Double.infinity, .nan, 1e308, 18_446_744_074, -1] {
            o.scriptTimeout = bad
            let context = w.env.context(in: w.members["aperture"]!)
            await #expect(throws: RealmError.self) { _ = try await Realm.check(o, context: context) }
        }
    }

    /// auth.toml `approval_timeout = inf` / `nan` (and what is out of range):
    /// the file, the line, the key and the range; a float in range works.
    @Test func approvalTimeoutOutOfRangeNamesFileLineAndRange() throws {
        let env = try TestEnvironment("range-approval")
        let auth = env.home + "/.config/hyperforge/auth.toml"
        for value in ["inf", "nan", "-inf", "+inf", "-1", "86401", "1e6"] {
            try env.write("[auth]\ndefault_policy = \"auto\"\napproval_timeout = \(value)\n", to: auth)
            let r = try env.run("git", ["scope", "providers"])
            Self.expectNoCrash(r)
            #expect(r.code == 3, "\(value): \(r)")
            let shown = value == "+inf" ? "inf" : value == "1e6" ? "1000000.0" : value
            #expect(r.stderr.contains("\(auth):3: 'auth.approval_timeout' = \"\(shown)\" is not a number of seconds from 0 to 86400"), "\(value): \(r)")
            #expect(r.stderr.contains("hint: change it at \(auth):3"), "\(r)")
        }
        // A float in range (a debug build once read no TOML float at all: two libstdc++ copies).
        try env.write("[auth]\napproval_timeout = 1.5\n", to: auth)
        let ok = try env.run("git", ["scope", "providers"])
        #expect(ok.code == 0, "\(ok)")
        #expect(try AuthConfig.parse("[auth]\napproval_timeout = 2.5\n", path: "a.toml").approvalTimeout == 2.5)
    }

    /// coordinator.toml `idle_timeout = inf` (nan, 0.5, 1e300...): the
    /// coordinator started directly says why in its log and exits 3; a
    /// client says it cannot start and points at the file and line, and a
    /// command that only registers a session goes on with a note saying so.
    @Test func idleTimeoutOutOfRangeIsReportedByTheCoordinatorAndItsClients() throws {
        let env = try TestEnvironment("range-idle")
        env.environment.removeValue(forKey: "HFORGE_COORDINATOR_IDLE_TIMEOUT")
        let config = env.home + "/.config/hyperforge/coordinator.toml"
        let paths = CoordinatorPaths(environment: env.environment)
        for value in ["inf", "nan", "-inf", "0.5", "0", "86401", "1e300"] {
            try env.write("idle_timeout = \(value)\n", to: config)
            let direct = try env.run("hyperforge-coordinator", [])
            Self.expectNoCrash(direct)
            #expect(direct.code == 3, "\(value): \(direct)")
            let log = try String(contentsOfFile: paths.log, encoding: .utf8)
            let shown = value == "1e300" ? "1e+300" : value == "0" ? "0" : value
            #expect(log.contains("cannot start: \(config):1: 'idle_timeout' = \"\(shown)\" is not a number of seconds from 1 to 86400"), "\(value): \(log)")

            let r = try env.run("git", ["realm", "coordinator", "status", "--start"])
            Self.expectNoCrash(r)
            #expect(r.code == 3, "\(value): \(r)")
            #expect(r.stderr.contains("the coordinator cannot start: \(config):1: 'idle_timeout'"), "\(value): \(r)")
            #expect(!r.stderr.contains("did not answer"), "\(r)")
        }
        // A repository's command needs no coordinator: it says once why sessions are unavailable.
        let repo = try env.makeRepository("r")
        #expect(try env.run("git", ["realm", "admin", "init", "--name", "idle"]).code == 0)
        #expect(try env.git("realm", "admin", "join", "idle", in: repo).code == 0)
        let status = try env.run("git", ["realm", "status"], in: repo)
        #expect(status.code == 0, "\(status)")
        #expect(status.stderr.contains("sessions are unavailable (the coordinator cannot start: \(config):1"), "\(status)")

        // The environment's override is checked the same way.
        try FileManager.default.removeItem(atPath: config)
        let inf = try env.run("git", ["realm", "coordinator", "status", "--start"], extraEnvironment: ["HFORGE_COORDINATOR_IDLE_TIMEOUT": "inf"])
        Self.expectNoCrash(inf)
        #expect(inf.code == 3 && inf.stderr.contains("HFORGE_COORDINATOR_IDLE_TIMEOUT=inf is not a number of seconds from 1 to 86400"), "\(inf)")
        // In range, with a fraction: it starts and says so.
        try env.write("idle_timeout = 30.5\n", to: config)
        let ok = try env.run("git", ["realm", "coordinator", "status", "--start"])
        #expect(ok.code == 0 && ok.stdout.contains("idle timeout 30.5 s"), "\(ok)")
        _ = try env.run("git", ["realm", "coordinator", "stop"])
    }

    /// The rest of coordinator.toml's numbers and types.
    @Test func coordinatorConfigValuesAreCheckedWithFileAndLine() throws {
        let env = try TestEnvironment("range-coord-config")
        let config = env.home + "/.config/hyperforge/coordinator.toml"
        let paths = CoordinatorPaths(environment: env.environment)
        let cases: [(String, String)] = [
            ("[tcp]\nport = 70000\n", "\(config):2: 'tcp.port' = \"70000\" is not a TCP port number from 1 to 65535"),
            ("[tcp]\nport = 0\n", "\(config):2: 'tcp.port' = \"0\" is not a TCP port number from 1 to 65535"),
            ("[tcp]\nport = 80.5\n", "\(config):2: 'tcp.port' = \"80.5\" is not a TCP port number from 1 to 65535"),
            ("[tcp]\nport = inf\n", "\(config):2: 'tcp.port' = \"inf\" is not a TCP port number from 1 to 65535"),
            ("[tcp]\naddress = \"127.0.0.1\"\n", "\(config):1: 'tcp.port' must be a TCP port number from 1 to 65535, found nothing"),
            ("tcp = 5\n", "\(config):1: 'tcp' must be a table"),
            ("enabled = \"no\"\n", "\(config):1: 'enabled' must be true or false"),
            ("idle_timeout = \"300\"\n", "\(config):1: 'idle_timeout' must be a number of seconds from 1 to 86400, found string"),
        ]
        for (text, message) in cases {
            try env.write(text, to: config)
            #expect(throws: ConfigError.self) { _ = try CoordinatorConfig.load(paths, environment: [:]) }
            let r = try env.run("git", ["realm", "coordinator", "status", "--start"])
            #expect(r.code == 3 && r.stderr.contains(message), "\(text): \(r)")
        }
    }

    /// `git realm coordinator logs --lines -1` trapped (a negative suffix).
    @Test func logLinesOutOfRangeIsAUsageError() async throws {
        let env = try TestEnvironment("range-lines")
        for value in ["-1", "0", "100001"] {
            let r = try env.run("git", ["realm", "coordinator", "logs", "--lines=\(value)"])
            Self.expectNoCrash(r)
            #expect(r.code == 64 && r.stderr.contains("--lines \(value): it must be a whole number of lines from 1 to 100000"), "\(r)")
        }
        var o = Realm.CoordinatorOptions()
        o.lines = -1
        let context = env.context(in: env.root)
        await #expect(throws: RealmError.self) { _ = try await Realm.coordinatorLogs(o, context: context) }
        // The end of a log larger than what is read: the last lines, whole.
        let log = CoordinatorPaths(environment: env.environment).log
        try FileManager.default.createDirectory(atPath: FilePaths.parent(log)!, withIntermediateDirectories: true)
        let line = String(repeating: "x", count: 99) + "\n"
        var text = String(repeating: line, count: (Realm.logTail / 100) + 5000)
        text += "last but one\nthe last line\n"
        try env.write(text, to: log)
        let tail = try env.run("git", ["realm", "coordinator", "logs", "--lines", "2"])
        #expect(tail.code == 0 && tail.stdout == "last but one\nthe last line\n", "\(tail.stdout.suffix(200))")
        let many = try env.run("git", ["realm", "coordinator", "logs", "--lines", "100000"])
        #expect(many.code == 0 && many.stdout.split(separator: "\n").allSatisfy { $0 == line.dropLast() || $0 == "last but one" || $0 == "the last line" })
    }

    /// `--contract-version 18446744073709551615.0.0`: its consumers' range
    /// needs the next major, which does not exist; this trapped on the overflow.
    @Test func aContractVersionWithNoNextVersionIsRefused() throws {
        let w = try RealmEndToEndTests.world("range-contract-version", members: ["aperture", "fungal"])
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        let tip = try w.tip()
        for version in ["18446744073709551615.0.0", "0.18446744073709551615.0", "0.0.18446744073709551615"] {
            let r = try w.run("aperture", "admin", "domain", "create", "d", "--repos", "aperture,fungal", "--contract", "c", "--contract-version", version)
            Self.expectNoCrash(r)
            #expect(r.code == 64 && r.stderr.contains("contract version name \"\(version)\" has no next version"), "\(r)")
        }
        #expect(try w.tip() == tip)
    }

    /// A port in a remote URL is a TCP port: `:0`, `:-1` or `:70000` make no URL
    /// (a custom forge's web_url with one is refused with its file:line).
    @Test func portsInRemoteURLsAreTCPPorts() throws {
        for bad in ["ssh://git@h.example:0/a/b", "ssh://git@h.example:65536/a/b", "ssh://git@h.example:-1/a/b",
                    "https://h.example:99999999999999999999/a/b", "ssh://git@[::1]:70000/a/b"] {
            #expect(RemoteURL.parse(bad) == nil, "\(bad)")
        }
        #expect(RemoteURL.parse("ssh://git@h.example:65535/a/b")?.port == 65535)
        let env = try TestEnvironment("range-url-port")
        let repo = try env.makeRepository("tool")
        try env.write("forges = [\"work\"]\norg = \"alice\"\n[custom_forges.work]\nkind = \"gitea\"\nhost = \"h.example\"\nweb_url = \"https://h.example:70000\"\n",
                      to: repo + "/.hyperforge/config.toml")
        let r = try env.git("hforge", "config", in: repo)
        #expect(r.code == 3 && r.stderr.contains("config.toml:6: 'custom_forges.work.web_url' = \"https://h.example:70000\" is not an http(s) URL"), "\(r)")
    }
}
