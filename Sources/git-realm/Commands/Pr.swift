import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeRealm

extension GitRealm {
    struct Pr: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull/merge requests of a coordinated change, one per repository, opened and merged in merge order.",
            discussion: "\"git realm pr --title T\" is \"git realm pr create --title T\" (the default subcommand). Exit statuses: see each subcommand's help.",
            subcommands: [Create.self, Status.self, Merge.self],
            defaultSubcommand: Create.self
        )
    }
}

extension GitRealm.Pr {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open one pull/merge request per repository of a coordinated change, in merge order.",
            discussion: """
            For the change started with 'git realm worktree --rfc NAME' (--rfc, else the one \
            the current branch feat/NAME names, else the only one recorded here): pushes each \
            participant's feat/NAME to every forge of its .hyperforge/config.toml, as 'git \
            hforge push' does (the real git, your ssh and credential helpers), then opens one \
            pull request (GitLab: merge request) per repository on the first forge of its \
            config, from feat/NAME to the branch the worktree was made from, with the token of \
            that repository's scope git/FORGE/ORG/repo/NAME/token. Merge order: a repository \
            before every one that depends on it through the realm's domains (exporters before \
            importers, across domains by the realm's dependency graph), otherwise by name. \
            Each body lists the others in order and says what blocks it, as references the \
            forge links across repositories ("Blocked by: acme/aperture#45"; GitLab \
            acme/aperture!45); once all are open, each new request gets a comment with the whole \
            order and numbers. A request already open (or merged) from the branch is kept, \
            not opened twice, so a failed run can be run again; one closed without merging is \
            opened anew. A branch with no commits beyond its base is refused before anything \
            is pushed. --draft opens drafts as each forge defines them: GitHub draft: true, \
            Forgejo/Gitea a "WIP: " title prefix, GitLab a "Draft: " title prefix; 'git realm \
            pr merge' does not merge a draft. --dry-run pushes nothing, sends no \
            request that changes anything (it lists the open requests, which is read only) \
            and prints the requests it would send.

            Exit status: 0 opened (or already open); 1 a push or a forge request failed (the \
            forge's message is shown; later repositories are not pushed or opened); 4 not a \
            member, no such change here, a repository with no forge in its config, a \
            worktree gone or a branch with no commits beyond its base; 64 usage error.
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The coordinated change (default: the current branch's, or the only one).", valueName: "name"))
        var rfc: String?
        @Option(help: ArgumentHelp("The requests' title.", valueName: "title"))
        var title: String
        @Option(help: ArgumentHelp("Text before the realm's part of each body.", valueName: "body"))
        var body: String?
        @Flag(help: "Open them as drafts (GitHub draft; Forgejo/Gitea 'WIP: ' and GitLab 'Draft: ' title prefix).")
        var draft = false
        @Flag(help: "Print what would be pushed and opened; change nothing anywhere.")
        var dryRun = false

        func validate() throws {
            if title.trimmed().isEmpty { throw ValidationError("--title may not be empty") }
        }

        func run() async throws {
            var o = Realm.PrOptions()
            o.target = repository.target
            o.rfc = rfc
            o.title = title
            o.body = body
            o.draft = draft
            o.dryRun = dryRun
            try await executeInSession(o.target, command: "pr") { try await Realm.pr(o, context: $0) }
        }
    }
}
