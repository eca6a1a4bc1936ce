import HyperforgeCore
import HyperforgeSecrets

extension Hforge {
    public struct RemoteListOptions: Sendable {
        public var forge: String
        public var org: String?
        public var user: String?
        public var includeArchived = false
        public var includeForks = false
        public var json = false
        /// The directory whose defaults.toml chain declares custom forges (default: the working directory).
        public var path: String?
        public init(forge: String) { self.forge = forge }
    }

    /// `git hforge remote <forge> list --json`.
    public struct RemoteListReport: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var name: String
            public var fullName: String
            public var visibility: String
            public var defaultBranch: String?
            public var description: String?
            public var archived: Bool
            public var fork: Bool
            public var cloneURL: String?
            public var sshURL: String?
            public var webURL: String?
        }
        public var forge: String
        public var owner: String
        public var ownerKind: String
        public var repositories: [Entry]
    }

    /// `git hforge remote <forge> list`: an org's or a user's repositories, every page.
    public static func remoteList(_ options: RemoteListOptions, context: Context) async throws -> ExitStatus {
        let directory = context.resolve(options.path ?? ".")
        let named = try namedForge(options.forge, directory: directory, context: context)
        for w in named.warnings { context.output.warning(w) }
        let owner = try apiOwner(org: options.org, user: options.user)
        let client = try ForgeAPIAccess.client(for: named.forge, trusted: named.trusted, context: context,
                                               options: .standard(context))
        let repositories = try await client.listRepositories(owner, filter: RepositoryFilter(includeArchived: options.includeArchived,
                                                                                              includeForks: options.includeForks))
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
        let out = context.output.stdout
        if options.json {
            let report = RemoteListReport(
                forge: named.forge.name, owner: owner.name, ownerKind: owner.isOrg ? "org" : "user",
                repositories: repositories.map {
                    .init(name: $0.name, fullName: $0.ref.fullName, visibility: $0.visibility.rawValue, defaultBranch: $0.defaultBranch,
                          description: $0.description, archived: $0.archived, fork: $0.fork, cloneURL: $0.cloneURL,
                          sshURL: $0.sshURL, webURL: $0.webURL)
                })
            out.line(try JSONOutput.encode(report))
            return .success
        }
        let width = min(40, repositories.map(\.name.count).max() ?? 0)
        for r in repositories {
            var flags = [r.visibility.rawValue]
            if r.archived { flags.append("archived") }
            if r.fork { flags.append("fork") }
            let pad = String(repeating: " ", count: max(0, width - r.name.count))
            out.line("\(TerminalText.inline(r.name))\(pad)  \(flags.joined(separator: ", "))" + (r.description.map { $0.isEmpty ? "" : "  \(TerminalText.inline($0))" } ?? ""))
        }
        let left = [options.includeArchived ? nil : "archived", options.includeForks ? nil : "forks"].compactMap { $0 }
        context.output.stderr.line("\(repositories.count) repositor\(repositories.count == 1 ? "y" : "ies") of \(owner.name) on \(named.forge.name)"
            + (left.isEmpty ? "" : " (\(left.joined(separator: " and ")) left out)"))
        return .success
    }

    /// `--org O` / `--user U` as the forge API's owner.
    static func apiOwner(org: String?, user: String?) throws -> RepositoryOwner {
        if let org {
            if let problem = Names.problem(with: org, as: .owner, nestedOwners: true) {
                throw HforgeError.badArgument(flag: "--org", value: org, reason: "an org \(problem)")
            }
            return .org(org)
        }
        guard let user else { throw HforgeError.badArgument(flag: "--org/--user", value: "", reason: "one of them is needed") }
        if let problem = Names.problem(with: user, as: .owner) {
            throw HforgeError.badArgument(flag: "--user", value: user, reason: "a user name \(problem)")
        }
        return .user(user)
    }
}

extension RepositoryOwner {
    var isOrg: Bool { if case .org = self { return true } else { return false } }
}
