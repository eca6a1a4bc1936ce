import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

/// The realm at one commit: its files and what they say.
public struct RealmState: Sendable {
    /// Nil for a realm repository with no commit yet (`admin init`).
    public var commit: String?
    public var files: [String: [UInt8]]
    public var snapshot: RealmSnapshot?

    static let empty = RealmState(commit: nil, files: [:], snapshot: nil)

    func text(_ path: String) -> String? { files[path].flatMap { String(validating: $0, as: UTF8.self) } }
}

/// One change to a realm, worked out from its current state: the whole new
/// file set and the commit message.
public struct PlannedChange: Sendable {
    public var files: [String: [UInt8]]
    public var message: String

    public init(files: [String: [UInt8]], message: String) {
        self.files = files
        self.message = message
    }

    /// Sets `path` to `text`.
    public mutating func write(_ path: String, _ text: String) { files[path] = Array(text.utf8) }
}

/// What a write did (or, in a dry run, would do).
public struct RealmWriteOutcome: Sendable {
    public enum FileChange: Sendable, Equatable {
        case create(String), update(String), delete(String)
        public var description: String {
            switch self {
            case .create(let p): return "create \(p)"
            case .update(let p): return "update \(p)"
            case .delete(let p): return "delete \(p)"
            }
        }
        public var path: String { switch self { case .create(let p), .update(let p), .delete(let p): return p } }
    }
    /// The realm before the change (the state the change was built on).
    public var base: RealmState
    /// The new commit; nil when nothing changed or in a dry run.
    public var commit: String?
    public var changes: [FileChange]
    public var message: String
    /// How many times the change was rebuilt because another writer pushed first.
    public var retries: Int
    public var dryRun: Bool
}

/// Applies changes to a realm: fetch the realm's branch, build the change on
/// its tip, check it (every file parses, files agree, contract ownership),
/// write a commit and push it without force. When another writer pushed
/// first, fetch again and rebuild the change on the new tip, so concurrent
/// writers all land and none loses another's change.
///
/// In a member repository the realm is fetched into `refs/realm/<realm>/fetched`
/// and the new commit's objects are written there. Dry runs and `admin init`
/// work in a scratch bare repository that is removed afterwards, so a dry
/// run leaves the member repository byte-identical.
struct RealmWriter {
    enum Workspace {
        case member(Repository, Membership)
        case scratch
    }

    var url: String
    var branch: String
    var workspace: Workspace
    /// The repository making the change, for the ownership check (nil: none, e.g. `admin init`).
    var actingRepo: String?
    var context: Context
    var maxAttempts = 12
    /// Refs pushed with the new commit, all or nothing (`git push --atomic`):
    /// a merged proposal's record and its sync branch. Given the state the
    /// change was built on and the new commit; may write objects into the repository.
    var companions: ((RealmState, String) async throws -> [ProposalRefUpdate])?
    /// A merged proposal's branch (`head`, built on `base`): when the realm's
    /// tip is still `base`, the branch moves to `head` itself; otherwise the
    /// new commit is a merge with `head` as its second parent. Either way the
    /// realm's history keeps the proposal's own commit (and its author's signature).
    var mergeBranch: (base: String, head: String)?

    /// Runs `plan` against the realm's current state and lands its result.
    /// `plan` returns nil when there is nothing to change.
    /// `allowMissingBranch`: the realm may have no commit yet (`admin init`).
    func apply(dryRun: Bool, allowMissingBranch: Bool = false,
               _ plan: (RealmState) throws -> PlannedChange?) async throws -> RealmWriteOutcome {
        if dryRun || { if case .scratch = workspace { return true }; return false }() {
            let scratch = try Scratch(context: context)
            defer { scratch.remove() }
            let repo = try Repository.open(at: scratch.path, environment: scratch.environment(context))
            return try await loop(repo: repo, gitDir: scratch.path, trackingRef: "refs/realm-scratch/fetched",
                                  dryRun: dryRun, allowMissingBranch: allowMissingBranch,
                                  context: scratch.context(context), plan)
        }
        guard case .member(let repo, let membership) = workspace else { preconditionFailure() }
        // A background fetch stands aside while we write (FetchLock).
        let lock = FetchLock.command(repo)
        defer { lock.release() }
        return try await loop(repo: repo, gitDir: repo.commonDirectory, trackingRef: membership.fetchedRef, member: membership.realm,
                              dryRun: false, allowMissingBranch: allowMissingBranch, context: context, plan)
    }

    /// `member`: the realm's name when `repo` is a member repository (nil: a scratch repository).
    private func loop(repo: Repository, gitDir: String, trackingRef: String, member: String? = nil, dryRun: Bool, allowMissingBranch: Bool,
                      context: Context, _ plan: (RealmState) throws -> PlannedChange?) async throws -> RealmWriteOutcome {
        var retries = 0
        while true {
            let state: RealmState
            // A change is never built on a malformed realm, nor on commits a signed realm refuses; nothing is changed, here or in the realm.
            let refusal = "nothing was changed: a change is never built on a malformed realm, nor on commits a signed realm refuses"
            let tip: String?
            if let member {
                // The member's own fetched ref moves only to a tip that reads and descends from it (RealmIntake).
                tip = try await RealmIntake.fetch(url: url, branch: branch, into: trackingRef, repository: repo,
                                                  outcome: "\(refusal) (\(trackingRef) stays at the last good commit)",
                                                  party: .command(realm: member), context: context)?.after
            } else {
                switch try await RealmGit.fetch(url: url, branch: branch, into: trackingRef, repository: repo, context: context) {
                case .noBranch: tip = nil
                case .fetched(let commit): tip = commit
                }
            }
            if let tip {
                state = try await RealmIntake.read(tip, url: url, repository: repo, outcome: refusal, context: context)
            } else {
                guard allowMissingBranch else {
                    throw RealmError.notARealm(url: RemoteURL.redacted(url), branch: branch, gitOutput: "")
                }
                state = .empty
            }
            guard let change = try plan(state) else {
                return RealmWriteOutcome(base: state, commit: nil, changes: [], message: "", retries: retries, dryRun: dryRun)
            }
            let changes = RealmWriter.diff(state.files, change.files)
            if changes.isEmpty {
                return RealmWriteOutcome(base: state, commit: nil, changes: [], message: change.message, retries: retries, dryRun: dryRun)
            }
            let after: RealmSnapshot
            do { after = try RealmSnapshot.load(commit: "new", files: change.files) } catch {
                throw RealmError.invalidResult(error.description)
            }
            try Ownership.check(before: state, after: after, files: change.files, actingRepo: actingRepo)
            if dryRun {
                return RealmWriteOutcome(base: state, commit: nil, changes: changes, message: change.message, retries: retries, dryRun: true)
            }
            // Signed with the user's key when the realm requires it (RealmCommitter; a scratch repository's write is a realm's first commit).
            // (A commit that turns signatures on is checked as one that needs them, as 'check --realm' does.)
            let signed = member != nil && (state.snapshot?.manifest.trust.requireSignedCommits ?? false || after.manifest.trust.requireSignedCommits)
            let committer = try RealmCommitter.make(repo, author: RealmWriter.signature(repo: repo, actingRepo: actingRepo, context: context),
                                                    requireSigned: signed, signingConfig: repo, dryRun: false, context: context)
            if signed, let before = state.snapshot {
                // The key must be one the realm lists for whom the commit speaks (a merged proposal's own commit lands as it is;
                // a merge commit adds nothing of its own): refused here, before anything is pushed.
                let speaksFor: [String?] = mergeBranch != nil ? [nil]
                    : RealmHistoryChecker.attribute(changed: Set(changes.map(\.path)), before: before, after: after).keys.sorted()
                for who in speaksFor { try SigningKeys.checkListed(repo, for: who, before: before, after: after, context: context) }
            }
            let commit: String
            // A fast-forward only onto a head that is one commit on the realm's tip (never a push that drops history).
            if let m = mergeBranch, let tip = state.commit, tip == m.base, (try? repo.parents(of: m.head)) == [tip] {
                commit = m.head
            } else {
                commit = try await committer.commit(files: change.files, parents: (state.commit.map { [$0] } ?? []) + (mergeBranch.map { [$0.head] } ?? []),
                                                    message: change.message)
            }
            let extra = try await companions?(state, commit) ?? []
            // Killed from here on, the realm is the old one or the new one (a
            // push moves its branch or does not), and the fetched ref follows
            // on the next fetch (the new tip descends from it).
            FaultPoint.reach("realm-write.committed")
            let pushed = extra.isEmpty
                ? try await RealmGit.push(url: url, branch: branch, commit: commit, gitDir: gitDir, context: context)
                : try await RealmGit.push(url: url, updates: [ProposalRefUpdate(ref: "refs/heads/\(branch)", new: commit, expected: state.commit)] + extra,
                                          gitDir: gitDir, context: context)
            switch pushed {
            case .pushed:
                FaultPoint.reach("realm-write.pushed")
                try repo.setReference(trackingRef, to: commit, message: "git realm: \(change.message.split(separator: "\n").first ?? "")")
                // The push proves the realm's tip is this commit now: as good as a fetch.
                if let member { FetchRecord.write(repo, realm: member, at: context.now()) }
                FaultPoint.reach("realm-write.recorded")
                return RealmWriteOutcome(base: state, commit: commit, changes: changes, message: change.message, retries: retries, dryRun: false)
            case .stale:
                retries += 1
                if retries >= maxAttempts { throw RealmError.gaveUp(url: RemoteURL.redacted(url), attempts: retries) }
                // Another writer landed first: back off a little (randomised,
                // so racing writers spread out) and rebuild on the new tip.
                try await Task.sleep(nanoseconds: UInt64.random(in: 20_000_000...(60_000_000 * UInt64(min(retries, 5)))))
            }
        }
    }

    static func diff(_ old: [String: [UInt8]], _ new: [String: [UInt8]]) -> [RealmWriteOutcome.FileChange] {
        var changes: [RealmWriteOutcome.FileChange] = []
        for path in Set(old.keys).union(new.keys).sorted() {
            switch (old[path], new[path]) {
            case (nil, _?): changes.append(.create(path))
            case (_?, nil): changes.append(.delete(path))
            case (let a?, let b?) where a != b: changes.append(.update(path))
            default: continue
            }
        }
        return changes
    }

    /// The commit's author: GIT_AUTHOR_* / user.* as git would use, else the realm repo's name.
    static func signature(repo: Repository, actingRepo: String?, context: Context) throws -> Signature {
        let env = context.environment
        let configName = try repo.config.string("user.name"), configEmail = try repo.config.string("user.email")
        let name = env["GIT_AUTHOR_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? configName ?? actingRepo ?? "git realm"
        let email = env["GIT_AUTHOR_EMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? configEmail ?? "\(actingRepo ?? "git-realm")@localhost"
        // The proposals' clock (the time records and sync branches are named by): at one injected time
        // (HFORGE_TEST_NOW) a dry run's commits, and so the ids it prints, are the same bytes every run.
        return Signature(name: name, email: email, time: Int64(ProposalClock.now(context).timeIntervalSince1970))
    }
}

/// A temporary bare repository for work that must not touch the user's
/// repository (dry runs, creating a realm): `$TMPDIR/git-realm-<pid>-XXXXXX`.
/// Removed when done, and on SIGINT/SIGTERM (`Interruption`); one that a
/// killed run left is removed by the next one (`Leftovers`: its process is
/// gone, it is ours, a directory and not a link).
struct Scratch {
    static let prefix = "git-realm-"
    let path: String
    private let directory: TemporaryDirectory

    init(context: Context) throws {
        directory = try TemporaryDirectory(context: context)
        path = directory.path
        let base = FilePaths.parent(path) ?? "/tmp"
        // POSIX calls, so that a failure reads in our words (and names the file).
        for dir in ["objects", "objects/info", "objects/pack", "refs", "refs/heads", "refs/tags"] where mkdir(path + "/" + dir, 0o700) != 0 {
            let why = FileRead.reason(errno)
            remove()
            throw RealmError.noScratch(directory: base, reason: "\(path)/\(dir): \(why)")
        }
        for (file, text) in [("HEAD", "ref: refs/heads/main\n"), ("config", "[core]\n\trepositoryformatversion = 0\n\tbare = true\n")] {
            do { try AtomicFile.write(Array(text.utf8), to: path + "/" + file, mode: 0o600) } catch {
                remove()
                throw RealmError.noScratch(directory: base, reason: "\(error.path): \(error.reason)")
            }
        }
        FaultPoint.reach("realm-scratch.created")
    }

    /// The environment for git and libgit2 in the scratch repository: the
    /// user's (ssh, credentials, insteadOf still apply) minus what would
    /// point elsewhere.
    func environment(_ context: Context) -> [String: String] { GitEnvironment.detached(context.environment) }

    func context(_ context: Context) -> Context {
        var c = context
        c.environment = environment(context)
        return c
    }

    func remove() { directory.remove() }

    /// The scratch repository, opened, reading `member`'s objects too (read
    /// only, through `objects/info/alternates`), for dry runs that start from
    /// what the member has.
    func borrowing(_ member: Repository, context: Context) throws -> Repository {
        do {
            try AtomicFile.write(Array((member.commonDirectory + "/objects\n").utf8), to: path + "/objects/info/alternates", mode: 0o600)
        } catch {
            throw RealmError.noScratch(directory: path, reason: "\(error.path): \(error.reason)")
        }
        return try Repository.open(at: path, environment: environment(context))
    }
}

/// A private directory under TMPDIR (0700), `$TMPDIR/git-realm-<pid>-XXXXXX`:
/// removed when done and on SIGINT/SIGTERM (`Interruption`); one that a
/// killed run left is removed by the next one (`Leftovers`: its process is
/// gone, it is ours, a directory and not a link).
struct TemporaryDirectory {
    let path: String
    private let token: Interruption.Token

    init(context: Context) throws {
        let base = context.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        // Whoever may write TMPDIR may rename what is made there away and put
        // their own in its place (a repository with core.hooksPath, a signers
        // file): only a directory (and parents) others cannot write, or sticky ones like /tmp.
        do { try FileTrust.checkAbove(base + "/" + Scratch.prefix) } catch {
            throw RealmError.noScratch(directory: base, reason: "others may replace what is made there: \(error.description)")
        }
        Leftovers.sweepDirectories(prefix: Scratch.prefix, in: base)
        var template = Array((base + "/\(Scratch.prefix)\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw RealmError.noScratch(directory: base, reason: FileRead.reason(errno)) }
        path = String(cString: made)
        // (A signal before this line leaves the directory to the next run's sweep.)
        token = Interruption.register(.directory(path))
    }

    func remove() {
        Leftovers.removeTree(path)
        Interruption.unregister(token)
    }
}

/// Reads a realm's files from a commit with libgit2 and checks them.
package enum RealmReader {
    package static func state(of repo: Repository, commit: String) throws -> RealmState {
        var irregular: [String: UInt32] = [:]
        let files = try repo.files(atCommit: commit, within: .unbounded, irregular: &irregular) ?? [:]
        if let (path, mode) = irregular.min(by: { $0.key < $1.key }) { throw irregularEntry(path, mode: mode) }
        return RealmState(commit: commit, files: files, snapshot: try RealmSnapshot.load(commit: commit, files: files))
    }

    /// A realm is plain files (mode 100644). An executable bit, a symbolic
    /// link or a submodule is refused: no check reads a mode, and the
    /// realm's writers rebuild trees from blobs, so such an entry would
    /// slip past every rule and then vanish at the next write.
    package static func irregularEntry(_ path: String, mode: UInt32) -> RealmFileError {
        let what = switch mode {
        case 0o100755: "an executable file (mode 100755)"
        case 0o120000: "a symbolic link (mode 120000)"
        case 0o160000: "a submodule (mode 160000)"
        default: "an entry of mode \(String(mode, radix: 8))"
        }
        return .malformed(SourceLocation(file: path), "is \(what); a realm holds regular files only (mode 100644)")
    }
}

/// RFC "Contract Ownership": only a contract's owner repository may change
/// it. Checked on every commit before it is pushed.
enum Ownership {
    static func check(before: RealmState, after: RealmSnapshot, files: [String: [UInt8]], actingRepo: String?) throws {
        let old = before.snapshot?.domains ?? [:]
        for (domainName, domain) in old {
            for (name, contract) in domain.contracts {
                let path = "domains/\(domainName)/contracts/\(name).yaml"
                guard files[path] != before.files[path] else { continue }
                guard actingRepo == contract.owner else {
                    throw RealmError.notOwner(contract: name, domain: domainName, owner: contract.owner, repo: actingRepo ?? "this repository")
                }
            }
        }
        for (domainName, domain) in after.domains {
            let domainIsNew = old[domainName] == nil
            for (name, contract) in domain.contracts where old[domainName]?.contracts[name] == nil {
                // A new domain's creator sets up its contracts and their
                // owners; a contract added to an existing domain must come
                // from its owner.
                if !domainIsNew && actingRepo != contract.owner {
                    throw RealmError.contractOwnedElsewhere(contract: name, domain: domainName, owner: contract.owner, repo: actingRepo ?? "this repository")
                }
            }
        }
    }
}
