import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit
import HyperforgeRealm

/// Keeps each member's realm fresh while the coordinator runs: every member
/// repository registered for a realm (`CoordinatorStore.members`) whose last
/// fetch (`FetchRecord`) is older than `background_fetch_age` is fetched in
/// the background, one at a time, by a child process of our own executable
/// (`hyperforge-coordinator --background-fetch PATH REALM`, which runs
/// `Realm.backgroundFetch`: `git realm fetch`'s own fetch and checks).
///
/// - A child has no terminal and empty standard input, runs in
///   `Realm.backgroundEnvironment` (no prompts of git, ssh or credential
///   managers), in a process group of its own that is stopped after
///   `timeout` seconds.
/// - It never blocks a command: it stands aside when a command is fetching
///   or writing the realm there (`FetchLock`), and is tried again later.
/// - It is not activity: its requests to us do not reset the idle timer, and
///   it never starts a coordinator. When we stop, none starts, and the one
///   running is waited for (bounded by `timeout`) after the socket and the
///   singleton lock are given up, so a new coordinator can start meanwhile.
/// - Failures are logged with the member's path and the realm (URLs redacted,
///   as every realm error writes them) and tried again after the age,
///   doubling with each failure in a row up to an hour (or the age, when
///   longer); `GET /members` (`git realm coordinator status`) shows each
///   member's last fetch, attempt and error.
final class BackgroundFetcher: @unchecked Sendable {
    /// Nil: off.
    let maxAge: Double?
    let timeout: Double
    private let store: CoordinatorStore
    private let log: CoordinatorLog
    private let environment: [String: String]
    private let lock = Lock()
    private var states: [String: MemberState] = [:]
    private var stopping = false
    private var passes = 0

    struct MemberState {
        var lastAttempt: Date?
        var lastOutcome: String?
        var lastError: String?
        var failures = 0
        var nextAttempt: Date?
        var running = false
    }

    init(maxAge: Double?, timeout: Double = 60, store: CoordinatorStore, log: CoordinatorLog, environment: [String: String]) {
        self.maxAge = maxAge
        self.timeout = timeout
        self.store = store
        self.log = log
        self.environment = environment
    }

    /// How often members are looked at: a quarter of the age, from a quarter
    /// of a second to half a minute.
    var checkInterval: Double { min(max((maxAge ?? 30) / 4, 0.25), 30) }

    func stop() { lock.lock(); stopping = true; lock.unlock() }
    var isFetching: Bool { lock.lock(); defer { lock.unlock() }; return states.values.contains { $0.running } }
    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Runs until `stop()`; returns once the fetch in progress (if any) ended.
    func run() async {
        guard let maxAge else { return }
        log.write("background fetch: a member's realm is fetched when its last fetch is more than \(Self.seconds(maxAge)) old")
        while !isStopping {
            let until = Date().addingTimeInterval(checkInterval)
            while !isStopping && Date() < until { try? await Task.sleep(nanoseconds: 50_000_000) }
            if isStopping { break }
            await pass(maxAge: maxAge)
            lock.lock(); passes += 1; lock.unlock()
        }
    }

    static func key(_ realm: String, _ path: String) -> String { realm + "\u{0}" + path }

    /// The member's common git directory (where its `FetchRecord` is) and
    /// whether it has a fetched realm at all; nil when it is not a repository.
    static func inspect(_ path: String, realm: String, environment: [String: String]) -> (commonDirectory: String, fetched: Bool)? {
        guard let repository = try? Repository.open(at: path, environment: GitEnvironment.detached(environment)) else { return nil }
        let fetched = ((try? repository.resolve(Membership.fetchedRef(realm: realm))) ?? nil) != nil
        return (repository.commonDirectory, fetched)
    }

    /// One look at every member: those due are fetched, one after another.
    private func pass(maxAge: Double) async {
        guard let members = try? store.members() else { return }
        var seen = Set<String>()
        for (realm, path) in members {
            if isStopping { return }
            let key = Self.key(realm, path)
            let now = Date()
            lock.lock()
            let state = states[key] ?? MemberState()
            lock.unlock()
            if let next = state.nextAttempt, now < next { continue }
            guard let found = Self.inspect(path, realm: realm, environment: environment) else {
                await fetch(realm: realm, path: path, key: key) // the child says why, and it is forgotten
                continue
            }
            // Two paths of one repository (worktrees) are one member.
            guard seen.insert(realm + "\u{0}" + found.commonDirectory).inserted else { continue }
            guard found.fetched else { continue } // never fetched here: that is for 'git realm fetch' or a join
            if let at = FetchRecord.read(commonDirectory: found.commonDirectory, realm: realm), now.timeIntervalSince(at) < maxAge { continue }
            await fetch(realm: realm, path: path, key: key)
        }
    }

    private func fetch(realm: String, path: String, key: String) async {
        guard let maxAge else { return }
        let started = Date()
        update(key) { $0.running = true; $0.lastAttempt = started }
        let outcome = await Self.runChild(path: path, realm: realm, timeout: timeout, environment: environment)
        let now = Date()
        let member = "realm \(realm) into \(path)"
        var state = current(key)
        state.running = false
        switch outcome {
        case .fetched(let from, let to):
            log.write("background fetch: \(member): \(from.map { String($0.prefix(12)) } ?? "(none)")..\(to.prefix(12))")
            state.succeeded(now: now, maxAge: maxAge, outcome: "fetched \(to.prefix(12))")
        case .unchanged(let commit):
            if state.failures > 0 { log.write("background fetch: \(member) works again (up to date at \(commit.prefix(12)))") }
            state.succeeded(now: now, maxAge: maxAge, outcome: "up to date")
        case .skipped(let reason):
            log.write("background fetch: \(member) skipped: \(reason); trying again in \(Self.seconds(checkInterval))")
            state.lastOutcome = "skipped: \(reason)"
            state.nextAttempt = now.addingTimeInterval(checkInterval)
        case .notAMember(let reason):
            log.write("background fetch: forgetting \(path) for realm \(realm): \(reason)")
            try? store.removeMember(realm: realm, path: path)
            lock.lock(); states[key] = nil; lock.unlock()
            return
        case .failed(let message, let status):
            state.failures += 1
            let delay = min(maxAge * pow(2, Double(min(state.failures - 1, 20))), max(maxAge, 3600))
            state.nextAttempt = now.addingTimeInterval(delay)
            state.lastError = message
            state.lastOutcome = "failed (exit \(status))"
            let oneLine = message.split(separator: "\n").map { String($0).trimmed() }.joined(separator: " / ")
            log.write("background fetch: \(member) failed (exit \(status)): \(oneLine); next attempt in \(Self.seconds(delay))")
        }
        lock.lock(); states[key] = state; lock.unlock()
    }

    private func current(_ key: String) -> MemberState {
        lock.lock(); defer { lock.unlock() }
        return states[key] ?? MemberState()
    }

    private func update(_ key: String, _ change: (inout MemberState) -> Void) {
        lock.lock()
        var s = states[key] ?? MemberState()
        change(&s)
        states[key] = s
        lock.unlock()
    }

    /// The child: our own executable as the coordinator, in the background
    /// environment; its last line is the outcome (`Realm.BackgroundFetchOutcome.json`).
    static func runChild(path: String, realm: String, timeout: Double, environment: [String: String]) async -> Realm.BackgroundFetchOutcome {
        // /proc/self/exe: exactly this executable, even if an upgrade replaced the file meanwhile.
        let arguments = ["/proc/self/exe", "coordinator", backgroundFetchFlag, path, realm]
        let result: ChildProcess.CappedResult
        do {
            result = try await ChildProcess.runCapped(arguments, environment: Realm.backgroundEnvironment(environment), directory: "/",
                                                      input: "", timeout: timeout)
        } catch {
            return .failed(message: "cannot start the background fetch: \(error)", exitStatus: ExitStatus.environment.rawValue)
        }
        guard let code = result.exitCode else {
            return .failed(message: "the fetch did not finish within \(seconds(timeout)) and was stopped", exitStatus: ExitStatus.failure.rawValue)
        }
        let lines = result.output.split(separator: "\n")
        if let last = lines.last(where: { $0.hasPrefix(outcomePrefix) }),
           let json = try? JSONParser.parse(String(last.dropFirst(outcomePrefix.count))), let outcome = Realm.BackgroundFetchOutcome(json: json) {
            return outcome
        }
        let said = RemoteURL.redactedText(result.output).trimmedLines()
        return .failed(message: "the background fetch ended with exit status \(code) without a result\(said.isEmpty ? "" : ": " + said)", exitStatus: code)
    }

    static let backgroundFetchFlag = "--background-fetch"
    static let outcomePrefix = "background-fetch-outcome: "

    /// `hyperforge-coordinator --background-fetch PATH REALM`: run by the
    /// coordinator itself (never by hand); prints its outcome as the last line.
    static func child(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 3, arguments[0] == backgroundFetchFlag else {
            _ = writeAll(2, Array("usage: hyperforge-coordinator \(backgroundFetchFlag) PATH REALM (the coordinator runs this itself)\n".utf8))
            return ExitStatus.usage.rawValue
        }
        // No terminal even when the coordinator was started from one by hand:
        // give up a controlling terminal, so neither git nor ssh can open /dev/tty.
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        if tty >= 0 {
            _ = ioctl(tty, UInt(TIOCNOTTY))
            close(tty)
        }
        let outcome = await Realm.backgroundFetch(member: arguments[1], realm: arguments[2], context: Context.process())
        let line = outcomePrefix + outcome.json.jsonText + "\n"
        _ = writeAll(1, Array(line.utf8))
        return ExitStatus.success.rawValue
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }

    /// `GET /members`: the setting, and each registered member with its last
    /// fetch (from its repository), attempt, outcome and error.
    func report() -> JSONValue {
        let members = (try? store.members()) ?? []
        lock.lock()
        let states = self.states
        let passes = self.passes
        lock.unlock()
        func time(_ d: Date?) -> JSONValue { d.map { .string(Timestamp.utc($0)) } ?? .null }
        let list: [JSONValue] = members.map { realm, path in
            let s = states[Self.key(realm, path)] ?? MemberState()
            let found = Self.inspect(path, realm: realm, environment: environment)
            let fetchedAt = found.flatMap { FetchRecord.read(commonDirectory: $0.commonDirectory, realm: realm) }
            return .object([
                "realm": .string(realm), "path": .string(path), "fetched_at": time(fetchedAt),
                "last_attempt_at": time(s.lastAttempt), "last_outcome": s.lastOutcome.map(JSONValue.string) ?? .null,
                "last_error": s.lastError.map(JSONValue.string) ?? .null, "failures": .integer(Int64(s.failures)),
                "next_attempt_at": time(s.nextAttempt), "fetching": .bool(s.running),
            ])
        }
        return .object([
            "background_fetch_age": maxAge.map(JSONValue.number) ?? .null,
            "check_interval": maxAge == nil ? .null : .number(checkInterval),
            "passes": .integer(Int64(passes)),
            "members": .array(list),
        ])
    }
}

extension BackgroundFetcher.MemberState {
    mutating func succeeded(now: Date, maxAge: Double, outcome: String) {
        failures = 0
        lastError = nil
        lastOutcome = outcome
        // Not before the age again, even if its record could not be written.
        nextAttempt = now.addingTimeInterval(maxAge)
    }
}

extension Realm.BackgroundFetchOutcome {
    var json: JSONValue {
        switch self {
        case .fetched(let from, let to): return .object(["outcome": .string("fetched"), "from": from.map(JSONValue.string) ?? .null, "to": .string(to)])
        case .unchanged(let c): return .object(["outcome": .string("unchanged"), "commit": .string(c)])
        case .skipped(let r): return .object(["outcome": .string("skipped"), "reason": .string(r)])
        case .notAMember(let r): return .object(["outcome": .string("not_a_member"), "reason": .string(r)])
        case .failed(let m, let s): return .object(["outcome": .string("failed"), "message": .string(m), "exit_status": .integer(Int64(s))])
        }
    }

    init?(json: JSONValue) {
        func str(_ k: String) -> String? { if case .string(let s)? = json[k] { return s }; return nil }
        switch str("outcome") {
        case "fetched"?: guard let to = str("to") else { return nil }; self = .fetched(from: str("from"), to: to)
        case "unchanged"?: guard let c = str("commit") else { return nil }; self = .unchanged(c)
        case "skipped"?: self = .skipped(str("reason") ?? "")
        case "not_a_member"?: self = .notAMember(str("reason") ?? "")
        case "failed"?:
            guard let m = str("message"), case .integer(let s)? = json["exit_status"] else { return nil }
            self = .failed(message: m, exitStatus: Int32(clamping: s))
        default: return nil
        }
    }
}
