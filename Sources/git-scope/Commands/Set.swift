import ArgumentParser
import CLISupport
import Glibc
import HyperforgeCore
import HyperforgeSecrets

extension GitScope {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the secret of a scope (read from stdin, or a prompt; never an argument).",
            discussion: """
            Also clears the scope's rejected mark, if a server had refused its previous token.

            LIMITS: a secret read from stdin may have at most 1 MiB (after one trailing newline); \
            a longer one is refused (exit 64) and nothing is stored.
            """)
        @Argument(help: "The scope, e.g. git/github/alice/repo/my-tool/token.", completion: .scopes) var scope: String
        @Option(help: "Store in this provider instead of the one the scope routes to.", completion: .providers) var provider: String?
        func run() async throws {
            let secret = try readSecret(prompt: "secret for \(scope): ")
            try await execute(.scope) { try await ScopeCommands.set(scope, secret: secret, provider: provider, context: $0) }
        }
    }
}

/// The largest secret `git scope set` takes (a token is a few hundred bytes).
let secretLimit = 1 << 20

/// Reads a secret: from standard input when it is not a terminal (one
/// trailing newline dropped), else from a prompt that does not echo.
func readSecret(prompt: String) throws -> String {
    if isatty(0) == 0 {
        // On bytes: "\r\n" is one Character, so String's hasSuffix("\n") misses it.
        // Bounded: a longer input is refused, never cut short and stored.
        var bytes = FileRead.all(fd: 0, limit: secretLimit + 3)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count <= secretLimit else {
            throw ValidationError("the secret on stdin is larger than \(secretLimit >> 20) MiB, the limit for a secret; nothing was stored")
        }
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
