import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Repo.Keys {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an ssh signing key out of repos/REPO.yaml.",
            discussion: """
            Removes the key given by --key FILE, --key-literal KEY or --fingerprint SHA256:... \
            (as 'ssh-keygen -lf' and 'git realm admin repo keys list' print it) from REPO's \
            signing_keys (default REPO: this repository); with --maintainer, only that \
            maintainer's. Who may, and how it is written: as 'keys add' (in a realm that \
            requires signed commits, signed by a key REPO lists before the change). \
            --dry-run prints the commit it would make and changes nothing.

            Exit status: 0 done; 2 refused (not a maintainer or approver); 3 the realm \
            requires signed commits and git's signing key is not usable or not listed for \
            REPO (nothing is pushed); 4 not a member, the realm cannot be reached; 64 usage \
            error (no key given, or more than one way, a key REPO does not list).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The repository whose record changes (default: this one).", valueName: "repo"), completion: .realmMembers)
        var repo: String?
        @Option(help: ArgumentHelp("A public key file (~/.ssh/KEY.pub).", valueName: "file"), completion: .file())
        var key: String?
        @Option(help: ArgumentHelp("A public key's line ('ssh-ed25519 AAAA...').", valueName: "key"))
        var keyLiteral: String?
        @Option(help: ArgumentHelp("The key's fingerprint (SHA256:...).", valueName: "fingerprint"))
        var fingerprint: String?
        @Option(help: ArgumentHelp("Only this maintainer's key.", valueName: "email"))
        var maintainer: String?
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func validate() throws {
            if [key, keyLiteral, fingerprint].compactMap({ $0 }).count != 1 {
                throw ValidationError("give one of --key FILE, --key-literal KEY and --fingerprint SHA256:...")
            }
        }

        func run() async throws {
            let o = Realm.RepoKeysOptions(target: repository.target, repo: repo, keyFile: key, keyLiteral: keyLiteral, fingerprint: fingerprint,
                                          maintainer: maintainer, dryRun: dryRun)
            try await executeInSession(o.target, command: "admin repo keys remove") { try await Realm.adminRepoKeysRemove(o, context: $0) }
        }
    }
}
