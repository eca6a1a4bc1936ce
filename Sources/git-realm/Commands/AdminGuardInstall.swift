import ArgumentParser
import CLISupport
import HyperforgeCore
import HyperforgeRealm

extension GitRealm.Admin.Guard {
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install 'git realm check --realm' as the realm repository's pre-receive hook, or as a CI workflow.",
            discussion: """
            Run in a member repository (its realm), or with --realm URL|PATH. A plain git realm \
            on a path of this machine (a bare repository; file:// too) gets a pre-receive hook, \
            in the directory git uses for its hooks (core.hooksPath, else hooks/): each push to \
            the realm's branch is checked with 'git realm check --realm --pre-receive' (every \
            new commit; deleting the branch or rewriting its history is refused too) and \
            refused when the check finds an error, with the findings shown to the pusher. The \
            hook runs this executable by its absolute path (as /proc/self/exe names it) and \
            nothing from the realm: no script, no configuration a member could push; it \
            fails closed (an executable gone means every push is refused). It is written 0755 \
            into a hooks directory others may not write; a pre-receive hook not written by \
            git realm is never replaced. A realm reached over ssh on another machine: run \
            the command there, on its path.

            A realm on a forge (GitHub, Forgejo/Gitea, GitLab: by the URL's host among the \
            built-in forges and those of your auth.toml, or --ci) gets a CI workflow committed \
            into the realm (.github/workflows/realm-check.yml, .forgejo/workflows/realm-check.yml \
            or .gitlab-ci.yml) that runs 'git realm check --realm' on every proposal and push; \
            the runner needs hyperforge installed. The command prints which branch \
            protection to turn on: without it a failing check does not block a merge.

            Exit status: 0 installed (or already installed); 2 refused (a hook or workflow \
            file that git realm did not write is there, the path is not a bare repository, or \
            others may write its hooks directory); nothing is changed then; 1 the realm \
            could not be written; 4 not a member and no --realm; 64 usage error (no --ci \
            for a forge this machine does not know).
            """
        )
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The realm (URL, path or name; default: this repository's).", valueName: "realm"))
        var realm: String?
        @Option(help: ArgumentHelp("For a forge-hosted realm: github, forgejo, gitea or gitlab (default: by the URL's host).", valueName: "kind"))
        var ci: String?
        @Flag(help: "Print what would change; change nothing.")
        var dryRun = false

        func validate() throws {
            if let ci, ForgeKind(rawValue: ci) == nil { throw ValidationError("--ci \(ci): it must be github, forgejo, gitea or gitlab") }
        }

        func run() async throws {
            var o = Realm.GuardInstallOptions()
            o.target = repository.target
            o.realm = realm
            o.ci = ci.flatMap(ForgeKind.init(rawValue:))
            o.dryRun = dryRun
            try await execute(.realm) { try await Realm.adminGuardInstall(o, context: $0) }
        }
    }
}
