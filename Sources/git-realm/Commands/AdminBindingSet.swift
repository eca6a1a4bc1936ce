import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Binding {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set one import (its version range) or export (its source files) of a repository's binding.",
            discussion: """
            Writes domains/DOMAIN/bindings/REPO.yaml (REPO: --repo, default this repository) \
            through the realm's usual write: built on the realm's tip, checked, committed and \
            pushed without force, rebuilt and retried when another writer pushed first. \
            --range imports the contract: the import's version range is set (added when new); \
            when the released version is in the range, resolved_version becomes that version \
            and status current, else resolved_version is removed and status is pending. \
            --source-file (repeatable) exports it: the export's source files are replaced by \
            those given. A binding that gains both imports and exports gets role both. The \
            repository must be a member of the domain, the contract one of the domain's, and an \
            owner exports its contract, it does not import it. A new import that would close a \
            dependency cycle between the domains is refused, with the cycle.

            Who may: a maintainer of REPO (git config user.email is one of the maintainers in \
            repos/REPO.yaml) or a realm approver (governance.approvers in realm.yaml). This is \
            what the tools check; when realm.yaml sets trust.require_signed_commits, 'git realm \
            check --realm' and the guard also require the commit signed by a maintainer of REPO.

            --dry-run prints the commit it would make and changes nothing (the realm, this \
            repository and its refs stay as they were).

            Exit status: 0 done (or nothing to change); 2 refused (not a maintainer or \
            approver, a cycle); 3 the realm requires signed commits and git has no usable ssh \
            signing key (gpg.format ssh and a readable user.signingkey; nothing is pushed); 4 \
            not a member, the realm cannot be reached; 64 usage error \
            (--contract not DOMAIN/NAME or not in the domain, --repo not a member of it, a bad \
            --range, both or neither of --range and --source-file).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The repository whose binding changes (default: this one).", valueName: "repo"), completion: .realmMembers)
        var repo: String?
        @Option(help: ArgumentHelp("The contract, as DOMAIN/NAME.", valueName: "domain/name"), completion: .realmContracts)
        var contract: String
        @Option(help: ArgumentHelp("Import it with this version range (^1.2, ~1.2.3, >=1.2.0, <2.0.0).", valueName: "range"))
        var range: String?
        @Option(name: .customLong("source-file"), help: ArgumentHelp("Export it from this file (repeatable; replaces the listed ones).", valueName: "path"),
                completion: .file())
        var sourceFiles: [String] = []
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func validate() throws {
            if (range == nil) == sourceFiles.isEmpty {
                throw ValidationError("give --range (an import) or --source-file (an export), one of the two")
            }
        }

        func run() async throws {
            var o = Realm.BindingSetOptions()
            o.target = repository.target
            o.repo = repo
            o.contract = contract
            o.range = range
            o.sourceFiles = sourceFiles.isEmpty ? nil : sourceFiles
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin binding set") { try await Realm.adminBindingSet(o, context: $0) }
        }
    }
}
