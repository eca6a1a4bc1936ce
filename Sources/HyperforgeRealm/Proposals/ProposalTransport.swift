import HyperforgeCore
import HyperforgeGit

/// One ref of the realm to create, move or delete in a push, with a lease:
/// the push happens only while the ref is at `expected` (nil: while it does not exist).
struct ProposalRefUpdate: Sendable, Equatable {
    var ref: String
    /// The new commit; nil deletes the ref.
    var new: String?
    var expected: String?

    var description: String {
        switch (new, expected) {
        case (let n?, nil): return "create \(ref) at \(n.prefix(12))"
        case (let n?, let e?): return "move \(ref) \(e.prefix(12)) → \(n.prefix(12))"
        case (nil, _): return "delete \(ref)"
        }
    }
}

extension RealmGit {
    /// Fetches the realm's proposals (`refs/realm/proposals/*`) and sync
    /// branches (`refs/heads/sync/*`) into `prefix`/`syncPrefix` of
    /// `repository`, removing the ones the realm no longer has.
    static func fetchProposals(url: String, repository: Repository, prefix: String, syncPrefix: String, context: Context) async throws {
        let lock = FetchLock.proposals(repository)
        defer { lock.release() }
        let r = try await run(["-c", "fetch.writeCommitGraph=false", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--prune",
                               "--no-auto-gc", "--no-auto-maintenance", "--recurse-submodules=no", "--", url,
                               "+\(ProposalRefs.remotePrefix)*:\(prefix)*", "+\(ProposalRefs.remoteSyncPrefix)*:\(syncPrefix)*"],
                              gitDir: repository.commonDirectory, context: context)
        guard r.exitCode == 0 else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(url), gitOutput: RemoteURL.redactedText(r.stderr + r.stdout))
        }
        // Into a member's own refs (not a dry run's scratch repository): this client has seen what is there now.
        let parts = prefix.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 5, parts[0] == "refs", parts[1] == "realm", parts[3] == "proposals", prefix == ProposalRefs.localPrefix(realm: String(parts[2])) {
            ProposalSightings.record(repository, realm: String(parts[2]), prefix: prefix, now: ProposalClock.now(context))
        }
    }

    /// Pushes `updates` all or nothing (`--atomic`), each under its lease;
    /// `.stale` when a lease failed or the realm moved (another writer was first).
    static func push(url: String, updates: [ProposalRefUpdate], gitDir: String, context: Context) async throws -> PushResult {
        var arguments = ["push", "--atomic", "--porcelain", "--no-verify", "--quiet"]
        arguments += updates.map { "--force-with-lease=\($0.ref):\($0.expected ?? "")" }
        arguments += ["--", url] + updates.map { ($0.new ?? "") + ":" + $0.ref }
        let r = try await run(arguments, gitDir: gitDir, context: context)
        if r.exitCode == 0 { return .pushed }
        // A race: every rejected ref was rejected for a lease or a moved ref, or only
        // because the atomic push as a whole failed while a ref moved under it
        // ("cannot lock ref ...: is at X but expected Y" on the receiving side).
        let raced = ["fetch first", "non-fast-forward", "stale info", "lock", "failed to update ref", "incorrect old value", "already exists"]
        let rejected = r.stdout.split(separator: "\n").filter { $0.hasPrefix("!") }.map { $0.lowercased() }
        let racedLine = rejected.contains { line in raced.contains { line.contains($0) } }
        let onlyRacesOrAtomic = rejected.allSatisfy { line in line.contains("atomic") || raced.contains { line.contains($0) } }
        if !rejected.isEmpty && onlyRacesOrAtomic && (racedLine || r.stderr.contains("cannot lock ref")) { return .stale }
        if let refused = RealmTrustError.guardRefusal(r, url: url) { throw refused }
        throw RealmError.pushFailed(url: RemoteURL.redacted(url), gitOutput: RemoteURL.redactedText(r.stderr + r.stdout))
    }
}
