import HyperforgeCore

extension Realm {
    public struct TrustSetOptions: Sendable {
        public var target = Target()
        /// `trust.require_signed_commits`.
        public var requireSignedCommits: Bool?
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin trust set --require-signed-commits true|false`:
    /// realm.yaml's `trust.require_signed_commits`, so nobody edits the YAML
    /// by hand. realm.yaml is the realm's own file: only one of
    /// governance.approvers may change it (by git config user.email), and
    /// when signatures are required before or after, the commit is signed by
    /// an approver's listed key (as `git realm check --realm` asks). Turning
    /// signatures on warns about repositories that list no signing key: their
    /// writes are refused until they do.
    public static func adminTrustSet(_ options: TrustSetOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        guard let wanted = options.requireSignedCommits else {
            throw RealmError.invalidOption(flag: "--require-signed-commits", value: "(not given)", expected: "true or false")
        }
        let (repository, membership) = try openMember(options.target, context: context)
        let email = userEmail(repository, context: context)
        let box = LinesBox()
        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            let approvers = snapshot.manifest.governance.approvers
            guard approvers.contains(where: { $0.lowercased() == (email ?? "").lowercased() }) else {
                throw RealmTrustError.notApprover(email: email, approvers: approvers, what: "a change of realm.yaml")
            }
            var manifest = snapshot.manifest
            guard manifest.trust.requireSignedCommits != wanted else { return nil }
            manifest.trust.requireSignedCommits = wanted
            box.lines = wanted ? snapshot.repos.values.filter { $0.signingKeys.isEmpty }.map(\.name).sorted() : []
            var change = PlannedChange(files: state.files, message: "realm: trust.require_signed_commits \(wanted)")
            change.write("realm.yaml", manifest.yaml())
            return change
        }
        let writer = RealmWriter(url: membership.url, branch: membership.branch,
                                 workspace: options.dryRun ? .scratch : .member(repository, membership),
                                 actingRepo: membership.repo, context: context)
        let outcome = try await writer.apply(dryRun: options.dryRun, plan)
        report(outcome, url: membership.url, branch: membership.branch, out: out)
        if !outcome.changes.isEmpty && !box.lines.isEmpty {
            context.output.warning("\(box.lines.joined(separator: ", ")) list\(box.lines.count == 1 ? "s" : "") no signing key: "
                                   + "\(box.lines.count == 1 ? "its" : "their") realm writes are refused until a maintainer adds one ('git realm admin repo keys add')")
        }
        if options.dryRun { out.line("dry run: nothing was committed or pushed") }
        return .success
    }
}
