import ArgumentParser
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeSecrets

struct GitCredentialHforge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-credential-hforge",
        abstract: "git's credential helper: answers with the token of the right scope.",
        discussion: """
        git runs it as 'git credential-hforge get|store|erase' ('git hforge init' configures \
        credential.<forge URL>.helper = hforge with useHttpPath). For a forge host the request \
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
        await CredentialHelperMain.serve(operation, input: FileRead.all(fd: 0, limit: (1 << 20) + 1))
    }
}

/// The credential helper's entry point (`arguments` without the program name).
public enum CredentialHelperMain {
    /// git's `get` answered on the fast path (synchronously, before anything
    /// else starts), or nil with the input it read, for the full helper.
    public static func fastGet(_ arguments: [String]) -> (answer: String?, input: [UInt8])? {
        guard arguments == ["get"] else { return nil }
        let input = FileRead.all(fd: 0, limit: (1 << 20) + 1)
        return (CredentialFastPath.get(input: input, context: Context.process()), input)
    }

    /// The full helper, for input already read from stdin.
    public static func serve(_ operation: String, input: [UInt8]) async {
        let context = Context.process()
        let answer = await CredentialHelper.run(operation: operation, input: input, context: context)
        if !answer.isEmpty { context.output.stdout.writeVerbatim(answer) } // git's credential protocol, for git
    }

    public static func main(_ arguments: [String]) async {
        // git's own calls (`get`, `store`, `erase` and any future operation
        // word) skip the argument parser: it sits on git's path for every
        // network operation. Everything else (--help, --version, mistakes)
        // goes through it.
        if arguments.count == 1, let op = arguments.first, !op.hasPrefix("-") {
            await GitCredentialHforge.serve(op)
            return
        }
        await GitCredentialHforge.main(arguments)
    }
}
