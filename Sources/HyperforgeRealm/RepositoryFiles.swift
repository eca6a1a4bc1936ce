import HyperforgeCore

extension Realm {
    /// One change to repository `repo`'s files in the realm (its binding, its
    /// record), written as every realm write is (RealmWriter: built on the tip,
    /// checked, pushed, rebuilt when another writer pushed first), by one of its
    /// maintainers or a realm approver only (`checkMaintainer`, asked on each
    /// state the change is built on). `plan` gets the state, its snapshot and
    /// `repo`, and returns nil when there is nothing to change. Prints what was
    /// (or in a dry run would be) committed.
    static func editRepositoryFiles(_ target: Target, repo given: String?, dryRun: Bool, context: Context,
                                    _ plan: @escaping (RealmState, RealmSnapshot, String) throws -> PlannedChange?) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(target, context: context)
        let repo = given ?? membership.repo
        try checkName(repo, kind: "repository")
        let email = userEmail(repository, context: context)
        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: dryRun ? .scratch : .member(repository, membership),
                                 actingRepo: repo, context: context)
        let outcome = try await writer.apply(dryRun: dryRun) { state in
            guard let snapshot = state.snapshot else { return nil }
            try checkMaintainer(repo, email: email, snapshot: snapshot, realm: membership.realm)
            return try plan(state, snapshot, repo)
        }
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        if dryRun { out.line("dry run: nothing was committed or pushed") }
        return .success
    }

    /// Whether `email` may change `repo`'s files in the realm: one of the
    /// maintainers repos/REPO.yaml lists, or one of governance.approvers (case
    /// does not matter). As the tools decide it; only signed commits
    /// (`trust.require_signed_commits`, checked by `check --realm`) prove it to others.
    static func checkMaintainer(_ repo: String, email: String?, snapshot: RealmSnapshot, realm: String) throws {
        guard let record = snapshot.repos[repo] else { throw RealmError.notRegistered(repo: repo, realm: realm) }
        let allowed = Set((record.maintainers + snapshot.manifest.governance.approvers).map { $0.lowercased() })
        guard let email, allowed.contains(email.lowercased()) else {
            throw RealmError.notMaintainer(repo: repo, email: email, maintainers: record.maintainers)
        }
    }
}
