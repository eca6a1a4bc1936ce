import HyperforgeCore

extension Realm {
    public struct RepoKeysOptions: Sendable {
        public var target = Target()
        /// The repository whose record changes (default: this one).
        public var repo: String?
        /// A public key file (`~/.ssh/KEY.pub`).
        public var keyFile: String?
        /// A public key's line (`ssh-ed25519 AAAA… comment`).
        public var keyLiteral: String?
        /// `remove`: a key's fingerprint (`SHA256:…`, as `ssh-keygen -lf` prints it).
        public var fingerprint: String?
        /// `add`: the maintainer (an address repos/R.yaml lists) whose key it is; `remove`: only that maintainer's.
        public var maintainer: String?
        public var dryRun = false
        public init(target: Target, repo: String?, keyFile: String?, keyLiteral: String?, fingerprint: String? = nil, maintainer: String?, dryRun: Bool) {
            (self.target, self.repo, self.keyFile, self.keyLiteral) = (target, repo, keyFile, keyLiteral)
            (self.fingerprint, self.maintainer, self.dryRun) = (fingerprint, maintainer, dryRun)
        }
    }

    /// `git realm admin repo keys add`: lists a maintainer's ssh signing key
    /// in `repos/R.yaml`'s `signing_keys` (what `trust.require_signed_commits`
    /// checks commits against), so nobody edits the YAML by hand. The key must
    /// be a well-formed public key (ssh-keygen reads it); a private key is
    /// refused without echoing it; its comment is left out. Who may: as
    /// `admin binding set` (a maintainer of R or a realm approver; in a signed
    /// realm the commit is signed by a key R lists already).
    public static func adminRepoKeysAdd(_ options: RepoKeysOptions, context: Context) async throws -> ExitStatus {
        let given = try givenKey(options, context: context)
        guard let wanted = options.maintainer else {
            throw RealmError.invalidOption(flag: "--maintainer", value: "(not given)", expected: "the address of the maintainer whose key it is")
        }
        return try await editRepositoryFiles(options.target, repo: options.repo, dryRun: options.dryRun, context: context) { state, snapshot, repo in
            let file = "repos/\(repo).yaml"
            var record = snapshot.repos[repo]!
            guard let maintainer = record.maintainers.first(where: { $0.lowercased() == wanted.lowercased() }) else {
                throw RealmError.invalidOption(flag: "--maintainer", value: TerminalText.inline(wanted),
                                               expected: "one of \(repo)'s maintainers in \(file): " + (record.maintainers.isEmpty ? "it lists none" : record.maintainers.joined(separator: ", ")))
            }
            let key = SigningKey(maintainer: maintainer, key: given.key)
            if let problem = key.problem { throw RealmError.invalidOption(flag: "--maintainer", value: TerminalText.inline(maintainer), expected: "an address that " + problem) }
            let same = { (k: SigningKey) in k.key.split(separator: " ").prefix(2) == given.key.split(separator: " ").prefix(2) }
            if let other = record.signingKeys.first(where: same) {
                if other.maintainer == maintainer { return nil }
                throw RealmError.invalidOption(flag: "--maintainer", value: maintainer, expected: "the maintainer whose key it is (\(file) lists \(given.fingerprint) for \(other.maintainer))")
            }
            record.signingKeys.append(key)
            var change = PlannedChange(files: state.files, message: "\(repo): signing key \(given.fingerprint) of \(maintainer)")
            change.write(file, record.yaml())
            return change
        }
    }

    /// The key `--key FILE` or `--key-literal` names (exactly one of them), checked.
    static func givenKey(_ options: RepoKeysOptions, context: Context) throws -> (key: String, fingerprint: String) {
        switch (options.keyFile, options.keyLiteral) {
        case (let file?, nil):
            return try SigningKeys.publicKey(file: context.resolve(file), literal: nil, displayed: TerminalText.inline(file), context: context)
        case (nil, let literal?):
            return try SigningKeys.publicKey(file: nil, literal: literal, displayed: "--key-literal", context: context)
        default:
            throw RealmError.invalidOption(flag: "--key", value: options.keyFile == nil ? "(not given)" : "with --key-literal",
                                           expected: "a public key file (--key ~/.ssh/KEY.pub) or a key's line (--key-literal 'ssh-ed25519 AAAA...'), one of the two")
        }
    }
}
