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

    func bad(_ method: String, _ path: String, _ what: String) -> ForgeAPIError {
        ForgeAPIError(.badResponse, forge: forge.name, method: method, path: path, detail: "\(what): the answer lacks the fields GitHub's description gives it")
    }

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        let r = try await transport.send("GET", "/user", scope: scope, conditional: true)
        guard r.status == 200 else { throw transport.failure(r, "GET", "/user", scope: scope, what: "asking who the token of \(scope.path) is") }
        guard let u = r.json().flatMap(GitHubClient.user) else { throw bad("GET", "/user", "who am I") }
        return u
    }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        let scope = try repoScope(ref)
        let path = "/repos/\(URLText.path(ref.owner, ref.name))"
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading repository \(ref)") }
        guard let repo = r.json().flatMap(GitHubClient.repository) else { throw bad("GET", path, "repository \(ref)") }
        return repo
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
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            // Never sent twice: look first.
            if let existing = try await repository(new.ref) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "creating repository \(new.ref)",
                                    hint: r.status == 422 ? "a repository \(new.ref) may exist already: 'git hforge status --remote' shows it" : nil)
        }
        guard let repo = r.json().flatMap(GitHubClient.repository) else { throw bad("POST", path, "created repository \(new.ref)") }
        return .done(repo)
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
        var out: [RemoteRepository] = []
        try await transport.eachPage(path, scope: scope, what: "listing the repositories of \(owner.name)", hint: hint) { items in
            for item in items {
                guard let repo = GitHubClient.repository(item) else { throw bad("GET", path, "a listed repository") }
                if filter.keeps(repo) { out.append(repo) }
            }
        }
        return out
    }

    func pullsPath(_ ref: RepositoryRef) -> String { "/repos/\(URLText.path(ref.owner, ref.name))/pulls" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = pullsPath(ref)
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        var body: [String: JSONValue] = ["title": .string(new.title), "head": .string(new.head), "base": .string(new.base)]
        if let b = new.body { body["body"] = .string(b) }
        if new.draft { body["draft"] = .bool(true) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            if let existing = try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else { throw transport.failure(r, "POST", path, scope: scope, what: "opening a pull request from \(new.head) into \(new.base) of \(ref)") }
        guard let pr = r.json().flatMap(GitHubClient.pullRequest) else { throw bad("POST", path, "the new pull request") }
        return .done(pr)
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)"
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading pull request #\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GitHubClient.pullRequest) else { throw bad("GET", path, "pull request #\(number)") }
        return pr
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
        let scope = try repoScope(ref)
        var path = pullsPath(ref) + "?state=" + (state == .open ? "open" : state == .all ? "all" : "closed")
        if let head {
            // GitHub's filter is user:ref; a plain branch is this repository's owner's.
            let qualified = head.contains(":") ? head : "\(ref.owner):\(head)"
            path += "&head=" + URLText.encode(qualified)
        }
        path += "&per_page=100"
        var out: [PullRequest] = []
        try await transport.eachPage(path, scope: scope, what: "listing pull requests of \(ref)") { items in
            for item in items {
                guard let pr = GitHubClient.pullRequest(item) else { throw bad("GET", path, "a listed pull request") }
                switch state {
                case .merged where pr.state != .merged: continue
                case .closed where pr.state != .closed: continue
                default: out.append(pr)
                }
            }
        }
        return out
    }

    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/requested_reviewers"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r = try await transport.send("POST", path, body: .object(["reviewers": .array(reviewers.map { .string($0) })]), scope: scope, idempotent: true)
        guard r.status == 201 || r.status == 200 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "asking \(reviewers.joined(separator: ", ")) to review #\(number) of \(ref)")
        }
        return .done(())
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/reviews?per_page=100"
        var out: [Review] = []
        try await transport.eachPage(path, scope: scope, what: "listing reviews of #\(number) of \(ref)") { items in
            for item in items {
                guard let review = GitHubClient.review(item) else { throw bad("GET", path, "a listed review") }
                out.append(review)
            }
        }
        return out
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/reviews"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        var fields: [String: JSONValue] = ["event": .string("APPROVE")]
        if let body { fields["body"] = .string(body) }
        let r = try await transport.send("POST", path, body: .object(fields), scope: scope)
        guard r.status == 200 else { throw transport.failure(r, "POST", path, scope: scope, what: "approving #\(number) of \(ref)") }
        return .done(())
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        let scope = try repoScope(ref)
        // Pull requests are issues: their comments go through the Issues API.
        let path = "/repos/\(URLText.path(ref.owner, ref.name))/issues/\(number)/comments"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r = try await transport.send("POST", path, body: .object(["body": .string(body)]), scope: scope)
        guard r.status == 201 else { throw transport.failure(r, "POST", path, scope: scope, what: "commenting on #\(number) of \(ref)") }
        guard let c = r.json().flatMap(GitHubClient.comment) else { throw bad("POST", path, "the new comment") }
        return .done(c)
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/merge"
        if let plan = transport.plan("PUT", path) { return .planned(plan) }
        var fields: [String: JSONValue] = ["merge_method": .string(method.rawValue)]
        if let sha { fields["sha"] = .string(sha) }
        let r = try await transport.send("PUT", path, body: .object(fields), scope: scope)
        guard r.status == 200 else {
            throw transport.failure(r, "PUT", path, scope: scope, what: "merging #\(number) of \(ref)",
                                    hint: r.status == 409 ? "the head changed since \(sha ?? "it was read"): look at the pull request again" : nil)
        }
        let j = r.json()
        return .done(MergeResult(merged: j?["merged"]?.bool ?? true, sha: j?["sha"]?.text, message: j?["message"]?.text))
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)"
        if let plan = transport.plan("PATCH", path) { return .planned(plan) }
        let r = try await transport.send("PATCH", path, body: .object(["state": .string("closed")]), scope: scope)
        guard r.status == 200 else { throw transport.failure(r, "PATCH", path, scope: scope, what: "closing #\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GitHubClient.pullRequest) else { throw bad("PATCH", path, "the closed pull request") }
        return .done(pr)
    }
}
