import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Repo {
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set or remove a maintainer's forge logins in repos/REPO.yaml (forge_accounts).",
            discussion: """
            A forge-hosted realm's proposals ask these logins to review the changes that \
            affect REPO (--repo, default this repository), and an approving review by one of \
            them is REPO's acknowledgement. --forge FORGE=LOGIN (repeatable) gives --maintainer \
            that login on FORGE, replacing the one there; --remove FORGE (repeatable) removes \
            it. FORGE is one of the forges a realm can be hosted on, by the name your auth.toml \
            or the built-in list gives it: github, codeberg, gitlab, or one of your \
            custom_forges; any other name (a host such as example.com, a URL) is refused with \
            the list of yours. --remove takes any forge's name (lowercase letters, digits, '-' \
            and '_'), so an entry for a forge you no longer have can go. LOGIN is letters, \
            digits, '-', '_' and '.', never a URL or host. A login may belong to one \
            maintainer per forge. The rest of repos/REPO.yaml (maintainers, signing_keys) is kept.

            Written through the realm's usual write (built on its tip, checked, pushed without \
            force, retried when another writer pushed first). Who may: a maintainer of REPO \
            (git config user.email is one of its maintainers) or a realm approver \
            (governance.approvers). --dry-run prints the commit it would make and changes \
            nothing.

            Exit status: 0 done (or nothing to change); 2 refused (not a maintainer or \
            approver); 3 the realm requires signed commits and git has no usable ssh signing \
            key (gpg.format ssh and a readable user.signingkey; nothing is pushed); 4 not a \
            member, the realm cannot be reached; 64 usage error (--maintainer \
            not one of REPO's maintainers, a FORGE you do not have, a bad LOGIN, a login another maintainer has).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The repository whose record changes (default: this one).", valueName: "repo"), completion: .realmMembers)
        var repo: String?
        @Option(help: ArgumentHelp("The maintainer (an address repos/REPO.yaml lists).", valueName: "email"))
        var maintainer: String
        @Option(name: .customLong("forge"), help: ArgumentHelp("The maintainer's login on a forge (repeatable).", valueName: "forge=login"))
        var logins: [String] = []
        @Option(help: ArgumentHelp("Remove the maintainer's login on this forge (repeatable).", valueName: "forge"))
        var remove: [String] = []
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func validate() throws {
            if logins.isEmpty && remove.isEmpty { throw ValidationError("give --forge FORGE=LOGIN or --remove FORGE") }
        }

        func run() async throws {
            var o = Realm.RepoAccountsOptions()
            o.target = repository.target
            o.repo = repo
            o.maintainer = maintainer
            o.set = logins
            o.remove = remove
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin repo accounts") { try await Realm.adminRepoAccounts(o, context: $0) }
        }
    }
}
