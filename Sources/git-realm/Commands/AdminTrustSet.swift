import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Trust {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn trust.require_signed_commits in realm.yaml on or off.",
            discussion: """
            --require-signed-commits true makes every commit of the realm, and every proposal, \
            acknowledgement and approval, count only when signed by a key the realm lists for \
            whom it speaks (signing_keys in repos/REPO.yaml: 'git realm admin repo keys add'); \
            'git realm check --realm' and the guard check it, and every realm write refuses \
            before pushing when git's signing key here is not one of them. Add the keys first: \
            turning it on warns about repositories that list none. realm.yaml is written in \
            its canonical form.

            realm.yaml is the realm's own file: only one of governance.approvers (by git config \
            user.email) may change it, and when signatures are required before or after the \
            change, the commit is signed by a key listed for an approver. Written through the \
            realm's usual write (built on its tip, checked, pushed without force, retried when \
            another writer pushed first). --dry-run prints the commit it would make and \
            changes nothing.

            Exit status: 0 done (or nothing to change); 2 refused (not an approver); 3 \
            signatures are required and git's signing key is not usable or not an approver's \
            (nothing is pushed); 4 not a member, the realm cannot be reached; 64 usage error.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("Whether every realm commit must be signed (true or false).", valueName: "bool"))
        var requireSignedCommits: Bool
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.TrustSetOptions()
            o.target = repository.target
            o.requireSignedCommits = requireSignedCommits
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin trust set") { try await Realm.adminTrustSet(o, context: $0) }
        }
    }
}
