import ArgumentParser
import HyperforgeCore
import HyperforgeSecrets

struct GitCredentialHforge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-credential-hforge",
        abstract: "git's credential helper: answers with the token of the right scope.",
        discussion: """
        git runs it for 'get', 'store' and 'erase' ('git hforge init' configures \
        credential.<forge URL>.helper as this link's absolute path, which git runs directly, \
        with useHttpPath). For a forge host the request \
        becomes the repository's scope (git/FORGE/ORG/repo/NAME/token): its grant policy \
        applies and the token comes from the provider auth.toml routes it to. Forge hosts are \
        the built-in forges and those of your own files only (auth.toml's [custom_forges], \
        defaults.toml files you own that no repository tracks), never a repository's committed \
        config; scheme, host and port must all match (https, unless your config gives the forge \
        an http:// web_url, which is warned about on every use). 'erase' never deletes a scope's \
        token: it marks the scope rejected (in state.db, with the host and time), and 'get' \
        answers nothing for it until 'git scope set SCOPE' or 'git scope approve SCOPE'. For \
        other hosts it stores, returns and erases credentials keyed by protocol, host, path and \
        username, like git credential-store. Diagnostics go to stderr only; unknown operations \
        are ignored.

        A 'get' for a granted scope in the file provider is answered from \
        $XDG_STATE_HOME/hyperforge/credential-memo (0600, no secret in it) and the secrets file \
        alone while auth.toml and state.db (with its write-ahead log) are unchanged since the \
        memo was written; any change to them, or a symbolic link on the way, and the full path \
        decides.

        LIMITS: a request (stdin) may have at most 1 MiB (the rest is read and dropped), \
        65536 bytes a line and 1000 lines before its blank line; a request beyond one is \
        answered with nothing and a message naming the limit and the line.

        Exit status: 0, also when it has nothing to answer (git then asks its next helper).
        """,
        version: HyperforgeVersion.current
    )

    @Argument(help: "The operation git asks for: get, store or erase.")
    var operation: String

    func run() async throws {
        await Self.serve(operation)
    }

    static func serve(_ operation: String) async {
        await CredentialHelperMain.serve(operation, input: FileRead.all(fd: 0, limit: CredentialRequest.Limits.bytes + 1))
    }
}
