/// Gitea and Forgejo (Codeberg, self-hosted `/api/v1`), as gitea.swagger.json
/// and forgejo.swagger.json describe them. Their differences: Forgejo takes
/// the token only in the header, as `token` (lowercase) or Bearer (we send
/// `token` to both); its create-pull-request has no reviewers (we never send
/// them there: reviewers go through `requested_reviewers` on both); its merge
/// option is spelt `Do`, Gitea's `do`.
struct GiteaClient: ForgeClient {
    let transport: ForgeTransport
    var forge: Forge { transport.forge }
    /// Gitea's and Forgejo's default largest page (MAX_RESPONSE_ITEMS), used
    /// when the instance does not say its own.
    static let defaultPageSize = 50

    /// The instance's page size, once read (`pageSize(scope:)`).
    let pageSizeMemo = PageSize()

    init(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) {
        transport = ForgeTransport(forge: forge, tokens: tokens, options: options)
    }

    var kindName: String { forge.kind == .forgejo ? "Forgejo" : "Gitea" }

    func repoScope(_ ref: RepositoryRef) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.repository(forge: forge.name, owner: ref.owner, name: ref.name), kind: forge.kind)
    }
    func ownerScope(_ owner: String) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.owner(forge: forge.name, owner: owner), kind: forge.kind)
    }

    // MARK: parsing

    static func repository(_ j: JSONValue) -> RemoteRepository? {
        guard let name = j["name"]?.text, let owner = j["owner"]?["login"]?.text ?? j["owner"]?["username"]?.text else { return nil }
        let visibility: Visibility = (j["private"]?.bool ?? false) ? .private : (j["internal"]?.bool == true ? .internal : .public)
        return RemoteRepository(id: j["id"]?.int, owner: owner, name: name,
                                description: j["description"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                                visibility: visibility, archived: j["archived"]?.bool ?? false, fork: j["fork"]?.bool ?? false,
                                defaultBranch: j["default_branch"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                                cloneURL: j["clone_url"]?.text, sshURL: j["ssh_url"]?.text, webURL: j["html_url"]?.text,
                                empty: j["empty"]?.bool)
    }

    static func user(_ j: JSONValue) -> ForgeUser? {
        guard let id = j["id"]?.int, let login = j["login"]?.text ?? j["username"]?.text else { return nil }
        return ForgeUser(id: id, login: login, name: j["full_name"]?.text.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The default work-in-progress prefix of Gitea and Forgejo.
    static let draftPrefix = "WIP: "

    /// Whether a title starts with one of the default work-in-progress prefixes (case folded, as the forges compare).
    static func isWorkInProgress(_ title: String) -> Bool {
        let t = title.lowercased()
        return t.hasPrefix("wip:") || t.hasPrefix("[wip]")
    }

    static func pullRequest(_ j: JSONValue) -> PullRequest? {
        guard let number = j["number"]?.int, let head = j["head"]?["ref"]?.text, let base = j["base"]?["ref"]?.text else { return nil }
        let merged = j["merged"]?.bool == true
        let state: PullRequestState = merged ? .merged : (j["state"]?.text == "open" ? .open : .closed)
        let reviewers: [String]
        if case .array(let a)? = j["requested_reviewers"] { reviewers = a.compactMap { $0["login"]?.text } } else { reviewers = [] }
        return PullRequest(number: Int(number), id: j["id"]?.int, title: j["title"]?.text ?? "", body: j["body"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                           state: state, draft: j["draft"]?.bool ?? isWorkInProgress(j["title"]?.text ?? ""), head: head, base: base, headSHA: j["head"]?["sha"]?.text,
                           author: j["user"]?["login"]?.text, webURL: j["html_url"]?.text,
                           mergeCommitSHA: merged ? j["merge_commit_sha"]?.text : nil, requestedReviewers: reviewers)
    }

    static func review(_ j: JSONValue) -> Review? {
        guard let login = j["user"]?["login"]?.text, let s = j["state"]?.text else { return nil }
        let state: ReviewState
        switch s {
        case "APPROVED": state = .approved
        case "REQUEST_CHANGES": state = .changesRequested
        case "COMMENT": state = .commented
        case "REQUEST_REVIEW": state = .requested
        default: state = j["dismissed"]?.bool == true ? .dismissed : .pending
        }
        return Review(id: j["id"]?.int, reviewer: login, state: j["dismissed"]?.bool == true ? .dismissed : state,
                      body: j["body"]?.text.flatMap { $0.isEmpty ? nil : $0 }, commitSHA: j["commit_id"]?.text)
    }

    static func comment(_ j: JSONValue) -> Comment? {
        guard let id = j["id"]?.int else { return nil }
        return Comment(id: id, body: j["body"]?.text ?? "", author: j["user"]?["login"]?.text)
    }

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        return try await transport.readExisting("/user", scope: scope, what: "asking who the token of \(scope.path) is", GiteaClient.user)
    }

    func repoPath(_ ref: RepositoryRef) -> String { "/repos/\(URLText.path(ref.owner, ref.name))" }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        try await transport.read(repoPath(ref), scope: try repoScope(ref), what: "reading repository \(ref)", GiteaClient.repository)
    }

    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> {
        let path: String
        switch new.owner {
        case .org(let org): path = "/orgs/\(URLText.encode(org))/repos"
        case .user: path = "/user/repos"
        }
        guard new.visibility != .internal else {
            throw ForgeAPIError(.unsupported, forge: forge.name, method: "POST", path: path,
                                detail: "\(kindName)'s create-repository takes only private (true or false); 'internal' cannot be asked for",
                                hint: "set visibility = \"private\" (or \"public\") in .hyperforge/config.toml")
        }
        var body: [String: JSONValue] = ["name": .string(new.name), "private": .bool(new.visibility == .private)]
        if let d = new.description { body["description"] = .string(d) }
        if let b = new.defaultBranch { body["default_branch"] = .string(b) }
        return try await transport.change("POST", path, body: .object(body), scope: try repoScope(new.ref), expect: [201], what: "creating repository \(new.ref)",
                                          hint: { $0 == 409 ? "repository \(new.ref) exists already: 'git hforge status --remote' shows it" : nil },
                                          lookFirst: { try await repository(new.ref) }) { $0.flatMap(GiteaClient.repository) }
    }

    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository] {
        let scope = try ownerScope(owner.name)
        let size = try await pageSize(scope: scope)
        let path: String
        var onlyOwner: String?
        switch owner {
        case .org(let org):
            path = "/orgs/\(URLText.encode(org))/repos?page=1&limit=\(size)"
        case .user(let user):
            // Private repositories of the token's own user come only from /user/repos
            // (which lists the ones it may access: kept are those it owns).
            let me = try await currentUser(tokenOf: user)
            if me.login.lowercased() == user.lowercased() {
                path = "/user/repos?page=1&limit=\(size)"
                onlyOwner = me.login.lowercased()
            } else {
                path = "/users/\(URLText.encode(user))/repos?page=1&limit=\(size)"
            }
        }
        return try await transport.list(path, scope: scope, what: "listing the repositories of \(owner.name)",
                                        hint: "no \(kindName) org or user \(owner.name) visible to the token of \(scope.path)", GiteaClient.repository) { repo in
            if let onlyOwner, repo.owner.lowercased() != onlyOwner { return false }
            return filter.keeps(repo)
        }
    }

    func pullsPath(_ ref: RepositoryRef) -> String { repoPath(ref) + "/pulls" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        // Gitea and Forgejo have no draft field to create with: a title that
        // starts with one of the instance's work-in-progress prefixes
        // (`WORK_IN_PROGRESS_PREFIXES`, by default `WIP:` and `[WIP]`) makes
        // the request a draft, which the forge reports as `draft` and will not merge.
        let title = new.draft && !GiteaClient.isWorkInProgress(new.title) ? GiteaClient.draftPrefix + new.title : new.title
        var body: [String: JSONValue] = ["title": .string(title), "head": .string(new.head), "base": .string(new.base)]
        if let b = new.body { body["body"] = .string(b) }
        return try await transport.change("POST", pullsPath(ref), body: .object(body), scope: try repoScope(ref), expect: [201],
                                          what: "opening a pull request from \(new.head) into \(new.base) of \(ref)",
                                          hint: { $0 == 409 ? "a pull request from \(new.head) into \(new.base) is open already" : nil },
                                          lookFirst: { try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) }) {
            $0.flatMap(GiteaClient.pullRequest)
        }
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        try await transport.read("\(pullsPath(ref))/\(number)", scope: try repoScope(ref), what: "reading pull request #\(number) of \(ref)", GiteaClient.pullRequest)
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
        let scope = try repoScope(ref)
        let s = state == .open ? "open" : state == .all ? "all" : "closed"
        let size = try await pageSize(scope: scope)
        let path = pullsPath(ref) + "?state=\(s)&page=1&limit=\(size)"
        let branch = head.map { $0.split(separator: ":").last.map(String.init) ?? $0 }
        return try await transport.list(path, scope: scope, what: "listing pull requests of \(ref)", GiteaClient.pullRequest) { pr in
            if let branch, pr.head != branch { return false }
            switch state {
            case .merged: return pr.state == .merged
            case .closed: return pr.state == .closed
            default: return true
            }
        }
    }

    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> {
        try await transport.change("POST", "\(pullsPath(ref))/\(number)/requested_reviewers", body: .object(["reviewers": .array(reviewers.map { .string($0) })]),
                                   scope: try repoScope(ref), expect: [201],
                                   what: "asking \(reviewers.joined(separator: ", ")) to review #\(number) of \(ref)", idempotent: true) { _ in () }
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        let scope = try repoScope(ref)
        let size = try await pageSize(scope: scope)
        return try await transport.list("\(pullsPath(ref))/\(number)/reviews?page=1&limit=\(size)", scope: scope,
                                        what: "listing reviews of #\(number) of \(ref)", GiteaClient.review)
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        var fields: [String: JSONValue] = ["event": .string("APPROVED")]
        if let body { fields["body"] = .string(body) }
        return try await transport.change("POST", "\(pullsPath(ref))/\(number)/reviews", body: .object(fields), scope: try repoScope(ref),
                                          expect: [200], what: "approving #\(number) of \(ref)") { _ in () }
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        try await transport.change("POST", "\(repoPath(ref))/issues/\(number)/comments", body: .object(["body": .string(body)]),
                                   scope: try repoScope(ref), expect: [201], what: "commenting on #\(number) of \(ref)") { $0.flatMap(GiteaClient.comment) }
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        // Forgejo's MergePullRequestOption spells it "Do", Gitea's "do".
        var fields: [String: JSONValue] = [forge.kind == .forgejo ? "Do" : "do": .string(method.rawValue)]
        if let sha { fields["head_commit_id"] = .string(sha) }
        return try await transport.change("POST", "\(pullsPath(ref))/\(number)/merge", body: .object(fields), scope: try repoScope(ref), expect: [200],
                                          what: "merging #\(number) of \(ref)", idempotent: true,
                                          hint: { $0 == 409 ? "the head changed or the pull request cannot be merged now: look at it again" : nil }) { _ in
            MergeResult(merged: true, sha: nil, message: nil)
        }
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        try await transport.change("PATCH", "\(pullsPath(ref))/\(number)", body: .object(["state": .string("closed")]), scope: try repoScope(ref),
                                   expect: [200, 201], what: "closing #\(number) of \(ref)") { $0.flatMap(GiteaClient.pullRequest) }
    }
}

/// The page size of one Gitea/Forgejo instance: `GET /settings/api`'s
/// `max_response_items` (its `[api] MAX_RESPONSE_ITEMS`, the most a page
/// holds), else its `default_paging_num`, asked once per client (a command
/// makes one client per forge, so once per run). When the instance does not
/// answer it (an old version, a proxy that refuses it), 50 is asked for: a
/// smaller page is still followed to the end through Link / X-Total-Count.
extension GiteaClient {
    final class PageSize: @unchecked Sendable {
        private let lock = Lock()
        private var known: Int?
        var value: Int? { lock.withLock { known } }
        func set(_ size: Int) { lock.withLock { known = size } }
    }

    /// Throws what would stop the listing too (no token, no connection, a rate limit past waiting).
    func pageSize(scope: ForgeTokenScope) async throws -> Int {
        if let known = pageSizeMemo.value { return known }
        var size = GiteaClient.defaultPageSize
        do {
            let settings = try await transport.readExisting("/settings/api", scope: scope, what: "reading the instance's API settings") { $0 }
            for key in ["max_response_items", "default_paging_num"] {
                if let n = settings[key]?.int, n >= 1 { size = Int(min(n, 1000)); break }
            }
        } catch let e as ForgeAPIError where [.http, .notFound, .forbidden, .unauthorized, .badResponse, .conflict].contains(e.kind) {
            // An answer, but not the settings: the default, and the listing says what is wrong.
        }
        pageSizeMemo.set(size)
        return size
    }
}
