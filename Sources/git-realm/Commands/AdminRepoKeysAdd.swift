import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Repo.Keys {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a maintainer's ssh signing key in repos/REPO.yaml.",
            discussion: """
            Adds --key FILE (a .pub file) or --key-literal 'ssh-ed25519 AAAA...' to REPO's \
            signing_keys (default REPO: this repository) under --maintainer, an address \
            repos/REPO.yaml lists among its maintainers. The key must be one well-formed ssh \
            public key: its type and base64 are checked, then ssh-keygen -l reads it (from a \
            0600 file in a private temporary directory); its comment is left out of the \
            realm. A private key is refused, and nothing of it is printed or written. A key \
            listed already for that maintainer changes nothing.

            Written through the realm's usual write (built on its tip, checked, pushed without \
            force, retried when another writer pushed first). Who may: a maintainer of REPO \
            (git config user.email) or a realm approver; in a realm that requires signed \
            commits the commit must itself be signed by a key REPO lists already (so the first \
            keys are added before signatures are turned on). --dry-run prints the commit it \
            would make and changes nothing.

            Exit status: 0 done (or nothing to change); 2 refused (not a maintainer or \
            approver); 3 the realm requires signed commits and git's signing key is not \
            usable or not listed for REPO (the fingerprint, the listed ones and what to run \
            are shown; nothing is pushed); 4 not a member, the realm cannot be reached; 64 \
            usage error (no key or both, not a public key, a private key, --maintainer not one \
            of REPO's maintainers, the key listed for another maintainer).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The repository whose record changes (default: this one).", valueName: "repo"), completion: .realmMembers)
        var repo: String?
        @Option(help: ArgumentHelp("A public key file (~/.ssh/KEY.pub).", valueName: "file"), completion: .file())
        var key: String?
        @Option(help: ArgumentHelp("A public key's line ('ssh-ed25519 AAAA... comment').", valueName: "key"))
        var keyLiteral: String?
        @Option(help: ArgumentHelp("The maintainer whose key it is (an address repos/REPO.yaml lists).", valueName: "email"))
        var maintainer: String
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func validate() throws {
            if (key == nil) == (keyLiteral == nil) { throw ValidationError("give --key FILE or --key-literal KEY (one of the two)") }
        }

        func run() async throws {
            let o = Realm.RepoKeysOptions(target: repository.target, repo: repo, keyFile: key, keyLiteral: keyLiteral, maintainer: maintainer, dryRun: dryRun)
            try await executeInSession(o.target, command: "admin repo keys add") { try await Realm.adminRepoKeysAdd(o, context: $0) }
        }
    }
}
