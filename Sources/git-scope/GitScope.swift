import CLISupport
import ArgumentParser
import HyperforgeCore

public struct GitScope: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "git-scope",
        abstract: "Granular secret scopes: which provider holds a scope, lazy requests, approvals.",
        discussion: """
        A scope names the token of exactly one repository or package:
        git/FORGE/ORG/repo/NAME/token, cargo/USER/PACKAGE/token, npm/@ORG/PACKAGE/token, \
        pypi/USER/PACKAGE/token; git/FORGE/ORG/token is an org's (group's) or user's token for \
        the forge API calls that concern no one repository (listing an org or a user, who-am-I). \
        No ORG segment may be named 'repo' (it would read as a repository scope). $XDG_CONFIG_HOME/hyperforge/auth.toml (default \
        ~/.config/hyperforge/auth.toml) routes scopes to providers \
        (file, env, keychain, command) by glob, the most specific pattern winning, and sets \
        a grant policy per pattern (auto, approve, deny). Without auth.toml every scope lives \
        in a 0600 file and is granted on first use. A relative 'path' in auth.toml is relative \
        to auth.toml's directory; 'command' providers run there.

        Ownership: auth.toml, the secrets file, state.db and their directories must be yours \
        (or root's) and not writable by group or others (the secrets file not readable by them \
        either); otherwise the command stops, naming the file, its owner and mode and the \
        chown/chmod that fixes it. A scope whose token a server refused is marked rejected \
        (see 'git scope list'): kept, not handed out until 'git scope set' or 'git scope approve SCOPE'. \
        A secrets file that is a symbolic link of yours (or root's) is followed: what it points \
        at passes the same checks and is what writes replace; a dangling link is named.

        LIMITS: auth.toml is read only as a regular file of at most 4 MiB (a directory, a link \
        loop, /dev/zero or a FIFO there is an error naming it); approval_timeout takes a number \
        of seconds from 0 to 86400 (inf and nan are errors naming auth.toml's line). The \
        secrets file is read up to 16 MiB.

        Grants live in $XDG_STATE_HOME/hyperforge/state.db (SQLite), which records its schema \
        version: an older one is migrated in place, one written by a newer hyperforge is refused \
        (exit 4, naming the file and both versions), and a damaged one is never replaced (exit 4, \
        naming the file, which is kept: restore it or move it aside to start with no grants). \
        The secrets file is replaced atomically: interrupted or out of space, it holds the old \
        secrets or the new ones.

        Exit status: 0 success; 1 failure (no such secret, nothing to remove); 2 refused \
        (denied by policy, approval timed out, marked rejected, read-only provider); 3 configuration error \
        in auth.toml; 4 environment error (a file or directory someone else owns or may write, \
        a readable secrets file, provider unavailable); \
        64 usage error (invalid scope).
        """ + "\n\n" + JSONHelp.style,
        version: HyperforgeVersion.current,
        subcommands: [Set.self, Get.self, Remove.self, List.self, Which.self, Providers.self,
                      Pending.self, Approve.self, Deny.self, Grants.self, Revoke.self]
    )
}
