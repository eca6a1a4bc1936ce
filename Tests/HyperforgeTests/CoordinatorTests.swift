import Foundation
import HyperforgeCore
import HyperforgeSecrets
import Testing

/// The coordinator as a real process: started on demand by clients (in
/// this process and as `git realm` commands), one per user, surviving
/// faults. Each test has its own runtime and state directories.
@Suite struct CoordinatorTests {
    static func client(_ env: TestEnvironment) -> CoordinatorClient { CoordinatorClient(environment: env.environment) }

    static func pid(_ client: CoordinatorClient) throws -> pid_t {
        guard case .integer(let p)? = client.health()?["pid"] else { throw CoordinatorError.notRunning(socket: client.paths.socket) }
        return pid_t(p)
    }

    static func alive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno != ESRCH }

    static func waitForExit(_ pid: pid_t, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            // Our children (when this process spawned it) need reaping to disappear.
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            if !alive(pid) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Coordinator processes serving this test's runtime directory.
    static func coordinators(_ env: TestEnvironment) -> [pid_t] {
        var found: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: cmdline, as: UTF8.self).contains("hyperforge-coordinator"),
                  let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                  String(decoding: environ, as: UTF8.self).contains("XDG_RUNTIME_DIR=\(env.root)/run\u{0}") else { continue }
            if let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8), stat.contains(") Z ") { continue } // zombie
            found.append(pid)
        }
        return found
    }

    @Test func aHundredConcurrentClientsLoseNoSessionAndLeaveNoneBehind() throws {
        let env = try TestEnvironment("coord-100")
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let failures = ResultBox(count: 100)
        DispatchQueue.concurrentPerform(iterations: 100) { i in
            do {
                let repo = "repo-\(i)"
                let created = try client.json("POST", "/sessions", .object(["repo": .string(repo), "realm": .string("bench"), "pid": .integer(Int64(getpid()))]))
                guard case .string(let id)? = created?["id"] else { throw CoordinatorError.badResponse(status: 0, message: "no id") }
                let listed = try client.json("GET", "/sessions?repo=\(repo)")
                guard case .array(let sessions)? = listed?["sessions"], sessions.count == 1, sessions[0]["id"] == .string(id) else {
                    throw CoordinatorError.badResponse(status: 0, message: "session \(id) not listed: \(listed?.jsonText ?? "")")
                }
                try client.json("DELETE", "/sessions/\(id)")
            } catch {
                failures.set(i, TestEnvironment.Result(code: 1, stdout: "", stderr: "\(error)"))
            }
        }
        let errors = failures.all.compactMap { $0?.stderr }
        #expect(errors.isEmpty, "\(errors)")
        let left = try client.json("GET", "/sessions")
        #expect(left?["sessions"] == .array([]), "\(left?.jsonText ?? "")")
    }

    @Test func twentyToolsStartingAtOnceMakeExactlyOneCoordinator() throws {
        let env = try TestEnvironment("coord-20")
        let results = ResultBox(count: 20)
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            results.set(i, try? env.run("git", ["realm", "coordinator", "status", "--start", "--json"], in: env.root))
        }
        var pids = Set<String>()
        for r in results.all {
            #expect(r?.code == 0, "\(String(describing: r))")
            if let out = r?.stdout, let json = try? JSONParser.parse(out), case .integer(let p)? = json["pid"] { pids.insert(String(p)) }
        }
        #expect(pids.count == 1, "answers came from \(pids)")
        // The losers of the lock race exit at once; wait for that, not for a time.
        let settled = Date().addingTimeInterval(60)
        while Self.coordinators(env).count > 1 && Date() < settled { usleep(20_000) }
        #expect(Self.coordinators(env).count == 1, "\(Self.coordinators(env))")
    }

    @Test func killDashNineLosesNoAcknowledgedWrite() throws {
        let env = try TestEnvironment("coord-kill")
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let victim = try Self.pid(client)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var written: [String: Int64] = [:]  // version -> id, answered 2xx
            var acked: Set<Int64> = []
            var stop = false
        }
        let log = Log()
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { writerDone.signal() }
            var i = 0
            while true {
                log.lock.lock(); let stop = log.stop; log.lock.unlock()
                if stop { break }
                i += 1
                let version = "1.0.\(i)"
                if let n = try? client.json("POST", "/notifications", .object([
                    "realm": .string("r"), "domain": .string("d"), "contract": .string("c"), "from_repo": .string("aperture"),
                    "change_type": .string("updated"), "version": .string(version), "changes": .array([.string("x")]),
                ])), case .integer(let id)? = n["id"] {
                    log.lock.lock(); log.written[version] = id; log.lock.unlock()
                    if i % 2 == 0, (try? client.json("POST", "/notifications/\(id)/ack", .object(["repo": .string("fungal")]))) != nil {
                        log.lock.lock(); log.acked.insert(id); log.lock.unlock()
                    }
                } else {
                    usleep(2_000)
                }
            }
        }
        writer.start()
        // Kill it once a fair number of writes were answered (a count, not a time).
        let enough = Date().addingTimeInterval(120)
        while Date() < enough {
            log.lock.lock(); let n = log.written.count; log.lock.unlock()
            if n > 20 { break }
            usleep(10_000)
        }
        #expect(kill(victim, SIGKILL) == 0)
        #expect(Self.waitForExit(victim))
        log.lock.lock(); log.stop = true; log.lock.unlock()
        writerDone.wait()   // its last request has failed or been answered

        try client.ensureRunning(timeout: 120) // a new one, over the dead one's socket and lock
        #expect(try Self.pid(client) != victim)
        let all = try client.json("GET", "/notifications?realm=r&all=1")
        guard case .array(let list)? = all?["notifications"] else { Issue.record("no list"); return }
        log.lock.lock(); defer { log.lock.unlock() }
        #expect(log.written.count > 10, "only \(log.written.count) writes before the kill")
        var byVersion: [String: [JSONValue]] = [:]
        for n in list { if case .string(let v)? = n["version"] { byVersion[v, default: []].append(n) } }
        for (version, id) in log.written {
            let found = byVersion[version] ?? []
            #expect(found.count == 1 && found.first?["id"] == .integer(id), "version \(version): \(found)")
            if log.acked.contains(id) {
                #expect(found.first?["acknowledged_by"] == .array([.string("fungal")]), "ack of \(id) lost")
            }
        }
    }

    @Test func aStaleSocketAndLockDoNotBlockANewCoordinator() throws {
        let env = try TestEnvironment("coord-stale")
        let client = Self.client(env)
        try client.paths.prepareRuntimeDirectory()
        // A socket file nobody listens on, a lock file nobody holds, a pid file of a dead process.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in client.paths.socket.utf8.enumerated() { raw[i] = b } }
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: client.paths.socket))
        try "stale\n".write(toFile: client.paths.lock, atomically: false, encoding: .utf8)
        try "999999\n".write(toFile: client.paths.pidFile, atomically: false, encoding: .utf8)
        #expect(client.health() == nil)
        try client.ensureRunning(timeout: 120)
        #expect(client.health() != nil)
    }

    @Test func onlyThisUserCanReachIt() throws {
        let env = try TestEnvironment("coord-perm")
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        var st = stat()
        #expect(stat(client.paths.runtimeDirectory, &st) == 0 && st.st_mode & 0o777 == 0o700 && st.st_uid == getuid())
        #expect(stat(client.paths.socket, &st) == 0 && st.st_mode & 0o077 == 0, "socket mode \(String(st.st_mode & 0o777, radix: 8))")
        #expect(stat(client.paths.database, &st) == 0 && st.st_mode & 0o077 == 0)
        // Another user (nobody) cannot connect.
        if getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            let r = try env.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                     "/usr/bin/python3", "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')",
                                                     client.paths.socket])
            #expect(r.code != 0 && r.stderr.contains("PermissionError") && !r.stdout.contains("connected"), "\(r)")
        }
        // A runtime directory others may enter is made private, one owned by someone else refused.
        chmod(client.paths.runtimeDirectory, 0o755)
        try client.paths.prepareRuntimeDirectory()
        #expect(stat(client.paths.runtimeDirectory, &st) == 0 && st.st_mode & 0o777 == 0o700)
        // One that others may write is refused, naming the mode and the fix.
        let runtime = client.paths.runtimeDirectory
        chmod(runtime, 0o777)
        let writable = #expect(throws: CoordinatorError.self) { try client.paths.prepareRuntimeDirectory() }
        #expect(writable?.description.contains("refusing to use directory \(runtime) (owner ") == true && writable?.description.contains("mode 0777") == true, "\(String(describing: writable))")
        #expect(writable?.hint?.contains("chmod 700 \(runtime)") == true)
        chmod(runtime, 0o700)
        // So is a coordinator.db someone else owns.
        if getuid() == 0 {
            chown(client.paths.database, 65534, 65534)
            let foreign = #expect(throws: CoordinatorError.self) { try client.paths.prepareStateDirectory() }
            #expect(foreign?.description.contains("refusing to use \(client.paths.database) (owner nobody (uid 65534)") == true, "\(String(describing: foreign))")
            chown(client.paths.database, 0, 0)
        }
        if getuid() == 0 {
            let other = env.root + "/foreign-run"
            try FileManager.default.createDirectory(atPath: other + "/hyperforge", withIntermediateDirectories: true)
            chown(other + "/hyperforge", 65534, 65534)
            var e = env.environment
            e["XDG_RUNTIME_DIR"] = other
            #expect(throws: CoordinatorError.self) { try CoordinatorPaths(environment: e).prepareRuntimeDirectory() }
        }
    }

    @Test func tcpModeRefusesRequestsWithoutTheToken() throws {
        let env = try TestEnvironment("coord-tcp")
        let port = TestEnvironment.freeTCPPort()
        try env.write("idle_timeout = 30\n[tcp]\nport = \(port)\n", to: env.home + "/.config/hyperforge/coordinator.toml")
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        // The TCP listener may open a moment after the socket the client waited for.
        var anonymous = try? UnixHTTPClient.send(.tcp(host: "127.0.0.1", port: port), method: "GET", path: "/sessions")
        let deadline = Date().addingTimeInterval(60)
        while anonymous == nil && Date() < deadline {
            usleep(20_000)
            anonymous = try? UnixHTTPClient.send(.tcp(host: "127.0.0.1", port: port), method: "GET", path: "/sessions")
        }
        let answered = try #require(anonymous, "the TCP listener on \(port) never answered")
        #expect(answered.status == 401, "\(answered.status) \(String(decoding: answered.body, as: UTF8.self))")
        let wrong = try UnixHTTPClient.send(.tcp(host: "127.0.0.1", port: port), method: "GET", path: "/sessions", headers: ["Authorization": "Bearer nope"])
        #expect(wrong.status == 401)
        let token = try String(contentsOfFile: client.paths.token, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var st = stat()
        #expect(stat(client.paths.token, &st) == 0 && st.st_mode & 0o077 == 0)
        let ok = try UnixHTTPClient.send(.tcp(host: "127.0.0.1", port: port), method: "GET", path: "/sessions", headers: ["Authorization": "Bearer \(token)"])
        #expect(ok.status == 200)
    }

    /// Raw bytes to the socket; the answer (or nothing).
    static func raw(_ path: String, _ request: String, wait: Double = 5) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }) == 0 else { return "" }
        var tv = timeval(tv_sec: Int(wait), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var answer: [UInt8] = []
        var out = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &out, out.count, 0)
            if n <= 0 { break }
            answer += out[0..<n]
            // Enough once the headers and the body they announce are in.
            let text = String(decoding: answer, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n"), let lengthLine = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
               let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
               answer.count >= text[..<end.upperBound].utf8.count + length { break }
        }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test func malformedRequestsGetHTTPErrorsAndNeverStopIt() throws {
        let env = try TestEnvironment("coord-bad")
        env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "60"
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let pid = try Self.pid(client)
        let badJSON = try client.call("POST", "/sessions", nil)
        #expect(badJSON.status == 400) // no body: repo and realm missing
        let notJSON = Self.raw(client.paths.socket, "POST /sessions HTTP/1.1\r\nContent-Length: 9\r\n\r\n{not json")
        #expect(notJSON.hasPrefix("HTTP/1.1 400") && notJSON.contains("not JSON"), "\(notJSON)")
        #expect(try client.call("GET", "/nowhere").status == 404)
        #expect(try client.call("PUT", "/sessions").status == 405)
        #expect(try client.call("DELETE", "/sessions/no-such-id").status == 404)
        #expect(try client.call("POST", "/notifications/abc/ack", .object(["repo": .string("x")])).status == 404)
        let wrongType = try client.call("POST", "/sessions", .object(["repo": .integer(5), "realm": .string("r")]))
        #expect(wrongType.status == 400 && String(decoding: wrongType.body, as: UTF8.self).contains("'repo' must be a non-empty string"))
        let huge = Self.raw(client.paths.socket, "POST /sessions HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n{")
        #expect(huge.hasPrefix("HTTP/1.1 413"), "\(huge)")
        let garbage = Self.raw(client.paths.socket, "NOT HTTP AT ALL\r\n\r\n", wait: 2)
        #expect(!garbage.hasPrefix("HTTP/1.1 2"), "\(garbage)")
        // A slow client holding a half-sent request does not block others.
        let slow = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in client.paths.socket.utf8.enumerated() { raw[i] = b } }
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(slow, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        _ = "GET /hea".withCString { Glibc.send(slow, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        #expect(client.health() != nil)
        close(slow)
        #expect(try Self.pid(client) == pid)
    }

    @Test func itExitsWhenIdleAndTheNextToolStartsANewOne() throws {
        let env = try TestEnvironment("coord-idle")
        env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "1"
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let first = try Self.pid(client)
        #expect(Self.waitForExit(first, seconds: 10), "still running after its idle timeout")
        #expect(!FileManager.default.fileExists(atPath: client.paths.socket))
        let r = try env.run("git", ["realm", "coordinator", "status", "--start", "--json"], in: env.root)
        #expect(r.code == 0 && r.stdout.contains("\"running\" : true"), "\(r)")
        #expect(try Self.pid(client) != first)
        let log = try String(contentsOfFile: client.paths.log, encoding: .utf8)
        #expect(log.contains("idle for 1 s with no sessions: stopping") && log.contains("stopped"), "\(log)")
    }

    @Test func sigtermStopsItCleanly() throws {
        let env = try TestEnvironment("coord-term")
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let pid = try Self.pid(client)
        let r = try env.run("git", ["realm", "coordinator", "stop"], in: env.root)
        #expect(r.code == 0 && r.stdout.contains("stopped (pid \(pid))"), "\(r)")
        #expect(!Self.alive(pid))
        #expect(!FileManager.default.fileExists(atPath: client.paths.socket))
        #expect(try env.run("git", ["realm", "coordinator", "logs"], in: env.root).stdout.contains("signal 15: stopping"))
    }

    @Test func aSIGTERMRightAfterTheFirstAnswerIsNotLost() throws {
        let env = try TestEnvironment("coord-quickstop")
        let client = Self.client(env)
        for _ in 0..<10 {
            try client.ensureRunning(timeout: 120)
            let pid = try Self.pid(client)
            kill(pid, SIGTERM)
            #expect(Self.waitForExit(pid), "pid \(pid) ignored SIGTERM right after it started")
        }
    }

    @Test func sessionsOfProcessesThatAreGoneAreRemoved() throws {
        let env = try TestEnvironment("coord-dead")
        env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "60"
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        // A pid that is certainly gone: a child that already exited and was reaped.
        let r = try env.run("sh", ["-c", "echo $$"], in: env.root)
        let dead = Int64(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        try client.json("POST", "/sessions", .object(["repo": .string("ghost"), "realm": .string("r"), "pid": .integer(dead)]))
        try client.json("POST", "/sessions", .object(["repo": .string("alive"), "realm": .string("r"), "pid": .integer(Int64(getpid()))]))
        var left: JSONValue?
        for _ in 0..<50 {
            left = try client.json("GET", "/sessions")?["sessions"]
            if case .array(let a)? = left, a.count == 1 { break }
            usleep(100_000)
        }
        guard case .array(let sessions)? = left else { Issue.record("no sessions"); return }
        #expect(sessions.count == 1 && sessions.first?["repo"] == .string("alive"), "\(sessions)")
        // And when it starts: a dead session left in the database is gone after a restart.
        try client.json("POST", "/sessions", .object(["repo": .string("ghost2"), "realm": .string("r"), "pid": .integer(dead)]))
        let pid = try Self.pid(client)
        kill(pid, SIGKILL)
        #expect(Self.waitForExit(pid))
        try client.ensureRunning(timeout: 120)
        let after = try client.json("GET", "/sessions?repo=ghost2")
        #expect(after?["sessions"] == .array([]), "\(after?.jsonText ?? "")")
    }

    @Test func sigtermLetsARequestInFlightFinish() throws {
        let env = try TestEnvironment("coord-inflight")
        env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "60"
        // A realm whose fetch takes a second and a half (ssh that waits, then fails).
        let started = env.root + "/fetch-started"
        env.environment["GIT_SSH_COMMAND"] = "sh -c 'touch \(started); sleep 1.5; echo slow ssh >&2; exit 1'"
        let repo = try env.makeRepository("member")
        try env.gitOK("config", "realm.name", "slow", in: repo)
        try env.gitOK("config", "realm.url", "ssh://git@example.invalid/slow.git", in: repo)
        try env.gitOK("config", "realm.repo", "member", in: repo)
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        try client.json("PUT", "/realms/slow", .object(["url": .string("ssh://git@example.invalid/slow.git"), "local_path": .string(repo)]))
        let pid = try Self.pid(client)
        let answer = ResultBox(count: 1)
        let request = Thread {
            let r = try? client.call("POST", "/realms/slow/sync", timeout: 20)
            answer.set(0, TestEnvironment.Result(code: Int32(r?.status ?? -1), stdout: String(decoding: r?.body ?? [], as: UTF8.self), stderr: ""))
        }
        request.start()
        // SIGTERM once the sync is really in flight (its fetch has started).
        let inFlight = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: started) && Date() < inFlight { usleep(20_000) }
        kill(pid, SIGTERM)
        #expect(Self.waitForExit(pid, seconds: 10))
        while answer.all[0] == nil { usleep(20_000) }
        let got = answer.all[0]!
        #expect(got.code == 502 && got.stdout.contains("slow ssh"), "\(got)")
    }

    @Test func pendingScopeApprovalsAppearWithTheNotifications() throws {
        let env = try TestEnvironment("coord-approvals")
        let store = try GrantStore(path: GrantStore.path(Paths(environment: env.environment)))
        let request = try store.request("git/github/acme/repo/tool/token", requester: "git push", at: Date())
        let client = Self.client(env)
        try client.ensureRunning(timeout: 120)
        let all = try client.json("GET", "/notifications")
        guard case .array(let approvals)? = all?["approvals"] else { Issue.record("no approvals"); return }
        #expect(approvals.first?["id"] == .integer(request.id) && approvals.first?["hint"] == .string("git scope approve \(request.id)"), "\(approvals)")
    }
}

/// `git realm` with the coordinator: sessions, notifications, and going on without it.
@Suite struct RealmSessionTests {
    @Test func commandsRegisterSessionsAndStatusShowsThemWithNotifications() throws {
        let w = try RealmCheckTests.world("session-e2e")
        let client = CoordinatorClient(environment: w.env.environment)
        // A long-lived session.
        let started = try w.run("aperture", "session", "start", "--topic", "training-metrics-v2")
        #expect(started.code == 0, "\(started)")
        // A command's session lives as long as the command: a check whose script
        // waits until the test has seen its session (a condition, not a time).
        let gate = w.env.root + "/release-check"
        try w.env.write("#!/bin/sh\ncat >/dev/null\nwhile [ ! -e \(gate) ]; do sleep 0.05; done\n",
                        to: w.members["aperture"]! + "/scripts/validate-s3-paths.sh")
        try RealmCheckTests.commitScripts(w, "aperture")
        let finished = DispatchSemaphore(value: 0)
        let check = Thread {
            _ = try? w.env.run("git", ["realm", "check", "--mode", "exporter", "--no-cache"], in: w.members["aperture"]!)
            finished.signal()
        }
        check.start()
        func sessions() -> [JSONValue]? {
            if case .array(let s)? = try? client.json("GET", "/sessions?repo=aperture")?["sessions"] { return s }
            return nil
        }
        var during: [JSONValue] = []
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let s = sessions(), s.count == 2 { during = s; break }
            if finished.wait(timeout: .now() + 0.03) == .success { finished.signal(); break }
        }
        #expect(during.contains { $0["client_id"] == .string("git realm check") }, "\(during)")
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        finished.wait()
        var left: [JSONValue] = []
        let ended = Date().addingTimeInterval(60)
        while Date() < ended {
            left = sessions() ?? []
            if left.count == 1 { break }
            usleep(30_000)
        }
        #expect(left.count == 1 && left.first?["active_rfc"] == .string("training-metrics-v2"), "\(left)")

        // aperture publishes 1.5.0: fungal is told, acknowledges, is not told again.
        let v15 = RealmCheckTests.contractV1.replacingOccurrences(of: "version: \"1.4.0\"\nowner", with: "version: \"1.5.0\"\nowner")
            + "  - version: \"1.5.0\"\n    changes: [\"Added experiments\"]\n    compatible: true\n"
        try RealmCheckTests.writeWorking(w, v15)
        try w.ok("aperture", "admin", "contract", "publish", ".hyperforge/contracts/s3-access/s3-permissions.yaml", "--domain", "s3-access")
        let status = try w.run("fungal", "status", "--fetch")
        #expect(status.code == 0, "\(status)")
        #expect(status.stdout.contains("Active sessions:\n  • aperture - working on training-metrics-v2"), "\(status)")
        #expect(status.stdout.contains("aperture: s3-permissions 1.4.0 → 1.5.0 (updated, domain s3-access)"), "\(status)")
        let json = try #require((try? JSONParser.parse(try w.run("fungal", "status", "--json").stdout)))
        guard case .array(let notes)? = json["notifications"], case .integer(let id)? = notes.last?["id"] else { Issue.record("\(json)"); return }
        #expect(try w.run("fungal", "ack", String(id)).code == 0)
        #expect(!(try w.run("fungal", "status").stdout.contains("1.4.0 → 1.5.0 (updated")))
        // aperture, who made the change, is not notified of it.
        #expect(!(try w.run("aperture", "status", "--fetch").stdout.contains("Notifications:")))

        let list = try w.run("aperture", "session", "list")
        #expect(list.stdout.contains("aperture - working on training-metrics-v2"), "\(list)")
        #expect(try w.run("aperture", "session", "end").code == 0)
        #expect(try client.json("GET", "/sessions")?["sessions"] == .array([]))
    }

    @Test func withoutACoordinatorRealmCommandsStillWorkAndSaySoOnce() throws {
        let w = try RealmEndToEndTests.world("session-none", members: ["aperture", "fungal"])
        w.env.environment["HFORGE_COORDINATOR_PROGRAM"] = "/nonexistent/hyperforge-coordinator"
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        let r = try w.run("aperture", "status")
        #expect(r.code == 0 && r.stdout.contains("aperture in realm letemcook"), "\(r)")
        #expect(r.stderr.components(separatedBy: "sessions are unavailable").count == 2, "\(r.stderr)")
        // Turned off: not a word.
        w.env.environment["HFORGE_COORDINATOR"] = "off"
        let quiet = try w.run("aperture", "status")
        #expect(quiet.code == 0 && quiet.stderr.isEmpty, "\(quiet)")
    }
}
