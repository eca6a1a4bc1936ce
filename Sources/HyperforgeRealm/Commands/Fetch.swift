import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct FetchOptions: Sendable {
        public var target = Target()
        public var dryRun = false
        public init() {}
    }

    /// `git realm fetch`: brings `refs/realm/<realm>/fetched` up to date with the realm.
    public static func fetch(_ options: FetchOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        if options.dryRun {
            let before = try repository.resolve(membership.fetchedRef)
            guard let tip = try await RealmGit.remoteTip(url: membership.url, branch: membership.branch, gitDir: repository.commonDirectory, context: context) else {
                throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
            }
            if tip == before {
                out.line("realm \(membership.realm) is up to date (\(tip.prefix(12)))")
            } else {
                out.line("Would update \(membership.fetchedRef): \(before.map { String($0.prefix(12)) } ?? "(none)")..\(tip.prefix(12))")
            }
            out.line("dry run: nothing was fetched")
            return .success
        }
        let (before, after) = try await fetchRealm(repository, membership, context: context)
        if before == after {
            out.line("realm \(membership.realm) is up to date (\(after.prefix(12)))")
        } else {
            out.line("realm \(membership.realm): \(before.map { String($0.prefix(12)) } ?? "(none)")..\(after.prefix(12))")
        }
        return .success
    }

    /// Fetches the realm into `refs/realm/<realm>/fetched` and checks what arrived.
    static func fetchRealm(_ repository: Repository, _ membership: Membership, context: Context) async throws -> (String?, String) {
        let before = try repository.resolve(membership.fetchedRef)
        switch try await RealmGit.fetch(url: membership.url, branch: membership.branch, into: membership.fetchedRef,
                                        repository: repository, context: context) {
        case .noBranch:
            throw RealmError.notARealm(url: RemoteURL.redacted(membership.url), branch: membership.branch, gitOutput: "")
        case .fetched(let commit):
            if commit != before {
                let new = try RealmIndex.load(commit: commit, repo: repository)
                let old = before.flatMap { try? RealmIndex.load(commit: $0, repo: repository, keep: [commit]) }
                let coordination = RealmCoordination(context: context)
                // What the fetch reveals: one notification per new contract version.
                coordination.notifyChanges(from: old, to: new)
                if let root = repository.workingDirectory { coordination.registerRealm(membership, path: root) }
            }
            return (before, commit)
        }
    }
}
