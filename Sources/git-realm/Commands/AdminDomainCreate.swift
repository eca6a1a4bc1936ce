import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm.Admin.Domain {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a domain between repositories, with contract skeletons and bindings.",
            discussion: """
            The owner (--owner, default the first of --repos) provides: it owns each \
            --contract and gets a provider binding exporting them; every other repository \
            gets a consumer binding importing each contract at ^VERSION (written \
            ">=1.0.0, <2.0.0"). A domain whose dependencies (provider to consumers) would \
            close a cycle through other domains is refused, and the cycle is printed.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The domain's name.")
        var name: String
        @Option(help: ArgumentHelp("The member repositories; the first provides unless --owner says otherwise.", valueName: "a,b"), completion: .realmMemberList)
        var repos: String
        @Option(help: ArgumentHelp("A contract to create (repeatable).", valueName: "name"))
        var contract: [String] = []
        @Option(help: "The repository that owns the contracts and provides them.", completion: .realmMembers)
        var owner: String?
        @Option(help: "The contracts' first version.")
        var contractVersion = Realm.DomainCreateOptions().contractVersion
        @Option(help: "What the domain coordinates.")
        var description: String?
        @Flag(help: "Print what would be committed; change nothing.")
        var dryRun = false

        func run() async throws {
            var o = Realm.DomainCreateOptions()
            o.target = repository.target
            o.name = name
            o.repos = try commaList(repos, option: "--repos", example: "aperture,fungal")
            o.contracts = contract
            o.owner = owner
            o.contractVersion = contractVersion
            o.description = description
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "admin domain create") { try await Realm.adminDomainCreate(o, context: $0) }
        }
    }
}
