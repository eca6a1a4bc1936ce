import ArgumentParser

extension GitRealm.Admin.Repo {
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, remove or list a repository's ssh signing keys (signing_keys in repos/REPO.yaml).",
            discussion: """
            In a realm whose realm.yaml sets trust.require_signed_commits (see 'git realm \
            admin trust set'), every commit that changes REPO's files, and every proposal, \
            acknowledgement and approval speaking for REPO, must be signed by one of these \
            keys ('git realm check --realm' and the guard check it; an approval needs a key of \
            one of governance.approvers, listed under their address in any repos/*.yaml).
            """,
            subcommands: [Add.self, Remove.self, List.self]
        )
    }
}
