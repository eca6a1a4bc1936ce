import ArgumentParser
import CLISupport
import HyperforgeRealm

extension GitRealm {
    struct Mcp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve the realm to coding assistants as Model Context Protocol tools, over stdio.",
            discussion: """
            An MCP server (specification 2025-11-25, on the official Swift SDK) on standard input and \
            output, the transport an assistant starts as a child process: configure the command \
            "git" with the arguments ["realm", "mcp"] (or add "--path", DIR). The repository is the \
            directory the server is started in, or --path. Its tools, each with an input schema, \
            structured output and a text rendering:

            realm_status (repo, no_cache): what 'git realm status --json' reports, for this \
            repository or the member named by repo; the repository's "last seen" point \
            (refs/realm/REALM/seen) does not move.

            realm_check (mode, contract, strict, from, to, transitive, no_cache): the checks of \
            'git realm check', its JSON report and "exit_status" (0 clean, 1 errors, 2 warnings \
            only, 1 with strict). Validation scripts run only as 'git realm check' runs them.

            contract_get (contract, version): a contract's version, owner, compatibility, schema, \
            value, validation, evolution and versions in the realm's history, and every binding \
            that exports or imports it (range, resolved version, satisfied, stale); version picks \
            an earlier one.

            Read-only: no tool fetches or changes the repository or the realm (the index and check \
            caches may be filled). A tool that cannot answer (not a member of a realm, the realm \
            never fetched, a malformed realm file with its file and line, an argument of the wrong \
            type) returns an error result with the message and hint 'git realm' prints; an unknown \
            tool is a JSON-RPC error (-32602), as are malformed messages (-32700 parse error, -32600 \
            invalid request).

            While the client is connected the server holds a coordinator session for the repository \
            ("git realm mcp" in 'git realm status' and 'git realm session list' of every member); it \
            ends when the client closes the server's standard input. A client that goes away in the \
            middle of a call also stops what that call started (a validation script), and the server \
            then ends by SIGTERM.

            LIMITS: one message per line, at most 8 MiB (a longer one is answered with a parse error \
            and dropped). The server is its own executable, hyperforge-mcp, installed beside \
            hyperforge (the MCP SDK brings Foundation's networking, which the tools do not link); \
            'git realm mcp' runs it in its place.

            Exit status: 0 the client closed the connection; 4 hyperforge-mcp is not installed or \
            cannot start; 143 the client went away mid-call (or sent SIGTERM); 64 usage error.
            """
        )
        @OptionGroup var repository: RepositoryOptions

        func run() async throws {
            var o = Realm.MCPOptions()
            o.target = repository.target
            try await execute(.realm) { try Realm.mcp(o, context: $0) }
        }
    }
}
