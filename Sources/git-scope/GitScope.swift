import ArgumentParser
import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeSecrets

public struct GitScope: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "git-scope",
        abstract: "Granular secret scopes: which provider holds a scope, lazy requests, approvals.",
        discussion: """
        A scope names the token of exactly one repository or package:
        git/FORGE/ORG/repo/NAME/token, cargo/USER/PACKAGE/token, npm/@ORG/PACKAGE/token, \
        pypi/USER/PACKAGE/token. $XDG_CONFIG_HOME/hyperforge/auth.toml (default \
        ~/.config/hyperforge/auth.toml) routes scopes to providers \
        (file, env, keychain, command) by glob, the most specific pattern winning, and sets \
        a grant policy per pattern (auto, approve, deny). Without auth.toml every scope lives \
        in a 0600 file and is granted on first use. A relative 'path' in auth.toml is relative \
        to auth.toml's directory; 'command' providers run there.

        Ownership: auth.toml, the secrets file, state.db and their directories must be yours \
        (or root's) and not writable by group or others (the secrets file not readable by them \
        either); otherwise the command stops, naming the file, its owner and mode and the \
        chown/chmod that fixes it. A scope whose token a server refused is marked rejected \
        (see 'git scope list'): kept, not handed out until 'git scope set' or 'git scope approve SCOPE'.

        Exit status: 0 success; 1 failure (no such secret, nothing to remove); 2 refused \
        (denied by policy, approval timed out, marked rejected, read-only provider); 3 configuration error \
        in auth.toml; 4 environment error (a file or directory someone else owns or may write, \
        a readable secrets file, provider unavailable); \
        64 usage error (invalid scope).
        """,
        version: HyperforgeVersion.current,
        subcommands: [Set.self, Get.self, Remove.self, List.self, Which.self, Providers.self,
                      Pending.self, Approve.self, Deny.self, Grants.self, Revoke.self]
    )
}

func execute(_ body: (Context) async throws -> ExitStatus) async throws {
    let context = Context.process()
    let code = await CommandRunner.run(program: "git scope", context: context) { try await body(context) }
    if code != 0 { throw ExitCode(code) }
}

/// Reads a secret: from standard input when it is not a terminal (one
/// trailing newline dropped), else from a prompt that does not echo.
func readSecret(prompt: String) throws -> String {
    if isatty(0) == 0 {
        // On bytes: "\r\n" is one Character, so String's hasSuffix("\n") misses it.
        var bytes = FileRead.all(fd: 0)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
    var old = termios()
    tcgetattr(0, &old)
    var silent = old
    silent.c_lflag &= ~tcflag_t(ECHO)
    _ = writeAll(2, Array(prompt.utf8))
    tcsetattr(0, TCSAFLUSH, &silent)
    defer {
        tcsetattr(0, TCSAFLUSH, &old)
        _ = writeAll(2, Array("\n".utf8))
    }
    return readLine(strippingNewline: true) ?? ""
}

struct JSONFlag: ParsableArguments {
    @Flag(help: "Print as JSON.") var json = false
}

extension GitScope {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the secret of a scope (read from stdin, or a prompt; never an argument).",
            discussion: "Also clears the scope's rejected mark, if a server had refused its previous token.")
        @Argument(help: "The scope, e.g. git/github/alice/repo/my-tool/token.") var scope: String
        @Option(help: "Store in this provider instead of the one the scope routes to.") var provider: String?
        func run() async throws {
            let secret = try readSecret(prompt: "secret for \(scope): ")
            try await execute { try await ScopeCommands.set(scope, secret: secret, provider: provider, context: $0) }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the secret of a scope, after its grant policy allows it.",
            discussion: "With policy 'approve', waits (auth.toml approval_timeout, default 30 s) for 'git scope approve ID' from another terminal. A scope marked rejected is refused (exit 2) until 'git scope set' or 'git scope approve SCOPE'.")
        @Argument(help: "The scope.") var scope: String
        func run() async throws { try await execute { try await ScopeCommands.get(scope, context: $0) } }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove the secret of a scope from its provider.")
        @Argument(help: "The scope.") var scope: String
        @Option(help: "Remove from this provider instead of the one the scope routes to.") var provider: String?
        func run() async throws { try await execute { try await ScopeCommands.remove(scope, provider: provider, context: $0) } }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the scopes each provider holds (names only, never values).",
            discussion: "A scope whose token a server refused is shown as rejected (with the host and time): its token is kept but not handed out until 'git scope set SCOPE' or 'git scope approve SCOPE'.")
        @Option(help: "Only this provider.") var provider: String?
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute { try await ScopeCommands.list(provider: provider, json: format.json, context: $0) } }
    }

    struct Which: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the provider and policy of a scope, and the patterns that chose them.")
        @Argument(help: "The scope.") var scope: String
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute { try ScopeCommands.which(scope, json: format.json, context: $0) } }
    }

    struct Providers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured providers and what routes to each.")
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute { try ScopeCommands.providers(json: format.json, context: $0) } }
    }

    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List requests waiting for approval.")
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute { try ScopeCommands.pending(json: format.json, context: $0) } }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a pending request (its scope is granted), or clear a scope's rejected mark.",
            discussion: """
            With a request id (see 'git scope pending'), grants that request's scope. With a scope, \
            clears its rejected mark: when a server refuses a scope's token, git asks the credential \
            helper to erase it; the token is kept in its provider but not handed out until \
            'git scope approve SCOPE' (keep it) or 'git scope set SCOPE' (a new one). 'git scope list' \
            shows the marks.
            """)
        @Argument(help: "A request's id (see 'git scope pending'), or a scope marked rejected (see 'git scope list').") var target: String
        func run() async throws {
            if let id = Int64(target) {
                try await execute { try ScopeCommands.decide(id, approve: true, context: $0) }
            } else {
                try await execute { try ScopeCommands.clearRejection(target, context: $0) }
            }
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a pending request.")
        @Argument(help: "The request's id (see 'git scope pending').") var id: Int64
        func run() async throws { try await execute { try ScopeCommands.decide(id, approve: false, context: $0) } }
    }

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List granted scopes.")
        @OptionGroup var format: JSONFlag
        func run() async throws { try await execute { try ScopeCommands.grants(json: format.json, context: $0) } }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant: the next use asks again, per the scope's policy.")
        @Argument(help: "The scope.") var scope: String
        func run() async throws { try await execute { try ScopeCommands.revoke(scope, context: $0) } }
    }
}
