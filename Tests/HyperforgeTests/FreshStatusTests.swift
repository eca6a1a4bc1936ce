import Foundation
@testable import HyperforgeCoordinator
import HyperforgeCore
@testable import HyperforgeRealm
import Testing

/// Fresh realm status (issue 13): `git realm status` says how old the
/// fetched realm is, and the coordinator fetches members' realms in the
/// background, through `git realm fetch`'s own checks, without prompting and
/// without getting in a command's way.
@Suite struct FreshStatusTests {
    typealias World = RealmEndToEndTests.World

    /// Waits for `condition` (polling, with a deadline generous enough for a busy machine).
    static func eventually(_ seconds: Double = 120, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    /// aperture and fungal joined to a realm, with a coordinator that fetches
    /// in the background at `age` (the value of `background_fetch_age`) and
    /// stays up meanwhile (the tests stop it).
    static func world(_ name: String, age: String, before: (World) throws -> Void = { _ in }) throws -> World {
        let w = try RealmEndToEndTests.world(name, members: ["aperture", "fungal"])
        w.env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "120"
        try w.env.write("background_fetch_age = \(age)\n", to: w.env.home + "/.config/hyperforge/coordinator.toml")
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root) // one started with other settings
        try before(w)
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        return w
    }

    static func fetched(_ w: World, _ m: String) throws -> String {
        try w.env.run("git", ["rev-parse", "--verify", "-q", "refs/realm/letemcook/fetched"], in: w.members[m]!).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func log(_ w: World) -> String {
        (try? String(contentsOfFile: w.env.home + "/.local/state/hyperforge/coordinator.log", encoding: .utf8)) ?? ""
    }

    static func record(_ w: World, _ m: String) -> String { w.members[m]! + "/.git/realm/fetched-at/letemcook" }

    // MARK: how old

    @Test func statusSaysHowOldTheFetchedRealmIs() throws {
        let w = try RealmEndToEndTests.world("fresh-age", members: ["aperture", "fungal"])
        w.env.environment["HFORGE_COORDINATOR"] = "off"
        for m in ["aperture", "fungal"] { try w.ok(m, "admin", "join", w.realm) }
        let justFetched = try w.ok("aperture", "status", "--fetch")
        #expect(justFetched.range(of: #"^aperture in realm letemcook \(.*\) at [0-9a-f]{12}, as of (just now|[0-9]+ s ago)\n"#,
                                  options: .regularExpression) != nil, "\(justFetched)")

        // Three minutes and twenty seconds ago, as the record says (written
        // right before the command, so a slow machine still reads "3 min").
        func recordFetch(secondsAgo: Double) throws -> Date {
            let then = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - secondsAgo).rounded(.down))
            try w.env.write("\(Int(then.timeIntervalSince1970))\n", to: Self.record(w, "aperture"))
            return then
        }
        _ = try recordFetch(secondsAgo: 200)
        let text = try w.ok("aperture", "status")
        #expect(text.split(separator: "\n").first?.hasSuffix(", as of 3 min ago") == true, "\(text)")
        let then = try recordFetch(secondsAgo: 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(w.ok("aperture", "status", "--json").utf8)) as? [String: Any])
        #expect(json["fetched_at"] as? String == Timestamp.utc(then), "\(json)")

        // A fetch records the time again, and so does a write that landed; a
        // refused fetch does not (the realm's history rewritten).
        func fetchedAt() throws -> Date? {
            let json = try JSONSerialization.jsonObject(with: Data(w.ok("aperture", "status", "--json").utf8)) as? [String: Any]
            return (json?["fetched_at"] as? String).flatMap(Timestamp.parse)
        }
        try w.ok("aperture", "fetch")
        #expect(try fetchedAt().map { $0 > then } == true)
        _ = try recordFetch(secondsAgo: 200)
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        #expect(try fetchedAt().map { $0 > then } == true)
        try w.env.gitOK("--git-dir=\(w.realmGitDir)", "update-ref", "refs/heads/main", "main~1", in: w.env.root)
        _ = try recordFetch(secondsAgo: 200)
        #expect(try w.run("aperture", "fetch").code == 2)
        #expect(try w.ok("aperture", "status").contains(", as of 3 min ago\n"))

        // No record (a fetch by an older version): said so, and null in the JSON.
        try FileManager.default.removeItem(atPath: Self.record(w, "aperture"))
        #expect(try w.ok("aperture", "status").contains(", fetched at a time not recorded (run 'git realm fetch')\n"))
        let unknown = try w.ok("aperture", "status", "--json")
        #expect(unknown.contains("\"fetched_at\" : null"), "\(unknown)")
    }

    @Test func agesReadAsPeopleSayThem() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let cases: [(Double, String)] = [(0, "just now"), (0.9, "just now"), (1, "1 s ago"), (59, "59 s ago"), (60, "1 min ago"),
                                         (185, "3 min ago"), (3599, "59 min ago"), (3600, "1 h ago"), (86_399, "23 h ago"),
                                         (86_400, "1 day ago"), (3 * 86_400 + 5, "3 days ago"), (-30, "just now")]
        for (seconds, said) in cases {
            #expect(FetchRecord.age(of: now.addingTimeInterval(-seconds), now: now) == said, "\(seconds) s")
        }
        for text in ["2026-01-24T10:00:00Z", "2026-12-31T23:59:59.250Z"] {
            #expect(Timestamp.parse(text).map { Timestamp.utc($0, milliseconds: text.count == 24) } == text)
        }
        for bad in ["2026-01-24 10:00:00Z", "2026-13-01T00:00:00Z", "2026-01-24T10:00:00", "yesterday", ""] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// Times are formatted and read by arithmetic (no time zone file): the same text as gmtime_r's.
    @Test func utcTimesAreGmtimes() {
        var samples: [Int64] = [0, -1, 59, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800, 253_402_300_799,
                                -62_135_596_800, 1_800_000_000]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { samples.append(Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng)) }
        for t in samples {
            var time = time_t(t)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                                  parts.tm_hour, parts.tm_min, parts.tm_sec)
            let text = Timestamp.utc(Date(timeIntervalSince1970: Double(t)))
            #expect(text == expected, "\(t)")
            if t >= -62_135_596_800 + 86_400 { #expect(Timestamp.parse(text)?.timeIntervalSince1970 == Double(t), "\(text)") }
        }
        #expect(Timestamp.utc(Date(timeIntervalSince1970: 1_800_000_000.25), milliseconds: true) == "2027-01-15T08:00:00.250Z")
    }

    // MARK: the setting

    @Test func backgroundFetchAgeIsRangeCheckedWithItsLine() throws {
        let env = try TestEnvironment("fresh-config")
        let file = env.home + "/.config/hyperforge/coordinator.toml"
        let paths = CoordinatorPaths(environment: env.environment)
        func load(_ text: String) throws -> CoordinatorConfig {
            try env.write(text, to: file)
            return try CoordinatorConfig.load(paths, environment: [:])
        }
        #expect(try load("idle_timeout = 60\n").backgroundFetchAge == 300)
        #expect(try load("background_fetch_age = 1\n").backgroundFetchAge == 1)
        #expect(try load("background_fetch_age = 90.5\n").backgroundFetchAge == 90.5)
        #expect(try load("background_fetch_age = 604800\n").backgroundFetchAge == 604_800)
        #expect(try load("background_fetch_age = false\n").backgroundFetchAge == nil)
        for (value, found) in [("0", "\"0\" is not"), ("604801", "\"604801\" is not"), ("-5", "\"-5\" is not"), ("nan", "\"nan\" is not"),
                               ("inf", "is not"), ("true", "found true"), ("\"5 min\"", "found")] {
            do {
                _ = try load("idle_timeout = 60\nbackground_fetch_age = \(value)\n")
                Issue.record("background_fetch_age = \(value) was accepted")
            } catch let e as ConfigError {
                #expect(e.description.hasPrefix("\(file):2"), "\(e.description)")
                #expect(e.description.contains("background_fetch_age") && e.description.contains(found)
                        && e.description.contains("from 1 to 604800, or false to turn background fetches off"), "\(e.description)")
            }
        }
    }

    /// The member paths a coordinator database from before the background
    /// fetch knew (one per realm) become members when it is migrated.
    @Test func membersOfAnOlderDatabaseAreKept() throws {
        let env = try TestEnvironment("fresh-migrate")
        let path = env.root + "/coordinator.db"
        let old = try SQLiteDatabase(path: path)
        try old.execute(CoordinatorStore.schema.migrations[0])
        _ = try old.query("INSERT INTO realms (name, forgejo_url, local_path) VALUES ('letemcook', 'url', '/src/aperture')")
        try old.execute("PRAGMA user_version = 1")
        let store = try CoordinatorStore(path: path, warn: { Issue.record("\($0)") })
        #expect(try store.members().map { "\($0.realm) \($0.path)" } == ["letemcook /src/aperture"])
        try store.addMember(realm: "letemcook", path: "/src/fungal")
        try store.addMember(realm: "letemcook", path: "/src/fungal")
        #expect(try store.members().map(\.path) == ["/src/aperture", "/src/fungal"])
        try store.removeMember(realm: "letemcook", path: "/src/aperture")
        #expect(try store.members().map(\.path) == ["/src/fungal"])
    }

    // MARK: the coordinator's background fetch

    @Test func theCoordinatorBringsAMembersStatusUpToDate() throws {
        let w = try Self.world("fresh-bg", age: "1")
        let fungal = w.members["fungal"]!
        // aperture changes the realm; fungal runs nothing.
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        let tip = try w.tip()
        // (Not checked that fungal lacks it first: with a 1 s age the
        // coordinator may already have fetched it on a busy machine. The log
        // below says the coordinator did it, and fungal ran nothing.)
        #expect(try Self.eventually { try Self.fetched(w, "fungal") == tip }, "fungal's realm was not fetched in the background: \(Self.log(w))")
        // Logged once the fetch has ended (the ref moves first).
        #expect(Self.eventually { Self.log(w).contains("background fetch: realm letemcook into \(fungal): ") }, "\(Self.log(w))")
        let status = try w.ok("fungal", "status")
        #expect(status.contains("  s3-access (consumer) with aperture\n") && status.contains("imports s3-permissions"), "\(status)")
        #expect(status.range(of: #"at [0-9a-f]{12}, as of (just now|[0-9]+ s ago)\n"#, options: .regularExpression) != nil, "\(status)")
        // And the coordinator shows it.
        let shown = try w.ok("fungal", "coordinator", "status")
        #expect(shown.contains("background fetch: each member's realm, when its last fetch is more than 1 s old"), "\(shown)")
        #expect(shown.contains("  letemcook in \(fungal): fetched "), "\(shown)")
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
    }

    @Test func turnedOffNothingIsFetchedInTheBackground() throws {
        let w = try Self.world("fresh-off", age: "false")
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        let before = try Self.fetched(w, "fungal")
        let client = CoordinatorClient(environment: w.env.environment)
        let members = try #require(try client.json("GET", "/members"))
        #expect(members["background_fetch_age"] == .null && members["check_interval"] == .null, "\(members.jsonText)")
        guard case .string(let started)? = client.health()?["started_at"], let since = Timestamp.parse(started) else {
            Issue.record("no coordinator"); return
        }
        // Had it fetched at 1 s, it would have done so by the time it has run for five.
        #expect(Self.eventually { Date().timeIntervalSince(since) > 5 })
        #expect(client.health() != nil)
        #expect(try Self.fetched(w, "fungal") == before)
        #expect(!Self.log(w).contains("background fetch"), "\(Self.log(w))")
        #expect(try w.ok("fungal", "coordinator", "status").contains("background fetch: off (background_fetch_age = false in coordinator.toml)"))
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
    }

    @Test func aRewrittenRealmIsRefusedInTheBackgroundAsByFetch() throws {
        let w = try Self.world("fresh-rewrite", age: "1")
        let fungal = w.members["fungal"]!
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        let good = try w.tip()
        #expect(try Self.eventually { try Self.fetched(w, "fungal") == good }, "\(Self.log(w))")
        // The realm rolled back by one commit: fungal's fetched commit is no longer in it.
        try w.env.gitOK("--git-dir=\(w.realmGitDir)", "update-ref", "refs/heads/main", "main~1", in: w.env.root)
        let refusal = "background fetch: realm letemcook into \(fungal) failed (exit 2): the realm's branch main at \(w.realmGitDir) was rewritten"
        #expect(Self.eventually { Self.log(w).contains(refusal) }, "\(Self.log(w))")
        #expect(try Self.fetched(w, "fungal") == good)
        let line = try #require(Self.log(w).split(separator: "\n").first { $0.contains(refusal) })
        #expect(line.contains("taking it would lose 1 commit") && line.contains("hint: if the rewrite is intended, take it with 'git realm fetch --accept-rewrite'"), "\(line)")
        // The same refusal as git realm fetch's, word for word.
        let fetch = try w.run("fungal", "fetch")
        #expect(fetch.code == 2, "\(fetch)")
        let first = try #require(fetch.stderr.split(separator: "\n").first).replacingOccurrences(of: "error: ", with: "")
        #expect(line.contains(first), "\(first)\n\(line)")
        let shown = try w.ok("fungal", "coordinator", "status")
        #expect(shown.contains("  letemcook in \(fungal): fetched ") && shown.contains("failed (exit 2): the realm's branch main"), "\(shown)")
        #expect(try Self.fetched(w, "fungal") == good)
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
    }

    @Test func aBackgroundFetchNeverPrompts() throws {
        guard SmartHTTPServer.isAvailable else { return }
        let askpassLog = "askpass-called"
        let w = try Self.world("fresh-prompt", age: "1") { w in
            // Whatever would ask: git's askpass (and ssh's), a terminal prompt allowed.
            try w.env.write("#!/bin/sh\necho \"$@\" >> \(w.env.root)/\(askpassLog)\necho guessed\n", to: w.env.root + "/askpass")
            chmod(w.env.root + "/askpass", 0o755)
            w.env.environment["GIT_ASKPASS"] = w.env.root + "/askpass"
            w.env.environment["SSH_ASKPASS"] = w.env.root + "/askpass"
            w.env.environment["SSH_ASKPASS_REQUIRE"] = "force"
            w.env.environment.removeValue(forKey: "GIT_TERMINAL_PROMPT")
        }
        let server = try SmartHTTPServer(in: w.env, token: "the-right-token")
        _ = try server.createRepository("realm.git", env: w.env)
        // The realm moved to a server that demands a token: fungal has no
        // credentials for it (git would ask for a user name), aperture a wrong one.
        let secret = "wrong-secret-7f3a"
        try w.env.gitOK("config", "realm.url", server.baseURL + "/realm.git", in: w.members["fungal"]!)
        try w.env.gitOK("config", "realm.url", "http://alice:\(secret)@127.0.0.1:\(server.port)/realm.git", in: w.members["aperture"]!)
        for m in ["fungal", "aperture"] {
            #expect(Self.eventually { Self.log(w).contains("background fetch: realm letemcook into \(w.members[m]!) failed (exit 1)") }, "\(Self.log(w))")
        }
        #expect(server.entries.contains { $0.hasPrefix("denied no-credentials") } && server.entries.contains("denied wrong-token user=alice"), "\(server.entries)")
        #expect(!FileManager.default.fileExists(atPath: w.env.root + "/" + askpassLog), "a background fetch ran askpass")
        #expect(Self.log(w).contains("terminal prompts disabled"), "\(Self.log(w))")
        #expect(!Self.log(w).contains(secret), "\(Self.log(w))")
        let shown = try w.ok("fungal", "coordinator", "status")
        #expect(shown.contains("failed (exit 1)") && !shown.contains(secret), "\(shown)")
        // A command the user runs may still ask (the askpass above is real).
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
        w.env.environment["HFORGE_COORDINATOR"] = "off"
        let byHand = try w.run("fungal", "fetch")
        #expect(byHand.code == 1 && FileManager.default.fileExists(atPath: w.env.root + "/" + askpassLog), "\(byHand)")
    }

    /// A scope whose policy asks for approval is not asked for by a background
    /// fetch (the credential helper it runs answers nothing): no pending request appears.
    @Test func aBackgroundFetchAsksForNoApproval() throws {
        let env = try TestEnvironment("fresh-approval")
        try env.write("[auth]\ndefault_policy = \"approve\"\napproval_timeout = 0\n", to: env.home + "/.config/hyperforge/auth.toml")
        let scope = "git/github/acme/repo/tool/token"
        #expect(try env.run("git", ["scope", "set", scope], input: "tok-1").code == 0)
        let r = try env.run("git", ["scope", "get", scope], extraEnvironment: [CoordinatorClient.backgroundVariable: "1"])
        #expect(r.code == 2 && r.stdout.isEmpty, "\(r)")
        #expect(r.stderr.contains("scope \(scope) needs approval, and a background fetch of the coordinator asks for none"), "\(r)")
        let pending = try env.run("git", ["scope", "pending", "--json"])
        let requests = try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [Any]
        #expect(pending.code == 0 && requests?.isEmpty == true, "\(pending)")
        // Without the mark, the same get makes a request (which times out at once here).
        let asked = try env.run("git", ["scope", "get", scope])
        #expect(asked.code == 2 && asked.stderr.contains("nobody approved request"), "\(asked)")
        let after = try JSONSerialization.jsonObject(with: Data(env.run("git", ["scope", "pending", "--json"]).stdout.utf8)) as? [Any]
        #expect(after?.count == 1)
    }

    @Test func aBackgroundFetchStandsAsideForACommand() throws {
        let w = try Self.world("fresh-aside", age: "1")
        // fungal's lock held as a command holds it while it fetches or writes.
        let lockPath = w.members["fungal"]! + "/.git/realm/fetch.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(fd >= 0 && flock(fd, LOCK_SH) == 0)
        try w.ok("aperture", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal", "--contract", "s3-permissions")
        let tip = try w.tip()
        let skipped = "background fetch: realm letemcook into \(w.members["fungal"]!) skipped: a git realm command is fetching or writing the realm there"
        #expect(Self.eventually { Self.log(w).contains(skipped) }, "\(Self.log(w))")
        #expect(try Self.fetched(w, "fungal") != tip)
        // Commands are not held up meanwhile: a command's lock is shared.
        #expect(try w.ok("fungal", "status", "--fetch").contains("s3-access (consumer)"))
        #expect(try Self.fetched(w, "fungal") == tip)
        flock(fd, LOCK_UN)
        close(fd)
        try w.ok("aperture", "admin", "domain", "create", "more", "--repos", "aperture,fungal", "--contract", "more-things")
        let next = try w.tip()
        #expect(try Self.eventually { try Self.fetched(w, "fungal") == next }, "\(Self.log(w))")
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
    }

    @Test func backgroundFetchesDoNotKeepTheCoordinatorRunning() throws {
        let w = try Self.world("fresh-idle", age: "1")
        let client = CoordinatorClient(environment: w.env.environment)
        // Restarted with a short idle timeout: only our own requests count as activity.
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
        w.env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "3"
        let short = CoordinatorClient(environment: w.env.environment)
        try short.ensureRunning(timeout: 120)
        guard case .integer(let pid)? = short.health()?["pid"] else { Issue.record("not running"); return }
        // Fetching meanwhile (a member's last fetch is older than 1 s every second or two).
        #expect(Self.eventually {
            guard case .array(let members)? = try? client.json("GET", "/members")?["members"] else { return false }
            return members.contains { $0["last_outcome"] == .string("up to date") }
        }, "\(Self.log(w))")
        // Requests as the background fetch sends them (with its header) keep
        // coming while we wait: they are not activity either.
        var background = w.env.environment
        background[CoordinatorClient.backgroundVariable] = "1"
        let asBackground = CoordinatorClient(environment: background)
        let deadline = Date().addingTimeInterval(120)
        var exited = false
        while !exited && Date() < deadline {
            _ = try? asBackground.call("GET", "/members")
            exited = CoordinatorTests.waitForExit(pid_t(pid), seconds: 0.3)
        }
        #expect(exited, "still running while only background requests came: \(Self.log(w))")
        #expect(Self.log(w).contains("idle for 3 s with no sessions: stopping"), "\(Self.log(w))")
    }
    @Test func stoppingDuringABackgroundFetchLetsTheNextToolStartOne() throws {
        let started = "ssh-started", gate = "ssh-gate"
        let w = try Self.world("fresh-stop", age: "1") { w in
            // An ssh that hangs until the test lets it go.
            w.env.environment["GIT_SSH_COMMAND"] = "sh -c 'touch \(w.env.root)/\(started); while [ ! -e \(w.env.root)/\(gate) ]; do sleep 0.1; done; exit 1'"
        }
        let fungal = w.members["fungal"]!
        try w.env.gitOK("config", "realm.url", "ssh://git@example.invalid/realm.git", in: fungal)
        #expect(Self.eventually { FileManager.default.fileExists(atPath: w.env.root + "/" + started) }, "\(Self.log(w))")
        let client = CoordinatorClient(environment: w.env.environment)
        guard case .integer(let old)? = client.health()?["pid"] else { Issue.record("not running"); return }
        kill(pid_t(old), SIGTERM)
        #expect(Self.eventually(60) { !FileManager.default.fileExists(atPath: client.paths.socket) }, "\(Self.log(w))")
        // It waits for its fetch; the next tool is not kept from a coordinator meanwhile.
        try client.ensureRunning(timeout: 120)
        guard case .integer(let new)? = client.health()?["pid"] else { Issue.record("no new coordinator"); return }
        #expect(new != old && CoordinatorTests.alive(pid_t(old)))
        #expect(Self.log(w).contains("[\(old)] stopped listening; waiting for the background fetch in progress"), "\(Self.log(w))")
        _ = FileManager.default.createFile(atPath: w.env.root + "/" + gate, contents: nil)
        #expect(CoordinatorTests.waitForExit(pid_t(old), seconds: 120), "\(Self.log(w))")
        #expect(Self.log(w).contains("[\(old)] background fetch: realm letemcook into \(fungal) failed (exit 1)"), "\(Self.log(w))")
        #expect(Self.log(w).contains("[\(old)] stopped"), "\(Self.log(w))")
        _ = try w.env.run("git", ["realm", "coordinator", "stop"], in: w.env.root)
    }
}
