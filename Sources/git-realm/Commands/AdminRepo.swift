import ArgumentParser

extension GitRealm.Admin {
    struct Repo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Edit a repository's record in the realm (repos/REPO.yaml).", subcommands: [Accounts.self, Keys.self])
    }
}
