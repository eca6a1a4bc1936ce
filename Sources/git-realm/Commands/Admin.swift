import ArgumentParser

extension GitRealm {
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create realms, join and leave them, create domains, publish contracts, edit bindings and forge accounts.",
            subcommands: [Init.self, Join.self, Domain.self, Contract.self, Binding.self, Repo.self, Trust.self, Leave.self, Cache.self, Guard.self]
        )
    }
}
