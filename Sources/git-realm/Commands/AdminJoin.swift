import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin {
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register this repository in a realm and record the membership in git config.",
            discussion: """
            REALM is the realm's URL or path, or the name of a realm created on this machine \
            with 'git realm admin init' (no --url). Writes repos/REPO.yaml (no local paths: \
            they are machine-local), sets realm.* in .git/config and fetches the realm. A \
            repository already registered (a fresh clone of a member) rejoins with the same \
            command without changing the realm.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: ArgumentHelp("The realm: URL, path or name.", valueName: "realm"), completion: .realmNames)
        var realm: String
        @Option(help: "This repository's name in the realm (default: origin's repository name, else the directory's).")
        var repo: String?
        @Option(help: "The org recorded for this repository (default: origin's owner).")
        var org: String?
        @Option(help: "The realm repository's branch.")
        var branch = Realm.JoinOptions().branch
        @Flag(help: "Print what would be committed and configured; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.JoinOptions()
            o.target = repository.target
            o.realm = realm
            o.repo = repo
            o.org = org
            o.branch = branch
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.adminJoin(o, context: $0) }
        }
    }
}
