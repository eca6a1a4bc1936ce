import HyperforgeCore

/// A fully qualified secret scope (seed 000 §2): each names the token of one
/// repository or package, so that a token is requested, granted, routed and
/// revoked for exactly what needs it.
///
///     git/{forge}/{org}/repo/{repo_name}/token     org may hold '/' (GitLab subgroups)
///     git/{forge}/{org}/token                      an org's or user's forge API token (listings, who-am-I)
///     cargo/{user}/{package}/token
///     npm/@{org}/{package}/token
///     pypi/{user}/{package}/token
public enum Scope: Hashable, Sendable, CustomStringConvertible {
    case git(forge: String, org: String, repo: String)
    /// An org's (group's) or user's own token, for the forge API calls that
    /// concern no one repository (DESIGN §11): listings and who-am-I.
    case gitOwner(forge: String, owner: String)
    case cargo(user: String, package: String)
    case npm(org: String, package: String)
    case pypi(user: String, package: String)

    public var path: String {
        switch self {
        case .git(let forge, let org, let repo): return "git/\(forge)/\(org)/repo/\(repo)/token"
        case .gitOwner(let forge, let owner): return "git/\(forge)/\(owner)/token"
        case .cargo(let user, let package): return "cargo/\(user)/\(package)/token"
        case .npm(let org, let package): return "npm/@\(org)/\(package)/token"
        case .pypi(let user, let package): return "pypi/\(user)/\(package)/token"
        }
    }

    public var description: String { path }

    /// Parses and validates a scope path.
    public init(parsing text: String) throws(ScopeError) {
        if text.utf8.count > 512 { throw .invalid(text: String(text.prefix(64)) + "...", reason: "is longer than 512 characters") }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts.last == "token" else {
            throw .invalid(text: text, reason: "must look like git/FORGE/ORG/repo/NAME/token, git/FORGE/ORG/token, cargo/USER/PACKAGE/token, npm/@ORG/PACKAGE/token or pypi/USER/PACKAGE/token")
        }
        func check(_ value: String, _ kind: Names.Kind, _ what: String, nested: Bool = false) throws(ScopeError) {
            if let problem = Names.problem(with: value, as: kind, nestedOwners: nested) {
                throw .invalid(text: text, reason: "\(what) '\(value)' \(problem)")
            }
        }
        switch parts[0] {
        case "git":
            // git / forge / org... / repo / name / token, or git / forge / org... / token.
            // No org segment may be named "repo": git/F/a/repo/b/token would
            // read as a's repository b and as the group a/repo/b alike.
            let forge = parts[1]
            try check(forge, .forge, "forge")
            if parts.count >= 6, parts[parts.count - 3] == "repo" {
                let org = parts[2..<(parts.count - 3)].joined(separator: "/")
                let repo = parts[parts.count - 2]
                try check(org, .owner, "org", nested: true)
                if parts[2..<(parts.count - 3)].contains("repo") {
                    throw .invalid(text: text, reason: "the org path '\(org)' has a segment named 'repo', which scopes refuse (it would read as a repository scope)")
                }
                try check(repo, .repository, "repository")
                self = .git(forge: forge, org: org, repo: repo)
            } else {
                let owner = parts[2..<(parts.count - 1)].joined(separator: "/")
                try check(owner, .owner, "org", nested: true)
                if parts[2..<(parts.count - 1)].contains("repo") {
                    throw .invalid(text: text, reason: "a git scope is git/FORGE/ORG/repo/NAME/token or git/FORGE/ORG/token, and no org segment may be named 'repo'")
                }
                self = .gitOwner(forge: forge, owner: owner)
            }
        case "cargo", "pypi":
            guard parts.count == 4 else { throw .invalid(text: text, reason: "a \(parts[0]) scope is \(parts[0])/USER/PACKAGE/token") }
            try check(parts[1], .owner, "user")
            try check(parts[2], .repository, "package")
            self = parts[0] == "cargo" ? .cargo(user: parts[1], package: parts[2]) : .pypi(user: parts[1], package: parts[2])
        case "npm":
            guard parts.count == 4, parts[1].hasPrefix("@") else { throw .invalid(text: text, reason: "an npm scope is npm/@ORG/PACKAGE/token") }
            let org = String(parts[1].dropFirst())
            try check(org, .owner, "org")
            try check(parts[2], .repository, "package")
            self = .npm(org: org, package: parts[2])
        default:
            throw .invalid(text: text, reason: "unknown kind '\(parts[0])' (git, cargo, npm or pypi)")
        }
    }

    /// The scope of the repository a remote URL points at, when the URL is on
    /// one of `forges`. The org and name come from the URL's path exactly, so
    /// one org's token can never answer for another's.
    public static func forRemote(_ url: RemoteURL, forges: [Forge]) -> Scope? {
        guard url.scheme != .file, let forge = forges.first(where: { $0.matches(url) }),
              let (org, name) = url.ownerAndName,
              Names.problem(with: org, as: .owner, nestedOwners: forge.kind.allowsNestedOwners) == nil,
              Names.problem(with: name, as: .repository) == nil,
              !org.split(separator: "/").contains("repo") else { return nil }
        return .git(forge: forge.name, org: org, repo: name)
    }

    public static func forRemote(_ raw: String, forges: [Forge]) -> Scope? {
        RemoteURL.parse(raw).flatMap { forRemote($0, forges: forges) }
    }
}

public enum ScopeError: HyperforgeError, Equatable {
    case invalid(text: String, reason: String)

    public var exitStatus: ExitStatus { .usage }
    public var description: String {
        switch self { case .invalid(let text, let reason): return "invalid scope '\(text)': \(reason)" }
    }
}
