import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Contract {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a contract file (RFC format) into a domain of the realm.",
            discussion: """
            The file is committed byte for byte as domains/DOMAIN/contracts/NAME.yaml. Only \
            the contract's owner repository may publish it, and a new version must be \
            higher than the realm's.
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
