/// The secret scope whose token a forge API call uses (DESIGN §11):
///
///     git/{forge}/{owner}/repo/{name}/token   one repository: get, create, its pull requests
///     git/{forge}/{org}/token                  an org's (group's) listing
///     git/{forge}/{user}/token                 a user's listing, who-am-I
///
/// An owner with a path segment named exactly `repo` is refused: its scope
/// would read as a repository scope.
public enum ForgeTokenScope: Hashable, Sendable, CustomStringConvertible {
    case repository(forge: String, owner: String, name: String)
    case owner(forge: String, owner: String)

    public var path: String {
        switch self {
        case .repository(let forge, let owner, let name): return "git/\(forge)/\(owner)/repo/\(name)/token"
        case .owner(let forge, let owner): return "git/\(forge)/\(owner)/token"
        }
    }

    public var description: String { path }

    /// The scope, validated: names as `Names` allows them for `kind`, no owner segment `repo`.
    public static func make(_ scope: ForgeTokenScope, kind: ForgeKind) throws(ForgeAPIError) -> ForgeTokenScope {
        let forge: String, owner: String, name: String?
        switch scope {
        case .repository(let f, let o, let n): (forge, owner, name) = (f, o, n)
        case .owner(let f, let o): (forge, owner, name) = (f, o, nil)
        }
        func refuse(_ why: String) -> ForgeAPIError {
            ForgeAPIError(.scopeRefused, forge: forge, detail: "no token scope for \(name.map { "\(owner)/\($0)" } ?? owner): \(why)",
                          hint: "scopes are git/FORGE/ORG/repo/NAME/token and git/FORGE/ORG/token (see 'man git-scope')")
        }
        if let p = Names.problem(with: owner, as: .owner, nestedOwners: kind.allowsNestedOwners) { throw refuse("org '\(owner)' \(p)") }
        if let name, let p = Names.problem(with: name, as: .repository) { throw refuse("repository name '\(name)' \(p)") }
        if owner.split(separator: "/").contains("repo") {
            throw refuse("the org path '\(owner)' has a segment named 'repo', which would read as a repository scope")
        }
        return scope
    }
}

/// Where a client's tokens come from. HyperforgeSecrets' broker-backed
/// source asks for a scope lazily, applies its grant policy and approvals,
/// and reads it from the provider the routing names, as the credential helper does.
public protocol ForgeTokenSource: Sendable {
    func token(for scope: ForgeTokenScope) async throws -> String
}
