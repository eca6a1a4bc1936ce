import Dispatch
import FoundationEssentials
import Glibc
import HyperforgeCore
import Logging
import MCP

/// MCP's stdio transport: one JSON-RPC message a line on standard input,
/// one a line on standard output. Ours rather than the SDK's
/// StdioTransport, which polls a non-blocking standard input every 10 ms
/// (latency on every call, wake-ups while idle, and the client's pipe left
/// non-blocking): a thread blocks in read(2) instead.
///
/// Each line passes `JSONRPCGate` first, which answers what is not a
/// well-formed JSON-RPC 2.0 message itself, as the specification says
/// (a parse error with a null id, an invalid request, invalid params), so
/// the SDK only ever decodes messages of the shapes it knows and none of
/// Foundation's decoding errors reaches the client.
public actor LineTransport: Transport {
    public nonisolated let logger = Logger(label: "hyperforge.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })

    private let input: Int32
    private let writer: LineWriter
    /// The requests handed to the SDK that have no response yet.
    public nonisolated let pending = PendingRequests()
    private let stream: AsyncThrowingStream<Data, any Swift.Error>
    private let continuation: AsyncThrowingStream<Data, any Swift.Error>.Continuation
    private var started = false

    /// A message longer than this (bytes, up to its newline) is answered
    /// with a parse error and dropped without being kept whole.
    public static let lineLimit = 8 << 20

    /// What answers a tools/call: the result object, or a JSON-RPC error
    /// (code, message). Calls are served here rather than through the SDK,
    /// whose request handling encodes every result to JSON, decodes it into
    /// its `Value` (matching a regular expression against every string, for
    /// data URLs) and encodes it again: 120 ms for a realm_status of a
    /// 200-contract realm, against 2 ms of work.
    public typealias CallHandler = @Sendable (_ name: String, _ arguments: [String: JSONValue]) async -> Result<JSONValue, CallError>

    public struct CallError: Error, Sendable {
        public var code: Int64
        public var message: String
        public init(code: Int64, message: String) { self.code = code; self.message = message }
    }

    private let handler: CallHandler

    public init(input: Int32, output: Int32, calls handler: @escaping CallHandler) {
        self.input = input
        self.handler = handler
        writer = LineWriter(fd: output)
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Swift.Error).self)
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let fd = input, writer = writer, continuation = continuation, pending = pending, handler = handler
        let thread = DispatchQueue(label: "hyperforge.mcp.stdin")
        thread.async { LineTransport.readLoop(fd: fd, writer: writer, requests: pending, handler: handler, continuation: continuation) }
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        let bytes = Array(data)
        defer { pending.answered(bytes) }
        guard writer.write(bytes) else { throw MCPError.connectionClosed }
    }

    /// Whether the client stopped reading our standard output (the read end
    /// of its pipe is closed: it went away, rather than only closing our input).
    public nonisolated func clientGone(waiting milliseconds: Int32) -> Bool {
        var p = pollfd(fd: writer.fd, events: 0, revents: 0)
        return poll(&p, 1, milliseconds) > 0 && p.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Swift.Error> { stream }

    /// Reads lines until end of file (the client closed its end or went
    /// away), handing each well-formed message on.
    private static func readLoop(fd: Int32, writer: LineWriter, requests: PendingRequests, handler: @escaping CallHandler,
                                 continuation: AsyncThrowingStream<Data, any Swift.Error>.Continuation) {
        var partial: [UInt8] = []
        var discarding = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        var gate = JSONRPCGate()
        func deliver(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
            switch gate.inspect(Array(line)) {
            case .pass(let request, let cancelled):
                if let request { requests.add(request) }
                if let cancelled { requests.remove(cancelled) }
                continuation.yield(Data(line))
            case .answer(let reply): _ = writer.write(Array(reply.utf8))
            case .call(let id, let name, let arguments):
                requests.add(id)
                Task {
                    let response: JSONValue
                    switch await handler(name, arguments) {
                    case .success(let result): response = .object(["jsonrpc": .string("2.0"), "id": id, "result": result])
                    case .failure(let e): response = .object(["jsonrpc": .string("2.0"), "id": id, "error": .object(["code": .integer(e.code), "message": .string(e.message)])])
                    }
                    // A request the client cancelled meanwhile gets no answer.
                    if requests.remove(id) { _ = writer.write(Array(response.jsonText.utf8)) }
                }
            }
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else {
                    partial.append(contentsOf: buffer[start..<i])
                    deliver(partial[...])
                }
                partial.removeAll(keepingCapacity: true)
                start = i + 1
            }
            if !discarding { partial.append(contentsOf: buffer[start..<n]) }
            if partial.count > lineLimit {
                _ = writer.write(Array(JSONRPCGate.error(id: .null, code: -32700, "Parse error: a message longer than \(lineLimit >> 20) MiB").utf8))
                partial.removeAll()
                discarding = true
            }
        }
        // A last line without its newline still counts.
        if !discarding && !partial.isEmpty { deliver(partial[...]) }
        continuation.finish()
    }
}

/// Writes whole lines to a file descriptor, one writer at a time (the SDK's
/// responses and the gate's answers come from different threads).
final class LineWriter: @unchecked Sendable {
    let fd: Int32
    private let lock = Lock()
    private var broken = false

    init(fd: Int32) { self.fd = fd }

    /// False once the other end is gone (EPIPE: SIGPIPE is ignored).
    func write(_ bytes: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !broken else { return false }
        if writeAll(fd, bytes + [UInt8(ascii: "\n")]) != nil { broken = true }
        return !broken
    }
}

/// The ids of requests passed to the SDK and not yet answered (a request
/// the client cancelled gets no answer, as the specification says).
public final class PendingRequests: @unchecked Sendable {
    private let lock = Lock()
    private var ids: Set<JSONValue> = []

    public var count: Int { lock.withLock { ids.count } }

    func add(_ id: JSONValue) { lock.withLock { _ = ids.insert(id) } }
    /// Whether it was still waiting.
    @discardableResult
    func remove(_ id: JSONValue) -> Bool { lock.withLock { ids.remove(id) != nil } }

    /// Marks the request a response answers as answered. The SDK writes
    /// keys sorted, so a result starts with its id (read without parsing
    /// the whole result); anything else is parsed.
    func answered(_ message: [UInt8]) {
        let prefix = Array(#"{"id":"#.utf8)
        var id: JSONValue?
        if message.starts(with: prefix), let comma = message[prefix.count...].firstIndex(of: UInt8(ascii: ",")),
           let value = try? JSONParser.parse(Array(message[prefix.count..<comma])) {
            id = value
        } else if let parsed = try? JSONParser.parse(message), parsed["method"] == nil {
            id = parsed["id"]
        }
        if let id { remove(id) }
    }
}
