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

    // MARK: operations

    func currentUser(tokenOf user: String) async throws -> ForgeUser {
        let scope = try ownerScope(user)
        return try await transport.readExisting("/user", scope: scope, what: "asking who the token of \(scope.path) is", GitLabClient.user)
    }

    func repository(_ ref: RepositoryRef) async throws -> RemoteRepository? {
        try await transport.read(projectPath(ref), scope: try repoScope(ref), what: "reading project \(ref)", GitLabClient.repository)
    }

    func createRepository(_ new: NewRepository) async throws -> ForgeMutation<RemoteRepository> {
        let scope = try repoScope(new.ref)
        var body: [String: JSONValue] = ["name": .string(new.name), "path": .string(new.name), "visibility": .string(new.visibility.rawValue)]
        if let d = new.description { body["description"] = .string(d) }
        if let b = new.defaultBranch { body["default_branch"] = .string(b) }
        if case .org(let group) = new.owner {
            // The group's id: GET /groups/:id with its URL-encoded full path (read-only, so made in a dry run too).
            let id = try await transport.readExisting("/groups/" + URLText.encode(group), scope: scope, what: "looking up group \(group) to create \(new.ref) in it",
                                                      hint: { $0 == 404 ? "no group \(group) visible to the token of \(scope.path) (GitLab answers 404 also without access)" : nil }) {
                $0["id"]?.int
            }
            body["namespace_id"] = .integer(id)
        }
        return try await transport.change("POST", "/projects", body: .object(body), scope: scope, expect: [201], what: "creating project \(new.ref)",
                                          hint: { $0 == 400 || $0 == 409 ? "a project \(new.ref) may exist already: 'git hforge status --remote' shows it" : nil },
                                          lookFirst: { try await repository(new.ref) }) { $0.flatMap(GitLabClient.repository) }
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
        // A group's listing holds its own projects only (include_subgroups is off).
        return try await transport.list(path, scope: scope, what: "listing the projects of \(owner.name)",
                                        hint: "no GitLab group or user \(owner.name) visible to the token of \(scope.path) (GitLab answers 404 also without access)",
                                        GitLabClient.repository, keep: filter.keeps)
    }

    func mrPath(_ ref: RepositoryRef) -> String { projectPath(ref) + "/merge_requests" }

    func createPullRequest(_ ref: RepositoryRef, _ new: NewPullRequest) async throws -> ForgeMutation<PullRequest> {
        var body: [String: JSONValue] = ["title": .string(new.draft ? "Draft: " + new.title : new.title),
                                         "source_branch": .string(new.head), "target_branch": .string(new.base)]
        if let b = new.body { body["description"] = .string(b) }
        return try await transport.change("POST", mrPath(ref), body: .object(body), scope: try repoScope(ref), expect: [201],
                                          what: "opening a merge request from \(new.head) into \(new.base) of \(ref)",
                                          hint: { $0 == 409 ? "a merge request from \(new.head) into \(new.base) is open already" : nil },
                                          lookFirst: { try await pullRequests(ref, state: .open, head: new.head).first(where: { $0.base == new.base }) }) {
            $0.flatMap(GitLabClient.pullRequest)
        }
    }

    func pullRequest(_ ref: RepositoryRef, number: Int) async throws -> PullRequest? {
        try await transport.read("\(mrPath(ref))/\(number)", scope: try repoScope(ref), what: "reading merge request !\(number) of \(ref)", GitLabClient.pullRequest)
    }

    func pullRequests(_ ref: RepositoryRef, state: PullRequestStateFilter, head: String?) async throws -> [PullRequest] {
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
        return try await transport.list(path, scope: try repoScope(ref), what: "listing merge requests of \(ref)", GitLabClient.pullRequest)
    }

    func requestReviewers(_ ref: RepositoryRef, number: Int, reviewers: [String]) async throws -> ForgeMutation<Void> {
        let scope = try repoScope(ref)
        let path = "\(mrPath(ref))/\(number)"
        // reviewer_ids replaces the list: keep those already asked.
        var ids: [Int64] = []
        for name in reviewers {
            let lookup = "/users?username=" + URLText.encode(name)
            let users = try await transport.readExisting(lookup, scope: scope, what: "looking up user \(name)", conditional: false) { j -> [JSONValue]? in
                if case .array(let a) = j { return a } else { return nil }
            }
            guard let id = users.first?["id"]?.int else {
                throw ForgeAPIError(.notFound, forge: forge.name, method: "GET", path: lookup, status: 200,
                                    detail: "GitLab has no user named \(name)", hint: "check the reviewer's GitLab user name")
            }
            ids.append(id)
        }
        let current = try await transport.readExisting(path, scope: scope, what: "reading merge request !\(number) of \(ref)", conditional: false) { $0 }
        if case .array(let existing)? = current["reviewers"] {
            for e in existing { if let id = e["id"]?.int, !ids.contains(id) { ids.insert(id, at: 0) } }
        }
        return try await transport.change("PUT", path, body: .object(["reviewer_ids": .array(ids.map { .integer($0) })]), scope: scope, expect: [200],
                                          what: "asking \(reviewers.joined(separator: ", ")) to review !\(number) of \(ref)") { _ in () }
    }

    func reviews(_ ref: RepositoryRef, number: Int) async throws -> [Review] {
        try await transport.readExisting("\(mrPath(ref))/\(number)/approvals", scope: try repoScope(ref),
                                         what: "reading the approvals of !\(number) of \(ref)", conditional: false, GitLabClient.approvals)
    }

    func approve(_ ref: RepositoryRef, number: Int, body: String?) async throws -> ForgeMutation<Void> {
        let approved = try await transport.change("POST", "\(mrPath(ref))/\(number)/approve", body: .object([:]), scope: try repoScope(ref),
                                                  expect: [200, 201], what: "approving !\(number) of \(ref)", idempotent: true) { _ in () }
        guard case .done = approved else { return approved }
        if let body, !body.isEmpty { _ = try await comment(ref, number: number, body: body) }
        return .done(())
    }

    func comment(_ ref: RepositoryRef, number: Int, body: String) async throws -> ForgeMutation<Comment> {
        try await transport.change("POST", "\(mrPath(ref))/\(number)/notes", body: .object(["body": .string(body)]), scope: try repoScope(ref),
                                   expect: [201], what: "commenting on !\(number) of \(ref)") { $0.flatMap(GitLabClient.comment) }
    }

    func merge(_ ref: RepositoryRef, number: Int, method: MergeMethod, sha: String?) async throws -> ForgeMutation<MergeResult> {
        let path = "\(mrPath(ref))/\(number)/merge"
        guard method != .rebase else {
            throw ForgeAPIError(.unsupported, forge: forge.name, method: "PUT", path: path,
                                detail: "GitLab's merge takes squash or not; rebasing is the project's merge method setting, not a merge parameter",
                                hint: "merge with method merge or squash, or set the project's merge method to fast-forward on GitLab")
        }
        var fields: [String: JSONValue] = ["squash": .bool(method == .squash)]
        if let sha { fields["sha"] = .string(sha) }
        return try await transport.change("PUT", path, body: .object(fields), scope: try repoScope(ref), expect: [200], what: "merging !\(number) of \(ref)",
                                          hint: { $0 == 409 ? "the source branch moved past \(sha ?? "the sha given"): look at the merge request again"
                                                      : $0 == 406 ? "the branches conflict: rebase or merge the target into the source first" : nil }) { j in
            let pr = j.flatMap(GitLabClient.pullRequest)
            return MergeResult(merged: pr?.state == .merged, sha: pr?.mergeCommitSHA, message: nil)
        }
    }

    func close(_ ref: RepositoryRef, number: Int) async throws -> ForgeMutation<PullRequest> {
        try await transport.change("PUT", "\(mrPath(ref))/\(number)", body: .object(["state_event": .string("close")]), scope: try repoScope(ref),
                                   expect: [200], what: "closing !\(number) of \(ref)") { $0.flatMap(GitLabClient.pullRequest) }
    }
}
