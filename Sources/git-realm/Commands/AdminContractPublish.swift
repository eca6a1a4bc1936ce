import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Contract {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a contract file (RFC format) into a domain of the realm.",
            discussion: """
            A change the importers must review is refused (exit 2, a dry run too) and goes \
            through 'git realm sync' instead (a proposal, acknowledgements, approvals): one \
            outside the version range of a repository that imports the contract, or one the \
            compatibility check does not find compatible while an importer is affected and \
            governance.breaking_changes.require_approval is true. A change that affects no \
            importer, and a compatible one inside every range, are published directly. In a \
            realm that requires signed commits, git's signing key must be one listed for the \
            owner repository (exit 3 otherwise, before anything is pushed).

            The file is committed byte for byte as domains/DOMAIN/contracts/NAME.yaml. Only \
            the contract's owner repository may publish it, and a new version must be \
            higher than the realm's by at least the step its change needs, decided as \
            'git realm check --mode=contract' decides it: a change that breaks the contract's \
            promise needs a new major version (a new minor before 1.0.0), a compatible change \
            of the valid values a new minor; a change the engine cannot decide is not refused.

            Exit status: 0 published (or unchanged); 2 when refused (not the owner, the \
            version not higher, or by less than the change needs); 3 the realm requires \
            signed commits and git has no usable ssh signing key (gpg.format ssh and a \
            readable user.signingkey); nothing is committed then.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The contract file.", completion: .file(extensions: ["yaml", "yml"]))
        var file: String
        @Option(help: "The domain the contract belongs to.", completion: .realmDomains)
        var domain: String
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.ContractPublishOptions()
            o.target = repository.target
            o.file = file
            o.domain = domain
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin contract publish") { try await Realm.adminContractPublish(o, context: $0) }
        }
    }
}
