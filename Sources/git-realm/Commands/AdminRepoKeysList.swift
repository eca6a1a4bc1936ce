import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Repo.Keys {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the ssh signing keys repos/REPO.yaml lists, with their fingerprints.",
            discussion: """
            Reads the realm as last fetched ('git realm fetch' first for the newest); changes \
            nothing. Each key with its SHA256 fingerprint (as 'ssh-keygen -lf' prints it: \
            compare it with your own key's), its type and its maintainer.

            --json prints {realm, repo, commit, require_signed_commits, keys: [{maintainer, \
            key, fingerprint}]}; fingerprint is null for a key ssh-keygen does not read.

            Exit status: 0; 2 REPO is not in the realm; 4 not a member, the realm was never \
            fetched.
            """ + "\n\n" + JSONHelp.style
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The repository (default: this one).", valueName: "repo"), completion: .realmMembers)
        var repo: String?
        @Flag(help: "Print as JSON.")
        var json = false

        func run() async throws {
            var o = Realm.RepoKeysListOptions()
            o.target = repository.target
            o.repo = repo
            o.json = json
            try await executeInSession(o.target, command: "admin repo keys list") { try await Realm.adminRepoKeysList(o, context: $0) }
        }
    }
}
