import FoundationEssentials
import HyperforgeCore
import HyperforgeGit

extension RealmIndex {
    /// The index a member repository cached of `realm` at its fetched commit
    /// (`refs/realm/REALM/fetched`), for readers outside the realm's commands
    /// (the coordinator). The repository and the ref are read with libgit2, so
    /// worktrees, packed refs and a shared git directory all work. Nil when the
    /// repository, the ref or the cached index is missing; the index is never
    /// built here (that is `git realm status`'s work).
    public static func cached(member path: String, realm: String, environment: [String: String]) -> RealmIndex? {
        guard let repo = try? Repository.discover(from: path, environment: GitEnvironment.detached(environment)),
              let commit = try? repo.resolve(Membership.fetchedRef(realm: realm)) else { return nil }
        return cached(commit: commit, repo: repo)
    }

    /// The index `repo` cached for `commit`, when there is one of this format.
    static func cached(commit: String, repo: Repository) -> RealmIndex? {
        let file = directory(repo) + "/\(commit).json"
        guard let data = FileManager.default.contents(atPath: file), let json = try? JSONParser.parse(Array(data), file: file),
              let index = RealmIndex(json: json), index.format == formatVersion, index.commit == commit else { return nil }
        return index
    }
}
