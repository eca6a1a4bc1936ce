import FoundationEssentials

/// One forge's REST API, as hyperforge uses it: who the token is, a
/// repository's existence and settings, creating one, listing an org's or a
/// user's repositories, and the pull-request flow of the realm's proposals.
/// Three implementations (GitHubClient, GiteaClient for Gitea and Forgejo,
/// GitLabClient); every request is one that the forge's published API
/// description (copies in Tests/Fixtures/forge-apis/) describes.
///
/// How commands use it:
///
/// - Get a client with `ForgeAPIAccess.client(for:trusted:context:options:)`
///   (HyperforgeSecrets), which asks for tokens through the secret broker
///   exactly as the credential helper does (lazily, with the scope's grant
///   policy and approvals). Pass `trusted: config.isUserForge(forge)`: a forge
///   that only a repository's committed config declares gets a client that
///   refuses every request (`ForgeAPIError.Kind.untrustedForge`) before any
///   byte is sent; print its message, it says what to do.
/// - Which token each call uses is fixed by the call: one repository's
///   operations (get, create, pull requests) use
///   `git/{forge}/{owner}/repo/{name}/token`; `listRepositories(.org(O))` uses
///   `git/{forge}/{O}/token`; `listRepositories(.user(U))` and `currentUser(U)`
///   use `git/{forge}/{U}/token`. An owner with a path segment named exactly
///   `repo` is refused (`.scopeRefused`).
/// - Mutating operations return `ForgeMutation<Value>`: with
///   `ForgeClientOptions.dryRun` they send nothing and return `.planned` with
///   the request they would have sent (method and URL, never a token); print
///   it. Read-only requests are made in a dry run too (the plan needs them).
///   `ForgeClientOptions.onRequest` sees every request, sent or planned.
/// - `repository(_:)` answers nil for 404; on GitHub 404 also means "this
///   token may not see it", so say both when reporting a missing repository.
///   GETs are conditional (ETag cache under the state directory).
/// - `createRepository` never repeats a create whose outcome is unknown (a
///   timeout or a reset after sending): it looks the repository up first and
///   returns it when it is there, and otherwise throws `.outcomeUnknown`.
///   Commands that must be idempotent call `repository(_:)` first.
/// - Waits for rate limits are announced through `ForgeClientOptions.notice`
///   (the commands pass a line printer for stderr).
/// - Errors are `ForgeAPIError` (forge, method, path, HTTP status, the
///   forge's own message, a hint) or the secret broker's `SecretError`; both
///   are `HyperforgeError`s to report as they are.
public protocol ForgeClient: Sendable {
    /// The forge this client talks to.
    var forge: Forge { get }

    /// Who the token of `git/{forge}/{user}/token` belongs to (`GET /user`).
    func currentUser(tokenOf user: String) async throws -> ForgeUser

    /// The repository, or nil when the forge answers 404 (missing, or not visible to the token).
    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository?

    /// Creates a repository for the user or in an org/group.
    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository>

    /// Every repository of an org/group or a user, all pages, filtered by `filter`.
    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository]

    /// Opens a pull (merge) request.
    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest>

    /// One pull request by its number (GitLab: iid), nil for 404.
    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest?

    /// The pull requests in `state`, optionally only those from branch `head`, all pages.
    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest]

    /// Asks `reviewers` (user names) to review.
    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void>

    /// Reviews and approvals given so far (GitLab: its approvals, as `.approved` reviews).
    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review]

    /// Approves the pull request as the token's user.
    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void>

    /// Adds a comment.
    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment>

    /// Merges; `sha`, when given, must be the head the caller checked.
    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult>

    /// Closes without merging.
    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest>
}
