import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Worktree: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coordinated changes across repositories: worktrees on branch feat/NAME in each member of this repository's domains.",
            discussion: "\"git realm worktree --rfc NAME\" is \"git realm worktree create --rfc NAME\" (the default subcommand). Exit statuses: see each subcommand's help.",
            subcommands: [Create.self, List.self, Remove.self],
            defaultSubcommand: Create.self
        )
    }
}

extension GitRealm.Worktree {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a change across repositories: branch feat/NAME and a worktree in each member of this repository's domains.",
            discussion: """
            Creates the branch feat/NAME (from each repository's current branch) and the linked \
            worktree .worktrees/feat-NAME/ in this repository and in every other member of its \
            domains (or of --domain D) that is on this machine: found with --member NAME=PATH, \
            then in the coordinator's registry of member paths (every repository that joined \
            or fetched the realm here). Members not found are named in a warning (exit status \
            2). /.worktrees/ is added to each repository's .git/info/exclude (never to a tracked \
            file). The change is recorded in each participant's .git/realm/worktrees/NAME (0600: \
            each repository's name, path and base branch), so 'git realm pr' and 'worktree \
            list/remove' work from any of them and from inside the worktrees. Running it again \
            keeps what is there. NAME follows the realm's name rules and git's branch rules.

            Exit status: 0 created (or already there); 2 some members are not on this machine; \
            1 git could not make a worktree; 4 not a member, the realm never fetched, a \
            repository on no branch; 64 usage error (a bad NAME, --domain or --member).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The change's name: branch feat/NAME.", valueName: "name"))
        var rfc: String
        @Option(help: ArgumentHelp("Only the members of this domain (repeatable; default: every domain of this repository).", valueName: "domain"),
                completion: .realmDomains)
        var domain: [String] = []
        @Option(help: ArgumentHelp("Where another member is on this machine (repeatable).", valueName: "name=path"))
        var member: [String] = []
        @Flag(help: "Print what would be created; change nothing.")
        var dryRun = false

        func validate() throws {
            if rfc.isEmpty { throw ValidationError("--rfc may not be empty") }
            for m in member where !m.contains("=") || m.hasPrefix("=") || m.hasSuffix("=") {
                throw ValidationError("--member \(m): it must be NAME=PATH")
            }
        }

        func run() async throws {
            var o = Realm.WorktreeOptions()
            o.target = repository.target
            o.rfc = rfc
            o.domains = domain
            for m in member {
                let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
                o.members[parts[0]] = parts[1]
            }
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "worktree") { try await Realm.worktree(o, context: $0) }
        }
    }
}
