import Glibc
import HyperforgeCore
import HyperforgeGit

/// Takes a realm's new tip only after checking it. Every fetch (`git realm
/// fetch`, `status --fetch`, `check --fetch`, a write's own fetch, the
/// coordinator's sync) goes through here: the branch is fetched into a
/// temporary ref, read with the strict reader and cross-checked
/// (`RealmReader`, as `RealmSnapshot` does), and compared with what this
/// repository last took. Only then does `refs/realm/<realm>/fetched` move. A
/// malformed tip, or one whose history does not contain the fetched commit
/// (a force-push or a roll-back), leaves `fetched` at the last good commit.
/// The coordinator's background fetch (`Realm.backgroundFetch`) is this same
/// fetch with `Party.background`.
enum RealmIntake {
    struct Taken {
        /// `fetched` before, nil when the realm was never fetched here.
        var before: String?
        var after: String
        /// The realm at `after`, read and checked (nil when unchanged and not read).
        var state: RealmState?
        /// Commits of `before` that `after` no longer has (`--accept-rewrite`): "abc1234 subject".
        var lost: [String]
    }

    /// Who is fetching: decides the `FetchLock` and whether the fetch is
    /// recorded (`FetchRecord`).
    enum Party: Sendable {
        /// A command in a member repository: the lock held shared for the whole fetch.
        case command(realm: String)
        /// The coordinator's background fetch: the same fetch and checks, but
        /// it skips (`Busy`) rather than wait for a command or move the ref under one.
        case background(realm: String)
        /// A private scratch repository (dry runs, writes that start a realm): no lock, no record.
        case scratch
    }

    /// A background fetch stood aside for a command (it is retried later).
    struct Busy: HyperforgeError {
        let repository: String
        let reason: String
        var exitStatus: ExitStatus { .failure }
        var description: String { "skipped the background fetch into \(repository): \(reason)" }
    }

    /// Fetches `branch` of `url`, checks it and moves `ref` to it.
    /// `acceptRewrite`: take a tip that does not descend from `ref`, naming the lost commits.
    /// `outcome`: what a malformed tip's error says happened (default: `ref` stays at the last good commit).
    static func fetch(url: String, branch: String, into ref: String, repository: Repository, acceptRewrite: Bool = false,
                      outcome: String? = nil, party: Party = .scratch, context: Context) async throws -> Taken? {
        let place = repository.workingDirectory ?? repository.gitDirectory
        var held: FetchLock?
        switch party {
        case .command: held = FetchLock.command(repository)
        case .background:
            // A command fetching or writing now: leave it alone.
            guard let probe = FetchLock.background(repository) else { throw Busy(repository: place, reason: "a git realm command is fetching or writing the realm there") }
            probe.release()
        case .scratch: break
        }
        defer { held?.release() }
        let before = try repository.resolve(ref)
        let incoming = incomingRef(repository)
        defer { incoming.remove() }
        let commit: String
        switch try await RealmGit.fetch(url: url, branch: branch, into: incoming.name, repository: repository, context: context) {
        case .noBranch: return nil
        case .fetched(let c): commit = c
        }
        FaultPoint.reach("realm-intake.fetched")
        if commit == before {
            try take(commit, before: before, into: ref, message: "", repository: repository, party: party, context: context)
            return Taken(before: before, after: commit, state: nil, lost: [])
        }
        let kept = outcome ?? before.map { "\(ref) stays at the last good commit \($0.prefix(12))" } ?? "\(ref) was not created: this repository has no good realm yet"
        let state = try await read(commit, url: url, repository: repository, outcome: kept, context: context)
        var lost: [String] = []
        if let before, try !repository.isDescendant(commit, of: before) {
            lost = try await lostCommits(from: before, to: commit, repository: repository, context: context)
            guard acceptRewrite else {
                throw RealmError.historyRewritten(url: RemoteURL.redacted(url), branch: branch, fetched: before, tip: commit, lost: lost)
            }
        }
        try await checkWriters(commit, since: before, state: state, url: url, branch: branch, ref: ref, repository: repository,
                               outcome: kept, context: context)
        try take(commit, before: before, into: ref, message: lost.isEmpty ? "git realm: fetched" : "git realm: fetched a rewritten history",
                 repository: repository, party: party, context: context)
        return Taken(before: before, after: commit, state: state, lost: lost)
    }

    /// The last step: `ref` moves to `commit` (checked) and the fetch is recorded.
    /// A background fetch does it only under the exclusive lock and only when
    /// `ref` is still where it started (no command took a fetch meanwhile).
    private static func take(_ commit: String, before: String?, into ref: String, message: String, repository: Repository,
                             party: Party, context: Context) throws {
        switch party {
        case .scratch:
            if commit != before { try repository.setReference(ref, to: commit, message: message) }
        case .command(let realm):
            if commit != before { try repository.setReference(ref, to: commit, message: message) }
            FetchRecord.write(repository, realm: realm, at: context.now())
        case .background(let realm):
            let place = repository.workingDirectory ?? repository.gitDirectory
            guard let lock = FetchLock.background(repository) else {
                throw Busy(repository: place, reason: "a git realm command started fetching or writing the realm there")
            }
            defer { lock.release() }
            guard try repository.resolve(ref) == before else {
                throw Busy(repository: place, reason: "\(ref) moved meanwhile (a command fetched the realm)")
            }
            if commit != before { try repository.setReference(ref, to: commit, message: message + " (in the background)") }
            FetchRecord.write(repository, realm: realm, at: context.now())
        }
    }

    /// A temporary ref for a fetched tip not yet checked:
    /// `refs/realm-incoming/<pid>-<random>`. Deleted when done, and on
    /// SIGINT/SIGTERM (`Interruption`); those of killed runs (their process
    /// gone) are deleted first.
    struct IncomingRef {
        let name: String
        let repository: Repository
        let token: Interruption.Token

        func remove() {
            try? repository.deleteReference(name)
            Interruption.unregister(token)
        }
    }

    static let incomingPrefix = "refs/realm-incoming/"

    static func incomingRef(_ repository: Repository) -> IncomingRef {
        sweepIncoming(repository)
        let name = incomingPrefix + "\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        return IncomingRef(name: name, repository: repository,
                           token: Interruption.register(.reference(name, gitDirectory: repository.commonDirectory)))
    }

    /// Deletes the temporary refs of runs that are gone (a `kill -9` mid-fetch).
    /// Returns their names.
    @discardableResult
    static func sweepIncoming(_ repository: Repository) -> [String] {
        guard let names = try? repository.references(under: incomingPrefix) else { return [] }
        var removed: [String] = []
        for name in names {
            let rest = name.dropFirst(incomingPrefix.count)
            let digits = rest.prefix { $0 != "-" }
            guard let pid = pid_t(digits), Leftovers.processIsGone(pid) else { continue }
            if (try? repository.deleteReference(name)) != nil { removed.append(name) }
        }
        return removed
    }

    /// The realm at `commit`, read strictly; a malformed realm is an error naming the file, line and commit.
    static func read(_ commit: String, url: String, repository: Repository, outcome: String, context: Context) async throws -> RealmState {
        let problem: RealmFileError
        do { return try RealmReader.state(of: repository, commit: commit) } catch let e as RealmFileError { problem = e }
        let log = try? await RealmGit.run(["log", "-1", "--format=%h %s (%an, %cI)", commit, "--"], gitDir: repository.commonDirectory, context: context)
        let shown = log.map { $0.stdout.trimmedLines() }.flatMap { $0.isEmpty ? nil : $0 } ?? String(commit.prefix(12))
        throw RealmError.malformedRealm(url: RemoteURL.redacted(url), commit: shown, problem: problem.description, outcome: outcome)
    }

    /// The rules of `git realm check --realm` that a fetch holds a signed realm's new commits to:
    /// those that say who wrote a commit. A signature by a key the realm does not
    /// list for those files, no signature, a commit changing several repositories'
    /// files (no one maintainer can sign for it) and a merge of more than two
    /// parents are what a forger's push looks like; a malformed commit in the
    /// middle of the range is refused too, because the commit after it cannot
    /// be told whose it is (its files are compared with nothing) and so would go
    /// unchecked. A wrong version step, a value that does not fit its schema
    /// and a dependency cycle are not refused here: they are mistakes of a
    /// writer the realm lists (the commit is theirs, signed), an unsigned realm
    /// takes them today, and refusing them would stop every member's fetch
    /// until a history that cannot be edited is repaired; `check --realm`
    /// reports them and the guard refuses them at push time.
    static let writerRules: Set<RealmHistoryFinding.Rule> = [.signature, .oneRepository, .merge, .wellFormed]

    /// In a realm that requires signed commits (realm.yaml at the last good
    /// commit, or at the new tip), the commits `tip` brings (`before..tip`;
    /// the whole history on a first fetch) checked with `check --realm`'s
    /// checker. A commit that turns the requirement off is checked under it (its
    /// first parent asks for it), so it must be signed by an approver. Findings of
    /// `writerRules` on commits made while signatures were required refuse the
    /// tip (`RealmError.untrustedCommits`): `ref` then stays where it is.
    static func checkWriters(_ tip: String, since before: String?, state: RealmState, url: String, branch: String, ref: String,
                             repository: Repository, outcome: String, context: Context) async throws {
        guard try await signaturesRequired(tip, since: before, state: state, repository: repository, context: context) else { return }
        var checker = RealmHistoryChecker(gitDir: repository.commonDirectory, environment: GitEnvironment.detached(context.environment), context: context)
        let report = try await checker.check(tip: tip, exclude: before)
        let refused = report.findings.filter { writerRules.contains($0.rule) && checker.signingRequired[$0.commit] == true }
        guard !refused.isEmpty else { return }
        let shown = refused.map { f in
            "[\(f.rule.rawValue)] commit \(f.summary): " + (f.file.map { $0 + (f.line.map { ":\($0)" } ?? "") + ": " } ?? "") + f.message
        }
        let range = before.map { "\($0.prefix(12))..\(tip.prefix(12))" } ?? String(tip.prefix(12))
        throw RealmError.untrustedCommits(url: RemoteURL.redacted(url), branch: branch, findings: shown, good: before,
                                          check: "git realm check --realm --range \(range)", outcome: outcome)
    }

    /// Whether realm.yaml asks for signed commits at the new tip, at the last
    /// good commit, or at any commit of the range that changes it: a member
    /// that last fetched before the realm turned signatures on must not take
    /// an unsigned commit that turns them off again. One `git log` of the
    /// range's realm.yaml (every side of a merge); a realm.yaml that does not
    /// read there counts as asking.
    static func signaturesRequired(_ tip: String, since before: String?, state: RealmState, repository: Repository,
                                   context: Context) async throws -> Bool {
        if state.snapshot?.manifest.trust.requireSignedCommits ?? false { return true }
        let log = try await RealmGit.run(["log", "--full-history", "--format=%H", tip] + (before.map { ["^" + $0] } ?? []) + ["--", "realm.yaml"],
                                         gitDir: repository.commonDirectory, context: context)
        guard log.exitCode == 0 else { return true }
        for commit in (before.map { [$0] } ?? []) + log.stdout.split(separator: "\n").map(String.init) {
            let bytes = try? repository.file(atCommit: commit, path: "realm.yaml")
            // Removed or malformed there: the range is checked (the checker then says, commit by commit, what was required).
            guard case .manifest(let m)? = bytes.flatMap({ try? RealmSnapshot.parse(path: "realm.yaml", bytes: $0) }) else { return true }
            if m.trust.requireSignedCommits { return true }
        }
        return false
    }

    /// "abc1234 subject" for each commit reachable from `old` but not from `new`, newest first.
    static func lostCommits(from old: String, to new: String, repository: Repository, context: Context) async throws -> [String] {
        let r = try await RealmGit.run(["log", "--format=%h %s", "\(new)..\(old)", "--"], gitDir: repository.commonDirectory, context: context)
        return r.stdout.split(separator: "\n").map(String.init)
    }
}
