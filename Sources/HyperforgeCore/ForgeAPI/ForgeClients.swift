import FoundationEssentials

/// How a client behaves beyond its forge and tokens.
public struct ForgeClientOptions: Sendable {
    /// Send no mutating request (POST, PUT, PATCH, DELETE): mutating operations
    /// return `.planned` with the request they would have sent.
    public var dryRun: Bool
    /// Sees every request, sent or planned (method and URL, no token): a
    /// dry run prints them.
    public var onRequest: (@Sendable (ForgeRequestRecord) -> Void)?
    /// One line for the user (stderr): what a wait is for and until when.
    public var notice: @Sendable (String) -> Void
    /// Where ETags and their responses are kept (0700 directory, 0600 files);
    /// nil: no conditional requests.
    public var cacheDirectory: String?
    /// Seconds one exchange may take.
    public var timeout: Int
    /// Attempts of an idempotent request on 502/503/504, resets and timeouts.
    public var attempts: Int
    /// The longest single wait for a rate limit; a longer one is an error
    /// that says until when.
    public var longestWait: Double
    /// Seconds before the first retry (doubling each time, with jitter, at most 30).
    public var backoff: Double
    /// The environment whose proxy variables and CURL_CA_BUNDLE apply
    /// (`http_proxy`, `https_proxy`, `HTTPS_PROXY`, `all_proxy`, `ALL_PROXY`,
    /// `no_proxy`, `NO_PROXY`, as curl reads them).
    public var environment: [String: String]

    public init(dryRun: Bool = false, onRequest: (@Sendable (ForgeRequestRecord) -> Void)? = nil,
                notice: @escaping @Sendable (String) -> Void = { _ in }, cacheDirectory: String? = nil,
                timeout: Int = 30, attempts: Int = 4, longestWait: Double = 300, backoff: Double = 1,
                environment: [String: String] = [:]) {
        self.dryRun = dryRun
        self.onRequest = onRequest
        self.notice = notice
        self.cacheDirectory = cacheDirectory
        self.timeout = timeout
        self.attempts = attempts
        self.longestWait = longestWait
        self.backoff = backoff
        self.environment = environment
    }

    /// The options for a command running in `context`: its environment, the
    /// ETag cache under `$XDG_STATE_HOME/hyperforge/forge-api`, notices on its stderr.
    public static func standard(_ context: Context, dryRun: Bool = false,
                                onRequest: (@Sendable (ForgeRequestRecord) -> Void)? = nil) -> ForgeClientOptions {
        let stderr = context.output.stderr
        return ForgeClientOptions(dryRun: dryRun, onRequest: onRequest, notice: { stderr.line($0) },
                                  cacheDirectory: defaultCacheDirectory(context.paths), environment: context.environment)
    }

    public static func defaultCacheDirectory(_ paths: Paths) -> String {
        paths.stateHome + "/hyperforge/forge-api"
    }
}

/// Makes the client for a forge.
public enum ForgeClients {
    /// The client for `forge`'s kind at its `apiURL`. `trusted`: the forge is
    /// built in or declared in the user's own files (`HforgeConfig.isUserForge`);
    /// otherwise the client refuses every call before sending anything, since
    /// a repository's committed config must not choose where a token goes.
    public static func make(forge: Forge, trusted: Bool, tokens: any ForgeTokenSource,
                            options: ForgeClientOptions) -> any ForgeClient {
        guard trusted else { return UntrustedForgeClient(forge: forge) }
        return ForgeClients.client(forge: forge, tokens: tokens, options: options)
    }
}

/// The client of a forge that only a repository's committed config declares.
struct UntrustedForgeClient: ForgeClient {
    let forge: Forge

    var refusal: ForgeAPIError {
        ForgeAPIError(.untrustedForge, forge: forge.name,
                      detail: "it is declared only in a repository's committed config (API \(forge.apiURL)), so no token is sent to its API and nothing was asked of it",
                      hint: "declare [custom_forges.\(forge.name)] in your own $XDG_CONFIG_HOME/hyperforge/auth.toml (or a defaults.toml you own that no repository tracks) if you trust that host")
    }

    func currentUser(tokenOf user: String) async throws -> ForgeUser { throw refusal }
    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? { throw refusal }
    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> { throw refusal }
    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository] { throw refusal }
    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> { throw refusal }
    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? { throw refusal }
    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] { throw refusal }
    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> { throw refusal }
    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] { throw refusal }
    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> { throw refusal }
    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> { throw refusal }
    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> { throw refusal }
    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> { throw refusal }
}
