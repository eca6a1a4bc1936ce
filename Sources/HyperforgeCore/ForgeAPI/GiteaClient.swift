/// Gitea and Forgejo (Codeberg, self-hosted `/api/v1`), as gitea.swagger.json
/// and forgejo.swagger.json describe them. Their differences: Forgejo takes
/// the token only in the header, as `token` (lowercase) or Bearer (we send
/// `token` to both); its create-pull-request has no reviewers (we never send
/// them there: reviewers go through `requested_reviewers` on both); its merge
/// option is spelt `Do`, Gitea's `do`.
struct GiteaClient: ForgeClient {
    let transport: ForgeTransport
    var forge: Forge { transport.forge }
    /// Gitea's and Forgejo's default largest page (MAX_RESPONSE_ITEMS); a smaller
    /// server setting is followed through Link / X-Total-Count.
    static let pageSize = 50

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

    static func pullRequest(_ j: JSONValue) -> PullRequest? {
        guard let number = j["number"]?.int, let head = j["head"]?["ref"]?.text, let base = j["base"]?["ref"]?.text else { return nil }
        let merged = j["merged"]?.bool == true
        let state: PullRequestState = merged ? .merged : (j["state"]?.text == "open" ? .open : .closed)
        let reviewers: [String]
        if case .array(let a)? = j["requested_reviewers"] { reviewers = a.compactMap { $0["login"]?.text } } else { reviewers = [] }
        return PullRequest(number: Int(number), id: j["id"]?.int, title: j["title"]?.text ?? "", body: j["body"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                           state: state, draft: j["draft"]?.bool ?? false, head: head, base: base, headSHA: j["head"]?["sha"]?.text,
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

    func bad(_ method: String, _ path: String, _ what: String) -> ForgeAPIError {
        ForgeAPIError(.badResponse, forge: forge.name, method: method, path: path, detail: "\(what): the answer lacks the fields \(kindName)'s description gives it")
    }

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        let r = try await transport.send("GET", "/user", scope: scope, conditional: true)
        guard r.status == 200 else { throw transport.failure(r, "GET", "/user", scope: scope, what: "asking who the token of \(scope.path) is") }
        guard let u = r.json().flatMap(GiteaClient.user) else { throw bad("GET", "/user", "who am I") }
        return u
    }

    func repoPath(_ ref: RepositoryRef) -> String { "/repos/\(URLText.path(ref.owner, ref.name))" }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        let scope = try repoScope(ref)
        let path = repoPath(ref)
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading repository \(ref)") }
        guard let repo = r.json().flatMap(GiteaClient.repository) else { throw bad("GET", path, "repository \(ref)") }
        return repo
    }

    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> {
        let scope = try repoScope(new.ref)
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
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            if let existing = try await repository(new.ref) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "creating repository \(new.ref)",
                                    hint: r.status == 409 ? "repository \(new.ref) exists already: 'git hforge status --remote' shows it" : nil)
        }
        guard let repo = r.json().flatMap(GiteaClient.repository) else { throw bad("POST", path, "created repository \(new.ref)") }
        return .done(repo)
    }

    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository] {
        let scope = try ownerScope(owner.name)
        let path: String
        var onlyOwner: String?
        switch owner {
        case .org(let org):
            path = "/orgs/\(URLText.encode(org))/repos?page=1&limit=\(GiteaClient.pageSize)"
        case .user(let user):
            // Private repositories of the token's own user come only from /user/repos
            // (which lists the ones it may access: kept are those it owns).
            let me = try await currentUser(tokenOf: user)
            if me.login.lowercased() == user.lowercased() {
                path = "/user/repos?page=1&limit=\(GiteaClient.pageSize)"
                onlyOwner = me.login.lowercased()
            } else {
                path = "/users/\(URLText.encode(user))/repos?page=1&limit=\(GiteaClient.pageSize)"
            }
        }
        var out: [RemoteRepository] = []
        try await transport.eachPage(path, scope: scope, what: "listing the repositories of \(owner.name)",
                                     hint: "no \(kindName) org or user \(owner.name) visible to the token of \(scope.path)") { items in
            for item in items {
                guard let repo = GiteaClient.repository(item) else { throw bad("GET", path, "a listed repository") }
                if let onlyOwner, repo.owner.lowercased() != onlyOwner { continue }
                if filter.keeps(repo) { out.append(repo) }
            }
        }
        return out
    }

    func pullsPath(_ ref: RepositoryRef) -> String { repoPath(ref) + "/pulls" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = pullsPath(ref)
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        var body: [String: JSONValue] = ["title": .string(new.title), "head": .string(new.head), "base": .string(new.base)]
        if let b = new.body { body["body"] = .string(b) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            if let existing = try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "opening a pull request from \(new.head) into \(new.base) of \(ref)",
                                    hint: r.status == 409 ? "a pull request from \(new.head) into \(new.base) is open already" : nil)
        }
        guard let pr = r.json().flatMap(GiteaClient.pullRequest) else { throw bad("POST", path, "the new pull request") }
        return .done(pr)
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)"
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading pull request #\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GiteaClient.pullRequest) else { throw bad("GET", path, "pull request #\(number)") }
        return pr
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
        let scope = try repoScope(ref)
        let s = state == .open ? "open" : state == .all ? "all" : "closed"
        let path = pullsPath(ref) + "?state=\(s)&page=1&limit=\(GiteaClient.pageSize)"
        let branch = head.map { $0.split(separator: ":").last.map(String.init) ?? $0 }
        var out: [PullRequest] = []
        try await transport.eachPage(path, scope: scope, what: "listing pull requests of \(ref)") { items in
            for item in items {
                guard let pr = GiteaClient.pullRequest(item) else { throw bad("GET", path, "a listed pull request") }
                if let branch, pr.head != branch { continue }
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
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "asking \(reviewers.joined(separator: ", ")) to review #\(number) of \(ref)")
        }
        return .done(())
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/reviews?page=1&limit=\(GiteaClient.pageSize)"
        var out: [Review] = []
        try await transport.eachPage(path, scope: scope, what: "listing reviews of #\(number) of \(ref)") { items in
            for item in items {
                guard let review = GiteaClient.review(item) else { throw bad("GET", path, "a listed review") }
                out.append(review)
            }
        }
        return out
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/reviews"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        var fields: [String: JSONValue] = ["event": .string("APPROVED")]
        if let body { fields["body"] = .string(body) }
        let r = try await transport.send("POST", path, body: .object(fields), scope: scope)
        guard r.status == 200 else { throw transport.failure(r, "POST", path, scope: scope, what: "approving #\(number) of \(ref)") }
        return .done(())
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        let scope = try repoScope(ref)
        let path = "\(repoPath(ref))/issues/\(number)/comments"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r = try await transport.send("POST", path, body: .object(["body": .string(body)]), scope: scope)
        guard r.status == 201 else { throw transport.failure(r, "POST", path, scope: scope, what: "commenting on #\(number) of \(ref)") }
        guard let c = r.json().flatMap(GiteaClient.comment) else { throw bad("POST", path, "the new comment") }
        return .done(c)
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)/merge"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        // Forgejo's MergePullRequestOption spells it "Do", Gitea's "do".
        var fields: [String: JSONValue] = [forge.kind == .forgejo ? "Do" : "do": .string(method.rawValue)]
        if let sha { fields["head_commit_id"] = .string(sha) }
        let r = try await transport.send("POST", path, body: .object(fields), scope: scope, idempotent: true)
        guard r.status == 200 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "merging #\(number) of \(ref)",
                                    hint: r.status == 409 ? "the head changed or the pull request cannot be merged now: look at it again" : nil)
        }
        return .done(MergeResult(merged: true, sha: nil, message: nil))
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = "\(pullsPath(ref))/\(number)"
        if let plan = transport.plan("PATCH", path) { return .planned(plan) }
        let r = try await transport.send("PATCH", path, body: .object(["state": .string("closed")]), scope: scope)
        guard r.status == 201 || r.status == 200 else { throw transport.failure(r, "PATCH", path, scope: scope, what: "closing #\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GiteaClient.pullRequest) else { throw bad("PATCH", path, "the closed pull request") }
        return .done(pr)
    }
}
