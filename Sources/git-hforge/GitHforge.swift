import CLISupport
import ArgumentParser
import HyperforgeCore

public struct GitHforge: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "git-hforge",
        abstract: "Keep one repository in step across many forges.",
        discussion: """
        .hyperforge/config.toml (committed) is ground truth; .hyperforge/defaults.toml \
        files in parent directories supply defaults, and the [custom_forges] of \
        $XDG_CONFIG_HOME/hyperforge/auth.toml (default ~/.config/hyperforge/auth.toml) are \
        known to every command. Run as \
        'git hforge <command>'; 'git -C DIR hforge' and --path DIR both choose the repository.

        Trust: which host a forge is comes only from the built-in forges, your auth.toml and \
        defaults.toml files you own that no repository tracks. A committed config (or a tracked \
        defaults.toml) may use those forges and declare new ones, but cannot change a built-in forge or one your \
        files declare (that table is ignored, with a warning naming its file and line), and a forge \
        only it declares gets a remote but no credential helper. A defaults.toml that another user \
        owns, or that group or others may write, is skipped with a warning; such an auth.toml is an error.

        LIMITS: config.toml, defaults.toml and auth.toml are read only as regular files of at \
        most 4 MiB with at most 256 levels of nested values (TOML's parser's own limit) and \
        keys of at most 64 dotted parts; a table header that starts with no key, and a bare \
        value that is no TOML value, are errors naming line and column (refused before TOML's \
        parser, which stops the process on them); a \
        directory, a symbolic link loop, a device such as /dev/zero, a FIFO or a larger file \
        is an error naming the file (a defaults.toml of that kind is skipped with a warning \
        that names it), never read. Every number is range-checked (ssh_port 1 to 65535), \
        and an error names the file, line, key and the accepted range.

        Exit status: 0 success; 1 the operation failed (push rejected, git error); \
        2 refused (needs --force, or would overwrite a remote); 3 configuration error; \
        4 environment error (not a repository, unreadable key); 5 'status --exit-code' \
        found differences; 64 usage error.
        """ + "\n\n" + JSONHelp.style,
        version: HyperforgeVersion.current,
        subcommands: [Init.self, Sync.self, Status.self, Push.self, Publish.self, Config.self, Workspace.self, Remote.self, SSH.self]
    )
}
