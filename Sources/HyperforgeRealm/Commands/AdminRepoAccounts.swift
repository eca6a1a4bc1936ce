import HyperforgeCore

extension Realm {
    public struct RepoAccountsOptions: Sendable {
        public var target = Target()
        /// The repository whose record changes (default: this one).
        public var repo: String?
        /// The maintainer (an address repos/R.yaml lists) whose logins these are.
        public var maintainer = ""
        /// `FORGE=LOGIN`: the maintainer's login on that forge (replacing one there).
        public var set: [String] = []
        /// Forges whose login of the maintainer is removed.
        public var remove: [String] = []
        public var dryRun = false
        public init() {}
    }

    /// `git realm admin repo accounts`: sets or removes a maintainer's forge
    /// logins in `repos/R.yaml`'s `forge_accounts` (who is asked to review
    /// proposals on a forge-hosted realm, ForgeAccount), so nobody edits the
    /// YAML by hand. The rest of the record (signing keys too) is kept. Only a
    /// maintainer of R or a realm approver may do it (as `admin binding set`).
    public static func adminRepoAccounts(_ options: RepoAccountsOptions, context: Context) async throws -> ExitStatus {
        guard !options.set.isEmpty || !options.remove.isEmpty else {
            throw RealmError.invalidOption(flag: "--forge", value: "(not given)", expected: "FORGE=LOGIN (repeatable), or --remove FORGE")
        }
        var logins: [(forge: String, login: String)] = []
        for pair in options.set {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard halves.count == 2, RealmNames.problem(halves[1]) == nil else {
                let problem = halves.count == 2 ? RealmNames.problem(halves[1]).map { "the login \($0)" } ?? "" : "no '='"
                throw RealmError.invalidOption(flag: "--forge", value: TerminalText.inline(pair),
                                               expected: "FORGE=LOGIN, a forge's name (github, codeberg, gitlab or one of your custom_forges) and a login, never a URL or host (\(problem))")
            }
            // A forge the realm could be hosted on (AccountForge): never a host such as evil.com.
            _ = try AccountForge.check(halves[0], flag: "--forge", value: pair, context: context)
            if logins.contains(where: { $0.forge.lowercased() == halves[0].lowercased() }) {
                throw RealmError.invalidOption(flag: "--forge", value: pair, expected: "one login per forge (\(halves[0]) is given twice)")
            }
            logins.append((halves[0], halves[1]))
        }
        // A forge removed need not be one you still have (an entry for a forge since dropped goes too), but it is a forge's name.
        for forge in options.remove {
            if let problem = AccountForge.problem(forge) {
                throw RealmError.invalidOption(flag: "--remove", value: TerminalText.inline(forge), expected: "a forge's name: \"\(TerminalText.inline(forge))\" \(problem)")
            }
            if logins.contains(where: { $0.forge == forge }) {
                throw RealmError.invalidOption(flag: "--remove", value: TerminalText.inline(forge), expected: "a forge's name not also given with --forge")
            }
        }
        let chosen = logins
        return try await editRepositoryFiles(options.target, repo: options.repo, dryRun: options.dryRun, context: context) { state, snapshot, repo in
            let logins = chosen
            let file = "repos/\(repo).yaml"
            var record = snapshot.repos[repo]!
            guard let maintainer = record.maintainers.first(where: { $0.lowercased() == options.maintainer.lowercased() }) else {
                throw RealmError.invalidOption(flag: "--maintainer", value: options.maintainer,
                                               expected: "one of \(repo)'s maintainers in \(file): " + (record.maintainers.isEmpty ? "it lists none" : record.maintainers.joined(separator: ", ")))
            }
            let forgesTouched = Set(logins.map { $0.forge.lowercased() } + options.remove.map { $0.lowercased() })
            var accounts = record.forgeAccounts.filter { !($0.maintainer == maintainer && forgesTouched.contains($0.forge.lowercased())) }
            for (forge, login) in logins {
                if let other = accounts.first(where: { $0.forge.lowercased() == forge.lowercased() && $0.login.lowercased() == login.lowercased() }) {
                    throw RealmError.invalidOption(flag: "--forge", value: "\(forge)=\(login)", expected: "a login no other maintainer has (\(file) gives it to \(other.maintainer))")
                }
                accounts.append(ForgeAccount(maintainer: maintainer, forge: forge, login: login))
            }
            if accounts == record.forgeAccounts { return nil }
            record.forgeAccounts = accounts
            let what = (logins.map { "\($0.forge)=\($0.login)" } + options.remove.map { "no \($0) login" }).joined(separator: ", ")
            var change = PlannedChange(files: state.files, message: "\(repo): forge accounts of \(maintainer): \(what)")
            change.write(file, record.yaml())
            return change
        }
    }
}
