import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct WorkspaceSync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Make git match the config in every repository: one plan for all, then applied.",
            discussion: """
            'git hforge sync' for each member: the plans of all of them are printed first \
            (repositories with nothing to change are counted, not listed), then applied in path \
            order. Remotes a config does not name are removed only with --force (without it: \
            listed, kept, and that repository's status is 2). A repository that cannot be \
            planned or changed (a malformed config, an unreadable key) is reported and the \
            others go on. --dry-run prints the plan and changes nothing in any repository.

            Exit status: 0 every repository matches its config; 1 any could not be planned or \
            changed; 2 remotes not in a config were kept (needs --force); 4 the directory does \
            not exist; 64 usage error.
            """ + "\n\n" + WorkspaceHelp.sync
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Flag(help: "Print the report as JSON.")
        var json = false
        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false
        @Flag(help: "Also remove remotes that are not in the configs.")
        var force = false
        @Flag(help: ArgumentHelp("First create each repository on every forge where it is missing (as 'git hforge sync --create').",
                                  discussion: "Looked up first (in the plan, read-only), created only when missing, never changed; --dry-run makes only the look-ups and prints the request that would create it. A repository whose creation fails on a forge is not synced; the others go on."))
        var create = false

        func run() async throws {
            var options = Hforge.WorkspaceSyncOptions()
            options.workspace = workspace.options(json: json)
            options.dryRun = dryRun
            options.force = force
            options.create = create
            try await execute(.hforge, json: json) { try await Hforge.workspaceSync(options, context: $0) }
        }
    }
}
