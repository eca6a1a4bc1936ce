import HyperforgeCore
import HyperforgeGit

/// Runs the `git` executable for realm transport, so that the user's ssh,
/// credential helpers and `insteadOf` rules apply. Variables a calling hook
/// may have set (`GitEnvironment.repositoryVariables`) are dropped: every
/// call names its repository with `--git-dir`.
enum RealmGit {
    static func run(_ arguments: [String], gitDir: String, context: Context) async throws -> ChildProcess.Result {
        do {
            return try await ChildProcess.run(["git", "--git-dir=\(gitDir)"] + arguments, environment: GitEnvironment.detached(context.environment),
                                              directory: gitDir)
        } catch let e as ChildProcess.LaunchError {
            throw RealmError.fetchFailed(url: "git", gitOutput: e.reason)
        }
    }

    enum FetchResult { case fetched(String), noBranch }

    /// Fetches the realm's branch into `ref` of `repository`; `.noBranch`
    /// when the remote has no such branch. The new tip is read with libgit2.
    static func fetch(url: String, branch: String, into ref: String, repository: Repository, context: Context) async throws -> FetchResult {
        let gitDir = repository.commonDirectory
        let r = try await run(["-c", "fetch.writeCommitGraph=false", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
                               "--no-auto-gc", "--no-auto-maintenance", "--recurse-submodules=no", "--",
                               url, "+refs/heads/\(branch):\(ref)"], gitDir: gitDir, context: context)
        if r.exitCode != 0 {
            let text = r.stderr + r.stdout
            if text.contains("couldn't find remote ref") { return .noBranch }
            throw RealmError.fetchFailed(url: RemoteURL.redacted(url), gitOutput: RemoteURL.redactedText(text))
        }
        guard let commit = try repository.resolve(ref) else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(url), gitOutput: "git fetch succeeded but \(ref) does not exist")
        }
        return .fetched(commit)
    }

    /// The commit the realm's branch points at, without fetching anything; nil when there is no such branch.
    static func remoteTip(url: String, branch: String, gitDir: String, context: Context) async throws -> String? {
        let r = try await run(["ls-remote", "--", url, "refs/heads/\(branch)"], gitDir: gitDir, context: context)
        guard r.exitCode == 0 else {
            throw RealmError.fetchFailed(url: RemoteURL.redacted(url), gitOutput: RemoteURL.redactedText(r.stderr + r.stdout))
        }
        return r.stdout.split(separator: "\t").first.map(String.init)
    }

    enum PushResult { case pushed, stale }

    /// Pushes `commit` to the realm's branch without force; `.stale` when the
    /// branch moved meanwhile (another writer won the race).
    static func push(url: String, branch: String, commit: String, gitDir: String, context: Context) async throws -> PushResult {
        let r = try await run(["push", "--porcelain", "--no-verify", "--quiet", "--", url, "\(commit):refs/heads/\(branch)"],
                              gitDir: gitDir, context: context)
        if r.exitCode == 0 { return .pushed }
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("!") {
            let summary = line.lowercased()
            let raced = ["fetch first", "non-fast-forward", "stale info", "lock", "failed to update ref", "incorrect old value"]
            if raced.contains(where: { summary.contains($0) }) { return .stale }
        }
        if let refused = RealmTrustError.guardRefusal(r, url: url) { throw refused }
        throw RealmError.pushFailed(url: RemoteURL.redacted(url), gitOutput: RemoteURL.redactedText(r.stderr + r.stdout))
    }
}
