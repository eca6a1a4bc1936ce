import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct FetchOptions: Sendable {
        public var target = Target()
        public var dryRun = false
        /// Take a tip whose history no longer contains the fetched commit (a force-push or roll-back).
        public var acceptRewrite = false
        public init() {}
    }

    /// `git realm fetch`: brings `refs/realm/<realm>/fetched` up to date with the realm.
    public static func fetch(_ options: FetchOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        if options.dryRun { return try await dryRunFetch(options, repository, membership, context: context) }
        let taken = try await fetchRealm(repository, membership, acceptRewrite: options.acceptRewrite, context: context)
        if taken.before == taken.after {
            out.line("realm \(membership.realm) is up to date (\(taken.after.prefix(12)))")
        } else if !taken.lost.isEmpty {
            out.line("realm \(membership.realm): took a rewritten history, \(taken.before.map { String($0.prefix(12)) } ?? "(none)") → \(taken.after.prefix(12)); "
                     + "\(taken.lost.count) commit\(taken.lost.count == 1 ? " is" : "s are") no longer in the realm:")
            for c in taken.lost { out.line("  \(c)") }
        } else {
            out.line("realm \(membership.realm): \(taken.before.map { String($0.prefix(12)) } ?? "(none)")..\(taken.after.prefix(12))")
        }
        return .success
    }

    /// `fetch --dry-run`: the same fetch and the same checks (a malformed tip,
    /// a rewritten history), in a scratch repository that borrows this
    /// repository's objects (read only, through `objects/info/alternates`)
    /// and starts from its `fetched` commit. It reports what the real fetch
    /// would do, with the same exit status, and changes nothing here.
    static func dryRunFetch(_ options: FetchOptions, _ repository: Repository, _ membership: Membership, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let before = try repository.resolve(membership.fetchedRef)
        let scratch = try Scratch(context: context)
        defer { scratch.remove() }
        let scratchRepo = try scratch.borrowing(repository, context: context)
        let ref = "refs/realm-scratch/fetched"
        if let before { try scratchRepo.setReference(ref, to: before, message: "git realm: dry run starts at fetched") }
        let kept = "dry run: " + (before.map { "\(membership.fetchedRef) would stay at the last good commit \($0.prefix(12))" }
            ?? "\(membership.fetchedRef) would not be created: this repository has no good realm yet")
        guard let taken = try await RealmIntake.fetch(url: membership.url, branch: membership.branch, into: ref, repository: scratchRepo,
                                                      acceptRewrite: options.acceptRewrite, outcome: kept, context: scratch.context(context)) else {
            throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
        }
        let from = before.map { String($0.prefix(12)) } ?? "(none)"
        if taken.before == taken.after {
            out.line("realm \(membership.realm) is up to date (\(taken.after.prefix(12)))")
        } else if !taken.lost.isEmpty {
            out.line("Would take a rewritten history into \(membership.fetchedRef), \(from) → \(taken.after.prefix(12)); "
                     + "\(taken.lost.count) commit\(taken.lost.count == 1 ? " would" : "s would") no longer be in the realm:")
            for c in taken.lost { out.line("  \(c)") }
        } else {
            out.line("Would update \(membership.fetchedRef): \(from)..\(taken.after.prefix(12))")
        }
        out.line("dry run: the realm was fetched and checked in a scratch repository; nothing was changed in this repository")
        return .success
    }

    /// `status --fetch` and `check --fetch`: a realm tip that is malformed,
    /// rewritten or (in a signed realm) brings commits of the wrong writers is not taken, and the command goes on from the last good
    /// realm with a warning (a broken push must not stop every member's work).
    static func fetchOrKeepLastGood(_ repository: Repository, _ membership: Membership, context: Context) async throws {
        do {
            _ = try await fetchRealm(repository, membership, context: context)
        } catch let e as RealmError {
            switch e {
            case .malformedRealm, .untrustedCommits, .historyRewritten:
                guard let kept = try repository.resolve(membership.fetchedRef) else { throw e }
                context.output.warning(e.description + "\n" + (e.hint.map { "hint: " + $0 + "\n" } ?? "")
                                       + "going on from the last good realm, \(kept.prefix(12))")
            default: throw e
            }
        }
    }

    /// Fetches the realm into `refs/realm/<realm>/fetched` and checks what arrived.
    /// A malformed tip (`RealmError.malformedRealm`), commits a signed realm does
    /// not take (`.untrustedCommits`) or a rewritten history
    /// (`.historyRewritten`, unless `acceptRewrite`) leaves `fetched` where it was.
    /// `background`: the coordinator's fetch (`backgroundFetch`), which stands
    /// aside for commands (`RealmIntake.Busy`) and is otherwise this same fetch.
    static func fetchRealm(_ repository: Repository, _ membership: Membership, acceptRewrite: Bool = false, background: Bool = false,
                           context: Context) async throws -> RealmIntake.Taken {
        guard let taken = try await RealmIntake.fetch(url: membership.url, branch: membership.branch, into: membership.fetchedRef,
                                                      repository: repository, acceptRewrite: acceptRewrite,
                                                      party: background ? .background(realm: membership.realm) : .command(realm: membership.realm),
                                                      context: context) else {
            throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
        }
        // The realm's proposals come with it (git realm sync, git realm proposals); a
        // command's fetch only: the background one must not race a command's refs.
        if !background {
            let lock = FetchLock.command(repository)
            defer { lock.release() }
            try await RealmGit.fetchProposals(url: membership.url, repository: repository, prefix: ProposalRefs.localPrefix(realm: membership.realm),
                                              syncPrefix: ProposalRefs.localSyncPrefix(realm: membership.realm), context: context)
        }
        let before = taken.before, commit = taken.after
        do {
            if commit != before {
                let new = try RealmIndex.load(commit: commit, repo: repository, state: taken.state)
                let old = before.flatMap { try? RealmIndex.load(commit: $0, repo: repository, keep: [commit]) }
                let coordination = RealmCoordination(context: context)
                // What the fetch reveals: one notification per new contract version.
                coordination.notifyChanges(from: old, to: new)
                if let root = repository.workingDirectory { coordination.registerRealm(membership, path: root) }
            }
            return taken
        }
    }
}
