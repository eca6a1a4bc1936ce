import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeGit

extension Realm {
    public struct JoinOptions: Sendable {
        public var target = Target()
        /// The realm: a URL, a path, or the name of a realm under the user's data directory.
        public var realm = ""
        /// This repository's name in the realm (default: the origin remote's name, else the directory's).
        public var repo: String?
        public var org: String?
        public var branch = Membership.defaultBranch
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin join`: registers this repository in the realm
    /// (`repos/{repo}.yaml`), records the membership in git config and
    /// fetches the realm into `refs/realm/<realm>/fetched`. Idempotent: a
    /// repository already registered (e.g. a fresh clone of a member)
    /// rejoins without changing the realm.
    public static func adminJoin(_ options: JoinOptions, context: Context) async throws -> ExitStatus {
        let out = context.output.stdout
        let repository = try openRepository(options.target, context: context)
        let url = try RealmLocation.resolve(options.realm, context: context)
        let existing = try Membership.read(repository)
        if let existing, existing.url != url {
            throw RealmError.memberOfAnotherRealm(realm: existing.realm, url: RemoteURL.redacted(existing.url))
        }
        let origin = try repository.remote(named: "origin")?.url
        let repoName = options.repo ?? existing?.repo ?? defaultRepoName(origin: origin, repository: repository)
        try checkName(repoName, kind: "repository")
        if let org = options.org { try checkName(org, kind: "org") }
        if let problem = RealmNames.branchProblem(options.branch) {
            throw RealmError.invalidName(kind: "branch", name: options.branch, problem: problem)
        }
        let email = userEmail(repository, context: context)
        let joinedAt = timestamp(context)
        var notes: [String] = []

        let plan: (RealmState) throws -> PlannedChange? = { state in
            guard let snapshot = state.snapshot else { return nil }
            notes = []
            if let record = snapshot.repos[repoName] {
                if let theirs = record.url, let ours = origin.flatMap(publicURL), theirs != ours {
                    notes.append("repos/\(repoName).yaml names \(theirs); this repository's origin is \(ours). Pass --repo NAME if this is a different repository.")
                }
                return nil
            }
            var change = PlannedChange(files: state.files, message: "Join \(repoName) to realm \(snapshot.manifest.name)")
            let record = RepoRecord(name: repoName, org: options.org ?? origin.flatMap(defaultOrg), url: origin.flatMap(publicURL),
                                    foreignPath: nil, maintainers: email.map { [$0] } ?? [], joinedAt: joinedAt)
            change.write("repos/\(repoName).yaml", record.yaml())
            return change
        }

        if options.dryRun {
            let writer = RealmWriter(url: url, branch: options.branch, workspace: .scratch, actingRepo: repoName, context: context)
            let outcome = try await writer.apply(dryRun: true, plan)
            guard let snapshot = outcome.base.snapshot else { throw RealmError.notARealm(url: RemoteURL.redacted(url), branch: options.branch, gitOutput: "") }
            report(outcome, url: url, branch: options.branch, out: out)
            for n in notes { out.line("note: \(n)") }
            out.line("Would set realm.name=\(snapshot.manifest.name), realm.url=\(RemoteURL.redacted(url)), realm.repo=\(repoName) in \(repository.gitDirectory)/config")
            out.line("Would fetch the realm into refs/realm/\(snapshot.manifest.name)/fetched")
            describeRoles(repoName, snapshot, out: out)
            out.line("dry run: nothing was changed")
            return .success
        }

        // Learn the realm's name, then fetch into its own refs.
        let incoming = RealmIntake.incomingRef(repository)
        defer { incoming.remove() }
        let fetched = try await RealmGit.fetch(url: url, branch: options.branch, into: incoming.name, repository: repository, context: context)
        incoming.remove()
        guard case .fetched(let first) = fetched else { throw RealmError.notARealm(url: RemoteURL.redacted(url), branch: options.branch, gitOutput: "") }
        let realmName = try RealmReader.state(of: repository, commit: first).snapshot!.manifest.name
        if let existing, existing.realm != realmName {
            throw RealmError.memberOfAnotherRealm(realm: existing.realm, url: RemoteURL.redacted(existing.url))
        }
        let membership = Membership(realm: realmName, url: url, repo: repoName, branch: options.branch)
        let writer = RealmWriter(url: url, branch: options.branch, workspace: .member(repository, membership), actingRepo: repoName, context: context)
        let outcome = try await writer.apply(dryRun: false, plan)
        try membership.write(to: repository)
        let tip = outcome.commit ?? outcome.base.commit!
        if try repository.resolve(membership.seenRef) == nil {
            try repository.setReference(membership.seenRef, to: tip, message: "git realm: joined")
        }
        let snapshot = outcome.commit == nil ? outcome.base.snapshot! : try RealmReader.state(of: repository, commit: tip).snapshot!
        if outcome.changes.isEmpty {
            out.line("\(out.styled("✓", .green)) \(repoName) is already registered in realm \(realmName); the realm is unchanged")
        } else {
            report(outcome, url: url, branch: options.branch, out: out)
        }
        for n in notes { out.line("note: \(n)") }
        if let root = repository.workingDirectory {
            RealmCoordination(context: context).registerRealm(membership, path: root)
        }
        out.line("\(out.styled("✓", .green)) Membership recorded in git config (realm.name=\(realmName), realm.repo=\(repoName))")
        describeRoles(repoName, snapshot, out: out)
        return .success
    }

    /// "Detected import: s3-permissions in domain s3-access" lines.
    static func describeRoles(_ repo: String, _ snapshot: RealmSnapshot, out: Output.Stream) {
        for (name, domain) in snapshot.domains.sorted(by: { $0.key < $1.key }) where domain.record.members.contains(repo) {
            guard let binding = domain.bindings[repo] else { out.line("  Member of domain \(name)"); continue }
            for e in binding.exports { out.line("  Detected export: \(e.contract) in domain \(name)") }
            for i in binding.imports { out.line("  Detected import: \(i.contract) (\(i.requirement.text)) in domain \(name)") }
            if binding.exports.isEmpty && binding.imports.isEmpty { out.line("  \(binding.role.rawValue.capitalized) in domain \(name)") }
        }
    }

    /// The repository's name: the origin remote's last path component
    /// without `.git`, else the working directory's name.
    static func defaultRepoName(origin: String?, repository: Repository) -> String {
        if let origin, let parsed = RemoteURL.parse(origin) {
            var last = FilePaths.lastComponent(parsed.path.hasSuffix("/") ? String(parsed.path.dropLast()) : parsed.path)
            if last.hasSuffix(".git") { last = String(last.dropLast(4)) }
            if !last.isEmpty && RealmNames.problem(last) == nil { return last }
        }
        return FilePaths.lastComponent(repository.workingDirectory ?? FilePaths.parent(repository.gitDirectory) ?? "repo")
    }

    /// The origin URL as others can use it: credentials removed; local paths
    /// are machine-local and are not recorded.
    static func publicURL(_ origin: String) -> String? {
        guard let parsed = RemoteURL.parse(origin), parsed.scheme != .file else { return nil }
        guard parsed.scheme == .https || parsed.scheme == .http, let schemeEnd = origin.firstRange(of: "://") else { return origin }
        let rest = origin[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return origin }
        return String(origin[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// The owner part of the origin's path (`cultivarium` of `git@github.com:cultivarium/aperture.git`).
    static func defaultOrg(_ origin: String) -> String? {
        guard let parsed = RemoteURL.parse(origin), parsed.scheme != .file, let o = parsed.ownerAndName?.owner else { return nil }
        return RealmNames.problem(o) == nil ? o : nil
    }
}
