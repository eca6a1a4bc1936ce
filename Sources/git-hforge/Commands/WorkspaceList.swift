import ArgumentParser
import CLISupport
import HyperforgeHforge

extension GitHforge {
    struct WorkspaceList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the workspace's repositories and why each is taken or skipped.",
            discussion: """
            One line per member (its path relative to the workspace and why it is one: its own \
            config.toml, or the defaults.toml it is under with --all-repos), then what was \
            skipped and why (no config, ignored by FILE:LINE, a symbolic link, a bare \
            repository, unreadable). Reads directories only; opens no repository.

            Exit status: 0 success; 4 the directory does not exist or is not one; 64 usage error.
            """ + "\n\n" + WorkspaceHelp.list
        )
        @OptionGroup var workspace: WorkspaceArguments
        @Flag(help: "Print the list as JSON.")
        var json = false

        func run() async throws {
            let options = workspace.options(json: json)
            try await execute(.hforge, json: json) { try Hforge.workspaceList(options, context: $0) }
        }
    }
}
