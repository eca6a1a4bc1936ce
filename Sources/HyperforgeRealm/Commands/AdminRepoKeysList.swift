import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct RepoKeysListOptions: Sendable {
        public var target = Target()
        /// The repository whose keys are listed (default: this one).
        public var repo: String?
        public var json = false
        public init() {}
    }

    /// What `git realm admin repo keys list --json` prints.
    public struct RepoKeysReport: Codable, Sendable, Equatable {
        public struct Key: Codable, Sendable, Equatable {
            public var maintainer: String
            public var key: String
            /// Nil when ssh-keygen does not read the key.
            public var fingerprint: String?
        }
        public var realm: String
        public var repo: String
        public var commit: String
        public var requireSignedCommits: Bool
        public var keys: [Key]
    }

    /// `git realm admin repo keys list`: the signing keys repos/R.yaml lists,
    /// with their fingerprints, in the realm as last fetched. Changes nothing.
    public static func adminRepoKeysList(_ options: RepoKeysListOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let (repository, membership) = try openMember(options.target, context: context)
        let repo = options.repo ?? membership.repo
        try checkName(repo, kind: "repository")
        guard let tip = try repository.resolve(membership.fetchedRef) else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(membership.url), gitOutput: "the realm was never fetched here (run 'git realm fetch')")
        }
        let snapshot = try RealmReader.state(of: repository, commit: tip).snapshot!
        guard let record = snapshot.repos[repo] else { throw RealmError.notRegistered(repo: repo, realm: membership.realm) }
        var keys: [RepoKeysReport.Key] = []
        for k in record.signingKeys {
            keys.append(.init(maintainer: k.maintainer, key: k.key, fingerprint: try SigningKeys.fingerprint(publicKey: k.key, context: context)))
        }
        let report = RepoKeysReport(realm: membership.realm, repo: repo, commit: tip, requireSignedCommits: snapshot.manifest.trust.requireSignedCommits, keys: keys)
        if options.json {
            out.line(try JSONOutput.encode(report))
            return .success
        }
        let signed = report.requireSignedCommits ? "the realm requires signed commits" : "the realm does not require signed commits (trust.require_signed_commits)"
        if keys.isEmpty {
            out.line("repos/\(repo).yaml lists no signing keys (\(signed)).")
            return .success
        }
        out.line("Signing keys of \(repo) (repos/\(repo).yaml, realm at \(tip.prefix(12)); \(signed)):")
        for k in keys {
            out.line("  \(k.fingerprint ?? "(not readable by ssh-keygen)")  \(k.key.split(separator: " ").first ?? "")  \(k.maintainer)")
        }
        return .success
    }
}
