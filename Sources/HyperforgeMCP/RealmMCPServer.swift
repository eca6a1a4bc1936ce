import FoundationEssentials
import Glibc
import HyperforgeCore
import HyperforgeRealm
import MCP

/// One tool of the server: its definition (name, input and output
/// schemas) and what a call does, through the same core functions as the
/// `git realm` command it mirrors.
protocol RealmTool: Sendable {
    static var name: String { get }
    static var definition: Tool { get }
    static func call(_ arguments: ToolArguments, context: Context) async throws -> ToolOutput
}

/// `git realm mcp`: the realm as Model Context Protocol tools for coding
/// assistants, over stdio (RFC 0002 phase 1). Every tool reads: none
/// changes the repository or the realm (caches may be filled).
public enum RealmMCPServer {
    static let tools: [any RealmTool.Type] = [RealmStatusTool.self, RealmCheckTool.self, ContractGetTool.self, ProposalsListTool.self]

    /// Serves the client on standard input and output until it closes its
    /// end. `path`: the member repository (default: the working directory).
    /// Returns the exit status.
    public static func run(path: String?) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        // Children (validation scripts) and their descendants are stopped
        // if we are signalled mid-call (SIGTERM from the client, Ctrl-C).
        Interruption.prepare()
        // Standard output is the protocol's: keep it for the transport and
        // send anything else that would print there to standard error.
        let protocolOut = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard protocolOut >= 0 else {
            _ = writeAll(2, Array("git realm mcp: cannot duplicate standard output: \(String(cString: strerror(errno)))\n".utf8))
            return ExitStatus.environment.rawValue
        }
        dup2(2, 1)

        var context = Context.process()
        if let path { context.workingDirectory = context.resolve(path) }
        let base = context
        // Warnings and notes of the core go to our standard error, as the
        // tools would print them; a call's result carries its own.
        let session = Realm.holdSession(Realm.Target(), command: "git realm mcp", context: base)

        let calls = InFlight()
        let server = Server(
            name: "hyperforge-realm", version: HyperforgeVersion.current, title: "git realm",
            instructions: """
            Tools for the realm (RFC 0001: repositories that depend on each other through versioned contracts) \
            of the git repository at \(base.workingDirectory). Before changing code that exports or imports a \
            contract, ask realm_status and contract_get who depends on it and in which range; run realm_check \
            after a change, as the pre-commit hook will.
            """,
            capabilities: .init(tools: .init(listChanged: false))
            // Not the SDK's strict mode: JSONRPCGate refuses requests before initialize.
        )
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.map { $0.definition })
        }
        // tools/call is answered by `call` (LineTransport.CallHandler says why not through the SDK).
        let transport = LineTransport(input: 0, output: protocolOut) { name, arguments in
            guard let tool = tools.first(where: { $0.name == name }) else {
                return .failure(.init(code: -32602, message: "Unknown tool: \(name) (tools: \(tools.map { $0.name }.joined(separator: ", ")))"))
            }
            calls.begin()
            defer { calls.end() }
            var context = base
            context.output = .capturing()
            do {
                let output = try await tool.call(ToolArguments(tool: tool.name, arguments), context: context)
                return .success(output.result(warnings: context.output.stderr.text.trimmedLines()))
            } catch {
                return .success(failure(error, output: context.output))
            }
        }
        do {
            try await server.start(transport: transport)
        } catch {
            session?.end()
            _ = writeAll(2, Array("git realm mcp: cannot start the server: \(error)\n".utf8))
            return ExitStatus.failure.rawValue
        }
        await server.waitUntilCompleted()
        // The client closed our standard input: the session ends now.
        session?.end()
        // Calls still running are answered while the client still reads
        // (closing the input is how MCP clients begin a shutdown). A client
        // that went away mid-call gets nothing: what the call started (a
        // validation script and its children) is stopped instead of left to
        // finish alone; Interruption does that and ends us by the signal.
        while calls.count > 0 || transport.pending.count > 0 {
            if transport.clientGone(waiting: 100) {
                kill(getpid(), SIGTERM)
                while true { pause() }
            }
            if calls.count == 0 { break } // a request the SDK answers itself, or one cancelled
        }
        // The answer of the last call is written right after it returns.
        for _ in 0..<200 where transport.pending.count > 0 { usleep(10_000) }
        await server.stop()
        return ExitStatus.success.rawValue
    }

    /// A call that failed: the tool's error result (isError), with the
    /// message and hint as `git realm` prints them.
    static func failure(_ error: any Error, output: Output) -> JSONValue {
        let captured = Output.capturing()
        captured.report(error, program: "git realm mcp")
        var text = captured.stderr.text.trimmedLines()
        let warnings = output.stderr.text.trimmedLines()
        if !warnings.isEmpty { text = warnings + "\n" + text }
        return ToolOutput.error(text)
    }
}

/// How many tool calls are running.
final class InFlight: @unchecked Sendable {
    private let lock = Lock()
    private var running = 0
    func begin() { lock.withLock { running += 1 } }
    func end() { lock.withLock { running -= 1 } }
    var count: Int { lock.withLock { running } }
}
