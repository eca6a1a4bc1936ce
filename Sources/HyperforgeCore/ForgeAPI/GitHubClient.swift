/// GitHub (api.github.com, and GitHub Enterprise Server at `HOST/api/v3`),
/// REST API version 2022-11-28, as github.openapi.json describes it.
struct GitHubClient: ForgeClient {
    let transport: ForgeTransport
    var forge: Forge { transport.forge }

    init(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) {
        transport = ForgeTransport(forge: forge, tokens: tokens, options: options)
    }

    func repoScope(_ ref: RepositoryRef) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.repository(forge: forge.name, owner: ref.owner, name: ref.name), kind: forge.kind)
    }
    func ownerScope(_ owner: String) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.owner(forge: forge.name, owner: owner), kind: forge.kind)
    }

    // MARK: parsing

    static func repository(_ j: JSONValue) -> RemoteRepository? {
        guard let name = j["name"]?.text, let owner = j["owner"]?["login"]?.text else { return nil }
        let visibility: Visibility = j["visibility"]?.text.flatMap(Visibility.init(rawValue:))
            ?? ((j["private"]?.bool ?? false) ? .private : .public)
        return RemoteRepository(id: j["id"]?.int, owner: owner, name: name, description: j["description"]?.text,
                                visibility: visibility, archived: j["archived"]?.bool ?? false, fork: j["fork"]?.bool ?? false,
                                defaultBranch: j["default_branch"]?.text, cloneURL: j["clone_url"]?.text, sshURL: j["ssh_url"]?.text,
                                webURL: j["html_url"]?.text, empty: j["size"]?.int.map { $0 == 0 })
    }

    static func user(_ j: JSONValue) -> ForgeUser? {
        guard let id = j["id"]?.int, let login = j["login"]?.text else { return nil }
        return ForgeUser(id: id, login: login, name: j["name"]?.text)
    }

    static func pullRequest(_ j: JSONValue) -> PullRequest? {
        guard let number = j["number"]?.int, let head = j["head"]?["ref"]?.text, let base = j["base"]?["ref"]?.text else { return nil }
        let merged = (j["merged_at"].map { !$0.isNull } ?? false) || j["merged"]?.bool == true
        let state: PullRequestState = merged ? .merged : (j["state"]?.text == "open" ? .open : .closed)
        let reviewers: [String]
        if case .array(let a)? = j["requested_reviewers"] { reviewers = a.compactMap { $0["login"]?.text } } else { reviewers = [] }
        return PullRequest(number: Int(number), id: j["id"]?.int, title: j["title"]?.text ?? "", body: j["body"]?.text, state: state,
                           draft: j["draft"]?.bool ?? false, head: head, base: base, headSHA: j["head"]?["sha"]?.text,
                           author: j["user"]?["login"]?.text, webURL: j["html_url"]?.text,
                           mergeCommitSHA: merged ? j["merge_commit_sha"]?.text : nil, requestedReviewers: reviewers)
    }

    static func review(_ j: JSONValue) -> Review? {
        guard let login = j["user"]?["login"]?.text, let s = j["state"]?.text else { return nil }
        let state: ReviewState
        switch s {
        case "APPROVED": state = .approved
        case "CHANGES_REQUESTED": state = .changesRequested
        case "COMMENTED": state = .commented
        case "DISMISSED": state = .dismissed
        default: state = .pending
        }
        return Review(id: j["id"]?.int, reviewer: login, state: state, body: j["body"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                      commitSHA: j["commit_id"]?.text)
    }

    static func comment(_ j: JSONValue) -> Comment? {
        guard let id = j["id"]?.int else { return nil }
        return Comment(id: id, body: j["body"]?.text ?? "", author: j["user"]?["login"]?.text)
    }

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        return try await transport.readExisting("/user", scope: scope, what: "asking who the token of \(scope.path) is", GitHubClient.user)
    }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        try await transport.read("/repos/\(URLText.path(ref.owner, ref.name))", scope: try repoScope(ref), what: "reading repository \(ref)", GitHubClient.repository)
    }

    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> {
        let scope = try repoScope(new.ref)
        var body: [String: JSONValue] = ["name": .string(new.name)]
        if let d = new.description { body["description"] = .string(d) }
        let path: String
        switch new.owner {
        case .org(let org):
            path = "/orgs/\(URLText.encode(org))/repos"
            guard new.visibility != .internal else {
                throw ForgeAPIError(.unsupported, forge: forge.name, method: "POST", path: path,
                                    detail: "visibility 'internal' is not one GitHub's create-repository description offers (public or private)",
                                    hint: "set visibility = \"private\" (or \"public\") in .hyperforge/config.toml")
            }
            body["visibility"] = .string(new.visibility.rawValue)
            body["private"] = .bool(new.visibility == .private)
        case .user:
            path = "/user/repos"
            guard new.visibility != .internal else {
                throw ForgeAPIError(.unsupported, forge: forge.name, method: "POST", path: path,
                                    detail: "a user's repository on GitHub is public or private; 'internal' exists only in organisations of an enterprise",
                                    hint: "set visibility = \"private\" (or \"public\") in .hyperforge/config.toml")
            }
            body["private"] = .bool(new.visibility == .private)
        }
        return try await transport.change("POST", path, body: .object(body), scope: scope, expect: [201], what: "creating repository \(new.ref)",
                                          hint: { $0 == 422 ? "a repository \(new.ref) may exist already: 'git hforge status --remote' shows it" : nil },
                                          lookFirst: { try await repository(new.ref) }) { $0.flatMap(GitHubClient.repository) }
    }

    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository] {
        let scope = try ownerScope(owner.name)
        let path: String
        let hint: String?
        switch owner {
        case .org(let org):
            path = "/orgs/\(URLText.encode(org))/repos?type=all&per_page=100"
            hint = "the token for \(scope.path) cannot see org \(org): GitHub answers 404 for private orgs without access (or there is no such org)"
        case .user(let user):
            // The user's own private repositories are listed only by /user/repos.
            let me = try await currentUser(tokenOf: user)
            path = me.login.lowercased() == user.lowercased()
                ? "/user/repos?affiliation=owner&per_page=100"
                : "/users/\(URLText.encode(user))/repos?type=owner&per_page=100"
            hint = "no GitHub user \(user) visible to the token of \(scope.path)"
        }
        return try await transport.list(path, scope: scope, what: "listing the repositories of \(owner.name)", hint: hint,
                                        GitHubClient.repository, keep: filter.keeps)
    }

    func pullsPath(_ ref: RepositoryRef) -> String { "/repos/\(URLText.path(ref.owner, ref.name))/pulls" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        var body: [String: JSONValue] = ["title": .string(new.title), "head": .string(new.head), "base": .string(new.base)]
        if let b = new.body { body["body"] = .string(b) }
        if new.draft { body["draft"] = .bool(true) }
        return try await transport.change("POST", pullsPath(ref), body: .object(body), scope: try repoScope(ref), expect: [201],
                                          what: "opening a pull request from \(new.head) into \(new.base) of \(ref)",
                                          lookFirst: { try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) }) {
            $0.flatMap(GitHubClient.pullRequest)
        }
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        try await transport.read("\(pullsPath(ref))/\(number)", scope: try repoScope(ref), what: "reading pull request #\(number) of \(ref)", GitHubClient.pullRequest)
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
        var path = pullsPath(ref) + "?state=" + (state == .open ? "open" : state == .all ? "all" : "closed")
        if let head {
            // GitHub's filter is user:ref; a plain branch is this repository's owner's.
            let qualified = head.contains(":") ? head : "\(ref.owner):\(head)"
            path += "&head=" + URLText.encode(qualified)
        }
        path += "&per_page=100"
        return try await transport.list(path, scope: try repoScope(ref), what: "listing pull requests of \(ref)", GitHubClient.pullRequest) { pr in
            switch state {
            case .merged: return pr.state == .merged
            case .closed: return pr.state == .closed
            default: return true
            }
        }
    }

    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> {
        try await transport.change("POST", "\(pullsPath(ref))/\(number)/requested_reviewers", body: .object(["reviewers": .array(reviewers.map { .string($0) })]),
                                   scope: try repoScope(ref), expect: [200, 201],
                                   what: "asking \(reviewers.joined(separator: ", ")) to review #\(number) of \(ref)", idempotent: true) { _ in () }
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        try await transport.list("\(pullsPath(ref))/\(number)/reviews?per_page=100", scope: try repoScope(ref),
                                 what: "listing reviews of #\(number) of \(ref)", GitHubClient.review)
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        var fields: [String: JSONValue] = ["event": .string("APPROVE")]
        if let body { fields["body"] = .string(body) }
        return try await transport.change("POST", "\(pullsPath(ref))/\(number)/reviews", body: .object(fields), scope: try repoScope(ref),
                                          expect: [200], what: "approving #\(number) of \(ref)") { _ in () }
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        // Pull requests are issues: their comments go through the Issues API.
        try await transport.change("POST", "/repos/\(URLText.path(ref.owner, ref.name))/issues/\(number)/comments", body: .object(["body": .string(body)]),
                                   scope: try repoScope(ref), expect: [201], what: "commenting on #\(number) of \(ref)") { $0.flatMap(GitHubClient.comment) }
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        var fields: [String: JSONValue] = ["merge_method": .string(method.rawValue)]
        if let sha { fields["sha"] = .string(sha) }
        return try await transport.change("PUT", "\(pullsPath(ref))/\(number)/merge", body: .object(fields), scope: try repoScope(ref), expect: [200],
                                          what: "merging #\(number) of \(ref)",
                                          hint: { $0 == 409 ? "the head changed since \(sha ?? "it was read"): look at the pull request again" : nil }) { j in
            MergeResult(merged: j?["merged"]?.bool ?? true, sha: j?["sha"]?.text, message: j?["message"]?.text)
        }
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        try await transport.change("PATCH", "\(pullsPath(ref))/\(number)", body: .object(["state": .string("closed")]), scope: try repoScope(ref),
                                   expect: [200], what: "closing #\(number) of \(ref)") { $0.flatMap(GitHubClient.pullRequest) }
    }
}
