import FoundationEssentials

/// `owner/name` on a forge; `owner` may be a nested GitLab group path (`group/sub`).
public struct RepositoryRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var owner: String
    public var name: String

    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    public var fullName: String { "\(owner)/\(name)" }
    public var description: String { fullName }
}

/// Whose repositories: an organisation (GitLab: a group, possibly nested) or a user.
public enum RepositoryOwner: Sendable, Hashable {
    case org(String)
    case user(String)

    public var name: String {
        switch self { case .org(let n), .user(let n): return n }
    }
}

/// What `listRepositories` keeps.
public struct RepositoryFilter: Sendable, Equatable {
    public var includeArchived: Bool
    public var includeForks: Bool

    public init(includeArchived: Bool = false, includeForks: Bool = false) {
        self.includeArchived = includeArchived
        self.includeForks = includeForks
    }

    public static let all = RepositoryFilter(includeArchived: true, includeForks: true)

    public func keeps(_ r: RemoteRepository) -> Bool {
        (includeArchived || !r.archived) && (includeForks || !r.fork)
    }
}

/// A repository as a forge describes it.
public struct RemoteRepository: Sendable, Equatable, Codable {
    /// The forge's own id (GitLab's project id is what its API paths may use).
    public var id: Int64?
    public var owner: String
    public var name: String
    public var description: String?
    public var visibility: Visibility
    public var archived: Bool
    public var fork: Bool
    /// nil for an empty repository on forges that report none.
    public var defaultBranch: String?
    /// The https clone URL (`clone_url`, `http_url_to_repo`).
    public var cloneURL: String?
    /// The ssh clone URL (`ssh_url`, `ssh_url_to_repo`).
    public var sshURL: String?
    /// The repository's web page.
    public var webURL: String?
    /// Whether it has no commits, when the forge says (Gitea `empty`, GitLab `empty_repo`).
    public var empty: Bool?

    public init(id: Int64? = nil, owner: String, name: String, description: String? = nil, visibility: Visibility,
                archived: Bool = false, fork: Bool = false, defaultBranch: String? = nil, cloneURL: String? = nil,
                sshURL: String? = nil, webURL: String? = nil, empty: Bool? = nil) {
        self.id = id
        self.owner = owner
        self.name = name
        self.description = description
        self.visibility = visibility
        self.archived = archived
        self.fork = fork
        self.defaultBranch = defaultBranch
        self.cloneURL = cloneURL
        self.sshURL = sshURL
        self.webURL = webURL
        self.empty = empty
    }

    public var ref: RepositoryRef { RepositoryRef(owner: owner, name: name) }
}

/// A repository to create.
public struct NewRepository: Sendable, Equatable {
    public var owner: RepositoryOwner
    public var name: String
    public var description: String?
    public var visibility: Visibility
    /// Sent where the forge's create takes one (Gitea/Forgejo, GitLab). GitHub's
    /// create has no such field: an empty GitHub repository takes the branch
    /// pushed first, so push the default branch first.
    public var defaultBranch: String?

    public init(owner: RepositoryOwner, name: String, description: String? = nil, visibility: Visibility, defaultBranch: String? = nil) {
        self.owner = owner
        self.name = name
        self.description = description
        self.visibility = visibility
        self.defaultBranch = defaultBranch
    }

    public var ref: RepositoryRef { RepositoryRef(owner: owner.name, name: name) }
}

/// A forge account.
public struct ForgeUser: Sendable, Equatable, Codable {
    public var id: Int64
    public var login: String
    public var name: String?

    public init(id: Int64, login: String, name: String? = nil) {
        self.id = id
        self.login = login
        self.name = name
    }
}

public enum PullRequestState: String, Sendable, Codable, CaseIterable {
    case open, closed, merged
}

/// Which pull requests a listing asks for.
public enum PullRequestStateFilter: String, Sendable, CaseIterable {
    case open, closed, merged, all
}

/// A pull request (GitLab: merge request).
public struct PullRequest: Sendable, Equatable, Codable {
    /// The number in URLs: GitHub's number, Gitea's index, GitLab's iid.
    public var number: Int
    public var id: Int64?
    public var title: String
    public var body: String?
    public var state: PullRequestState
    public var draft: Bool
    /// Source branch name.
    public var head: String
    /// Target branch name.
    public var base: String
    public var headSHA: String?
    public var author: String?
    public var webURL: String?
    public var mergeCommitSHA: String?
    /// Reviewers asked for and not yet answered (as the forge reports them on the pull request).
    public var requestedReviewers: [String]

    public init(number: Int, id: Int64? = nil, title: String, body: String? = nil, state: PullRequestState, draft: Bool = false,
                head: String, base: String, headSHA: String? = nil, author: String? = nil, webURL: String? = nil,
                mergeCommitSHA: String? = nil, requestedReviewers: [String] = []) {
        self.number = number
        self.id = id
        self.title = title
        self.body = body
        self.state = state
        self.draft = draft
        self.head = head
        self.base = base
        self.headSHA = headSHA
        self.author = author
        self.webURL = webURL
        self.mergeCommitSHA = mergeCommitSHA
        self.requestedReviewers = requestedReviewers
    }
}

/// A pull request to open.
public struct NewPullRequest: Sendable, Equatable {
    public var title: String
    public var body: String?
    /// Source branch; from a fork on GitHub, `user:branch`.
    public var head: String
    /// Target branch.
    public var base: String
    /// GitHub only (others ignore it).
    public var draft: Bool

    public init(title: String, body: String? = nil, head: String, base: String, draft: Bool = false) {
        self.title = title
        self.body = body
        self.head = head
        self.base = base
        self.draft = draft
    }
}

public enum ReviewState: String, Sendable, Codable, CaseIterable {
    case approved, changesRequested = "changes_requested", commented, pending, dismissed, requested
}

/// A review (GitLab: an approval).
public struct Review: Sendable, Equatable, Codable {
    public var id: Int64?
    public var reviewer: String
    public var state: ReviewState
    public var body: String?
    public var commitSHA: String?

    public init(id: Int64? = nil, reviewer: String, state: ReviewState, body: String? = nil, commitSHA: String? = nil) {
        self.id = id
        self.reviewer = reviewer
        self.state = state
        self.body = body
        self.commitSHA = commitSHA
    }
}

/// A comment on a pull request.
public struct Comment: Sendable, Equatable, Codable {
    public var id: Int64
    public var body: String
    public var author: String?

    public init(id: Int64, body: String, author: String? = nil) {
        self.id = id
        self.body = body
        self.author = author
    }
}

public enum MergeMethod: String, Sendable, CaseIterable {
    case merge, squash, rebase
}

public struct MergeResult: Sendable, Equatable {
    public var merged: Bool
    public var sha: String?
    public var message: String?

    public init(merged: Bool, sha: String? = nil, message: String? = nil) {
        self.merged = merged
        self.sha = sha
        self.message = message
    }
}

/// A request as it was sent or, in a dry run, would have been: never a
/// header, so never a token.
public struct ForgeRequestRecord: Sendable, Equatable, CustomStringConvertible {
    public var forge: String
    public var method: String
    public var url: String
    /// Whether it changes something on the forge (POST, PUT, PATCH, DELETE).
    public var mutating: Bool
    /// False for a mutating request of a dry run.
    public var sent: Bool
    /// The HTTP status, once answered.
    public var status: Int?

    public init(forge: String, method: String, url: String, mutating: Bool, sent: Bool, status: Int? = nil) {
        self.forge = forge
        self.method = method
        self.url = url
        self.mutating = mutating
        self.sent = sent
        self.status = status
    }

    public var description: String { "\(method) \(url)" }
}

/// What a mutating operation did: done, or (dry run) the request it would have sent.
public enum ForgeMutation<Value: Sendable>: Sendable {
    case done(Value)
    case planned(ForgeRequestRecord)

    public var value: Value? {
        if case .done(let v) = self { return v }
        return nil
    }
    public var planned: ForgeRequestRecord? {
        if case .planned(let r) = self { return r }
        return nil
    }
}
