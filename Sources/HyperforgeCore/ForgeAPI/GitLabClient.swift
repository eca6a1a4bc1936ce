/// GitLab (gitlab.com and self-managed `/api/v4`), as gitlab.md describes
/// it: projects by their URL-encoded full path (`group%2Fsub%2Fname`), nested
/// groups, merge requests by `iid`. Creating in a group needs the group's
/// id: `GET /groups/:id` (GitLab's "Details of a group", doc/api/groups.md).
/// Reviewers are user ids: `GET /users?username=` (doc/api/users.md).
struct GitLabClient: ForgeClient {
    let transport: ForgeTransport
    var forge: Forge { transport.forge }
    static let pageSize = 100

    init(forge: Forge, tokens: any ForgeTokenSource, options: ForgeClientOptions) {
        transport = ForgeTransport(forge: forge, tokens: tokens, options: options)
    }

    func repoScope(_ ref: RepositoryRef) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.repository(forge: forge.name, owner: ref.owner, name: ref.name), kind: forge.kind)
    }
    func ownerScope(_ owner: String) throws -> ForgeTokenScope {
        try ForgeTokenScope.make(.owner(forge: forge.name, owner: owner), kind: forge.kind)
    }

    /// `/projects/group%2Fsub%2Fname`
    func projectPath(_ ref: RepositoryRef) -> String { "/projects/" + URLText.encode(ref.fullName) }

    // MARK: parsing

    static func repository(_ j: JSONValue) -> RemoteRepository? {
        guard let path = j["path"]?.text else { return nil }
        let owner = j["namespace"]?["full_path"]?.text
            ?? j["path_with_namespace"]?.text.flatMap { full in full.hasSuffix("/" + path) ? String(full.dropLast(path.count + 1)) : nil }
        guard let owner else { return nil }
        let visibility = j["visibility"]?.text.flatMap(Visibility.init(rawValue:)) ?? .private
        let forked = j["forked_from_project"].map { !$0.isNull } ?? false
        return RemoteRepository(id: j["id"]?.int, owner: owner, name: path, description: j["description"]?.text.flatMap { $0.isEmpty ? nil : $0 },
                                visibility: visibility, archived: j["archived"]?.bool ?? false, fork: forked,
                                defaultBranch: j["default_branch"]?.text, cloneURL: j["http_url_to_repo"]?.text,
                                sshURL: j["ssh_url_to_repo"]?.text, webURL: j["web_url"]?.text, empty: j["empty_repo"]?.bool)
    }

    static func user(_ j: JSONValue) -> ForgeUser? {
        guard let id = j["id"]?.int, let login = j["username"]?.text else { return nil }
        return ForgeUser(id: id, login: login, name: j["name"]?.text)
    }

    static func pullRequest(_ j: JSONValue) -> PullRequest? {
        guard let iid = j["iid"]?.int, let head = j["source_branch"]?.text, let base = j["target_branch"]?.text else { return nil }
        let state: PullRequestState
        switch j["state"]?.text {
        case "opened"?: state = .open
        case "merged"?: state = .merged
        default: state = .closed // closed, locked
        }
        let reviewers: [String]
        if case .array(let a)? = j["reviewers"] { reviewers = a.compactMap { $0["username"]?.text } } else { reviewers = [] }
        return PullRequest(number: Int(iid), id: j["id"]?.int, title: j["title"]?.text ?? "",
                           body: j["description"]?.text.flatMap { $0.isEmpty ? nil : $0 }, state: state,
                           draft: j["draft"]?.bool ?? j["work_in_progress"]?.bool ?? false, head: head, base: base,
                           headSHA: j["sha"]?.text, author: j["author"]?["username"]?.text, webURL: j["web_url"]?.text,
                           mergeCommitSHA: j["merge_commit_sha"]?.text ?? j["squash_commit_sha"]?.text, requestedReviewers: reviewers)
    }

    static func approvals(_ j: JSONValue) -> [Review]? {
        guard case .array(let by)? = j["approved_by"] else { return nil }
        return by.compactMap { entry in
            entry["user"]?["username"]?.text.map { Review(id: entry["user"]?["id"]?.int, reviewer: $0, state: .approved) }
        }
    }

    static func comment(_ j: JSONValue) -> Comment? {
        guard let id = j["id"]?.int else { return nil }
        return Comment(id: id, body: j["body"]?.text ?? "", author: j["author"]?["username"]?.text)
    }

    func bad(_ method: String, _ path: String, _ what: String) -> ForgeAPIError {
        ForgeAPIError(.badResponse, forge: forge.name, method: method, path: path, detail: "\(what): the answer lacks the fields GitLab's documentation gives it")
    }

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        let r = try await transport.send("GET", "/user", scope: scope, conditional: true)
        guard r.status == 200 else { throw transport.failure(r, "GET", "/user", scope: scope, what: "asking who the token of \(scope.path) is") }
        guard let u = r.json().flatMap(GitLabClient.user) else { throw bad("GET", "/user", "who am I") }
        return u
    }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        let scope = try repoScope(ref)
        let path = projectPath(ref)
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading project \(ref)") }
        guard let repo = r.json().flatMap(GitLabClient.repository) else { throw bad("GET", path, "project \(ref)") }
        return repo
    }

    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> {
        let scope = try repoScope(new.ref)
        var body: [String: JSONValue] = ["name": .string(new.name), "path": .string(new.name), "visibility": .string(new.visibility.rawValue)]
        if let d = new.description { body["description"] = .string(d) }
        if let b = new.defaultBranch { body["default_branch"] = .string(b) }
        if case .org(let group) = new.owner {
            // The group's id: GET /groups/:id with its URL-encoded full path (read-only, so made in a dry run too).
            let groupPath = "/groups/" + URLText.encode(group)
            let g = try await transport.send("GET", groupPath, scope: scope, conditional: true)
            guard g.status == 200 else {
                throw transport.failure(g, "GET", groupPath, scope: scope, what: "looking up group \(group) to create \(new.ref) in it",
                                        hint: g.status == 404 ? "no group \(group) visible to the token of \(scope.path) (GitLab answers 404 also without access)" : nil)
            }
            guard let id = g.json()?["id"]?.int else { throw bad("GET", groupPath, "group \(group)") }
            body["namespace_id"] = .integer(id)
        }
        let path = "/projects"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            if let existing = try await repository(new.ref) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "creating project \(new.ref)",
                                    hint: r.status == 400 || r.status == 409 ? "a project \(new.ref) may exist already: 'git hforge status --remote' shows it" : nil)
        }
        guard let repo = r.json().flatMap(GitLabClient.repository) else { throw bad("POST", path, "created project \(new.ref)") }
        return .done(repo)
    }

    func listRepositories(_ owner: RepositoryOwner, filter: RepositoryFilter) async throws -> [RemoteRepository] {
        let scope = try ownerScope(owner.name)
        var path: String
        switch owner {
        case .org(let group): path = "/groups/\(URLText.encode(group))/projects?"
        case .user(let user): path = "/users/\(URLText.encode(user))/projects?"
        }
        if !filter.includeArchived { path += "archived=false&" }
        path += "order_by=id&sort=asc&page=1&per_page=\(GitLabClient.pageSize)"
        var out: [RemoteRepository] = []
        try await transport.eachPage(path, scope: scope, what: "listing the projects of \(owner.name)",
                                     hint: "no GitLab group or user \(owner.name) visible to the token of \(scope.path) (GitLab answers 404 also without access)") { items in
            for item in items {
                guard let repo = GitLabClient.repository(item) else { throw bad("GET", path, "a listed project") }
                // A group's listing holds its own projects only (include_subgroups is off).
                if filter.keeps(repo) { out.append(repo) }
            }
        }
        return out
    }

    func mrPath(_ ref: RepositoryRef) -> String { projectPath(ref) + "/merge_requests" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = mrPath(ref)
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        var body: [String: JSONValue] = ["title": .string(new.draft ? "Draft: " + new.title : new.title),
                                         "source_branch": .string(new.head), "target_branch": .string(new.base)]
        if let b = new.body { body["description"] = .string(b) }
        let r: ForgeTransport.Reply
        do {
            r = try await transport.send("POST", path, body: .object(body), scope: scope)
        } catch let e as ForgeAPIError where e.kind == .outcomeUnknown {
            if let existing = try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) { return .done(existing) }
            throw e
        }
        guard r.status == 201 else {
            throw transport.failure(r, "POST", path, scope: scope, what: "opening a merge request from \(new.head) into \(new.base) of \(ref)",
                                    hint: r.status == 409 ? "a merge request from \(new.head) into \(new.base) is open already" : nil)
        }
        guard let pr = r.json().flatMap(GitLabClient.pullRequest) else { throw bad("POST", path, "the new merge request") }
        return .done(pr)
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)"
        let r = try await transport.send("GET", path, scope: scope, conditional: true)
        if r.status == 404 { return nil }
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading merge request !\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GitLabClient.pullRequest) else { throw bad("GET", path, "merge request !\(number)") }
        return pr
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
        let scope = try repoScope(ref)
        let s: String
        switch state {
        case .open: s = "opened"
        case .closed: s = "closed"
        case .merged: s = "merged"
        case .all: s = "all"
        }
        var path = mrPath(ref) + "?state=\(s)"
        if let head { path += "&source_branch=" + URLText.encode(head.split(separator: ":").last.map(String.init) ?? head) }
        path += "&page=1&per_page=\(GitLabClient.pageSize)"
        var out: [PullRequest] = []
        try await transport.eachPage(path, scope: scope, what: "listing merge requests of \(ref)") { items in
            for item in items {
                guard let pr = GitLabClient.pullRequest(item) else { throw bad("GET", path, "a listed merge request") }
                out.append(pr)
            }
        }
        return out
    }

    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)"
        // reviewer_ids replaces the list: keep those already asked.
        var ids: [Int64] = []
        for name in reviewers {
            let lookup = "/users?username=" + URLText.encode(name)
            let r = try await transport.send("GET", lookup, scope: scope)
            guard r.status == 200 else { throw transport.failure(r, "GET", lookup, scope: scope, what: "looking up user \(name)") }
            guard case .array(let users)? = r.json(), let id = users.first?["id"]?.int else {
                throw ForgeAPIError(.notFound, forge: forge.name, method: "GET", path: lookup, status: 200,
                                    detail: "GitLab has no user named \(name)", hint: "check the reviewer's GitLab user name")
            }
            ids.append(id)
        }
        let current = try await transport.send("GET", path, scope: scope)
        guard current.status == 200, let j = current.json() else {
            throw transport.failure(current, "GET", path, scope: scope, what: "reading merge request !\(number) of \(ref)")
        }
        if case .array(let existing)? = j["reviewers"] {
            for e in existing { if let id = e["id"]?.int, !ids.contains(id) { ids.insert(id, at: 0) } }
        }
        if let plan = transport.plan("PUT", path) { return .planned(plan) }
        let r = try await transport.send("PUT", path, body: .object(["reviewer_ids": .array(ids.map { .integer($0) })]), scope: scope)
        guard r.status == 200 else {
            throw transport.failure(r, "PUT", path, scope: scope, what: "asking \(reviewers.joined(separator: ", ")) to review !\(number) of \(ref)")
        }
        return .done(())
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)/approvals"
        let r = try await transport.send("GET", path, scope: scope)
        guard r.status == 200 else { throw transport.failure(r, "GET", path, scope: scope, what: "reading the approvals of !\(number) of \(ref)") }
        guard let list = r.json().flatMap(GitLabClient.approvals) else { throw bad("GET", path, "approvals of !\(number)") }
        return list
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)/approve"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r = try await transport.send("POST", path, body: .object([:]), scope: scope, idempotent: true)
        guard r.status == 201 || r.status == 200 else { throw transport.failure(r, "POST", path, scope: scope, what: "approving !\(number) of \(ref)") }
        if let body, !body.isEmpty { _ = try await comment(ref, number: number, body: body) }
        return .done(())
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)/notes"
        if let plan = transport.plan("POST", path) { return .planned(plan) }
        let r = try await transport.send("POST", path, body: .object(["body": .string(body)]), scope: scope)
        guard r.status == 201 else { throw transport.failure(r, "POST", path, scope: scope, what: "commenting on !\(number) of \(ref)") }
        guard let c = r.json().flatMap(GitLabClient.comment) else { throw bad("POST", path, "the new note") }
        return .done(c)
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)/merge"
        guard method != .rebase else {
            throw ForgeAPIError(.unsupported, forge: forge.name, method: "PUT", path: path,
                                detail: "GitLab's merge takes squash or not; rebasing is the project's merge method setting, not a merge parameter",
                                hint: "merge with method merge or squash, or set the project's merge method to fast-forward on GitLab")
        }
        if let plan = transport.plan("PUT", path) { return .planned(plan) }
        var fields: [String: JSONValue] = ["squash": .bool(method == .squash)]
        if let sha { fields["sha"] = .string(sha) }
        let r = try await transport.send("PUT", path, body: .object(fields), scope: scope)
        guard r.status == 200 else {
            throw transport.failure(r, "PUT", path, scope: scope, what: "merging !\(number) of \(ref)",
                                    hint: r.status == 409 ? "the source branch moved past \(sha ?? "the sha given"): look at the merge request again"
                                        : r.status == 406 ? "the branches conflict: rebase or merge the target into the source first" : nil)
        }
        let pr = r.json().flatMap(GitLabClient.pullRequest)
        return .done(MergeResult(merged: pr?.state == .merged, sha: pr?.mergeCommitSHA, message: nil))
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)"
        if let plan = transport.plan("PUT", path) { return .planned(plan) }
        let r = try await transport.send("PUT", path, body: .object(["state_event": .string("close")]), scope: scope)
        guard r.status == 200 else { throw transport.failure(r, "PUT", path, scope: scope, what: "closing !\(number) of \(ref)") }
        guard let pr = r.json().flatMap(GitLabClient.pullRequest) else { throw bad("PUT", path, "the closed merge request") }
        return .done(pr)
    }
}
