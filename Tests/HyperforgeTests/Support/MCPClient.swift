import Foundation
import Testing

/// A small scripted MCP client over stdio, as an assistant runs a server:
/// the server is a child process, JSON-RPC messages one a line on its
/// stdin and stdout. A thread reads its stdout into a queue; every wait is
/// for a condition, with a generous deadline.
final class MCPClient: @unchecked Sendable {
    let pid: pid_t
    private var input: Int32
    private var output: Int32
    let logFile: String
    private let lock = NSCondition()
    private var lines: [String] = []
    private var closed = false
    /// Set by `disconnect`: the reader closes our end of the server's stdout
    /// (a close from another thread would not release it while a read waits).
    private var leaving = false
    private var nextID = 1
    private var exitStatus: Int32?

    /// Starts `argv` (e.g. git realm mcp) in `directory` with `env`'s environment.
    init(_ argv: [String], env: TestEnvironment, in directory: String) throws {
        logFile = env.root + "/mcp-\(UUID().uuidString.prefix(6)).log"
        let started = try Spawn.startPiped(argv, environment: env.environment, directory: directory, logFile: logFile)
        pid = started.pid
        input = started.stdin
        output = started.stdout
        let fd = output
        Thread { [self] in
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, 100)
                lock.lock(); let stop = leaving; lock.unlock()
                if stop { break }
                if ready == 0 || (ready < 0 && errno == EINTR) { continue }
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(buffer, count: n)
                while let nl = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending = Data(pending[(nl + 1)...])
                    lock.lock(); lines.append(line); lock.broadcast(); lock.unlock()
                }
            }
            close(fd)
            lock.lock(); closed = true; lock.broadcast(); lock.unlock()
        }.start()
    }

    deinit {
        if input >= 0 { close(input) }
        if exitStatus == nil { kill(pid, SIGKILL); _ = Spawn.wait(pid) }
    }

    /// Writes one line as is (malformed messages included).
    func sendLine(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(input, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { break }
            offset += n
        }
    }

    func send(_ message: [String: Any]) throws {
        var m = message
        m["jsonrpc"] = "2.0"
        sendLine(String(decoding: try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys]), as: UTF8.self))
    }

    /// The next line the server writes, parsed; nil when it closed its output first.
    func receive(timeout: TimeInterval = 120) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while lines.isEmpty && !closed {
            if !lock.wait(until: deadline) { break }
        }
        guard !lines.isEmpty else {
            lock.unlock()
            Issue.record("no message from the MCP server within \(timeout) s; its log:\n\(log())")
            return nil
        }
        let line = lines.removeFirst()
        lock.unlock()
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }

    /// Sends a request and returns the response with its id (notifications in between are skipped).
    func request(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var m: [String: Any] = ["id": id, "method": method]
        if let params { m["params"] = params }
        try send(m)
        while let message = try receive() {
            if message["id"] as? Int == id { return message }
            #expect(message["method"] != nil, "an answer to another request: \(message)")
        }
        return [:]
    }

    /// initialize and notifications/initialized, as every client starts.
    func initialize() throws -> [String: Any] {
        let r = try request("initialize", ["protocolVersion": "2025-11-25", "capabilities": [String: Any](),
                                            "clientInfo": ["name": "hyperforge-tests", "version": "1.0"]])
        try send(["method": "notifications/initialized"])
        return r
    }

    /// tools/call; the result object (content, structuredContent, isError).
    func call(_ tool: String, _ arguments: [String: Any] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try request("tools/call", ["name": tool, "arguments": arguments])
        return try #require(r["result"] as? [String: Any], "tools/call \(tool) got no result: \(r)", sourceLocation: sourceLocation)
    }

    /// Closes the server's stdin (how a client ends the session).
    func closeInput() {
        if input >= 0 { close(input); input = -1 }
    }

    /// Closes our end of its stdout too: the client is gone.
    func disconnect() {
        closeInput()
        lock.lock()
        leaving = true
        while !closed { lock.wait() }
        lock.unlock()
        output = -1
    }

    /// Waits for the server to exit; its exit status.
    func waitForExit(timeout: TimeInterval = 120) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus
            }
            usleep(20_000)
        }
        Issue.record("the MCP server did not exit within \(timeout) s; its log:\n\(log())")
        return nil
    }

    func log() -> String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
}

/// Waits until `condition` holds (polling), failing the test at the deadline.
func eventually(_ what: String, timeout: TimeInterval = 120, sourceLocation: Testing.SourceLocation = #_sourceLocation,
                _ condition: () throws -> Bool) rethrows {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    Issue.record("\(what): not within \(timeout) s", sourceLocation: sourceLocation)
}
