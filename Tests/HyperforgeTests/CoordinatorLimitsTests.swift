import Foundation
import HyperforgeCore
import Testing

/// The coordinator's HTTP server keeps its bounds (`HTTPLimits`): an oversized
/// request line, headers or body is refused without being read, a stalled
/// request times out, and nobody else waits meanwhile.
@Suite struct CoordinatorLimitsTests {
    /// A raw client connection: bytes out in chunks, the answer in under a deadline.
    final class Raw: @unchecked Sendable {
        let fd: Int32

        init?(unix path: String) {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }) == 0 else {
                close(fd); return nil
            }
        }

        init?(tcpPort port: UInt16) {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(port.bigEndian)
            addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
            guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else {
                close(fd); return nil
            }
        }

        deinit { close(fd) }

        /// Sends `bytes`; how many the peer accepted before it closed (all, if it did not).
        @discardableResult
        func send(_ bytes: [UInt8]) -> Int {
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, min(65536, $0.count - sent), Int32(MSG_NOSIGNAL)) }
                if n < 0 { if errno == EINTR { continue }; break }
                sent += n
            }
            return sent
        }

        func send(_ text: String) { send(Array(text.utf8)) }

        /// Sends `head`, then `count` bytes of `filler`, then `tail`, stopping when the peer closes; bytes accepted.
        func sendLarge(_ head: String, filler: UInt8, count: Int, tail: String) -> Int {
            var accepted = send(Array(head.utf8))
            let chunk = [UInt8](repeating: filler, count: 65536)
            var left = count
            while left > 0 {
                let part = Array(chunk.prefix(left))
                let n = send(part)
                accepted += n
                if n < part.count { return accepted }
                left -= part.count
            }
            return accepted + send(Array(tail.utf8))
        }

        /// Bytes received after the last answer (pipelined answers).
        private var pending: [UInt8] = []

        /// The next answer: what arrives until its body is complete or the peer
        /// closes, waiting at most `seconds`.
        func answer(within seconds: Double) -> String {
            var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                if let end = Self.complete(pending) {
                    let answer = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeFirst(end)
                    return answer
                }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                pending += buffer[0..<n]
            }
            defer { pending = [] }
            return String(decoding: pending, as: UTF8.self)
        }

        /// Where the first complete answer in `bytes` ends (headers and the body they announce).
        static func complete(_ bytes: [UInt8]) -> Int? {
            guard let end = (0..<max(0, bytes.count - 3)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else { return nil }
            let head = String(decoding: bytes[..<end], as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            return bytes.count >= end + 4 + length ? end + 4 + length : nil
        }
    }

    /// Runs `body` on a thread; `wait` returns its result (polling, with a deadline).
    final class Background<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: T?
        init(_ body: @escaping @Sendable () -> T) {
            Thread { let v = body(); self.lock.lock(); self.value = v; self.lock.unlock() }.start()
        }
        func wait(seconds: Double) -> T? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                lock.lock(); let v = value; lock.unlock()
                if let v { return v }
                usleep(10_000)
            }
            return nil
        }
    }

    static func started(_ name: String, readTimeout: Double = 30, tcpPort: UInt16? = nil) throws -> (TestEnvironment, CoordinatorClient) {
        let env = try TestEnvironment(name)
        env.environment["HFORGE_COORDINATOR_IDLE_TIMEOUT"] = "60"
        env.environment["HFORGE_COORDINATOR_READ_TIMEOUT"] = String(readTimeout)
        if let tcpPort { try env.write("[tcp]\nport = \(tcpPort)\n", to: env.home + "/.config/hyperforge/coordinator.toml") }
        let client = CoordinatorClient(environment: env.environment)
        try client.ensureRunning(timeout: 120)
        return (env, client)
    }

    @Test(arguments: [1 << 20, 5 << 20])
    func aHugeRequestLineGets414WhileOthersAreServed(size: Int) throws {
        let (env, client) = try Self.started("coord-414-\(size >> 20)")
        defer { withExtendedLifetime(env) {} }
        let pid = try CoordinatorTests.pid(client)
        let raw = try #require(Raw(unix: client.paths.socket))
        // The first 4 KiB: the server is now in the middle of this request line.
        raw.send("GET /" + String(repeating: "a", count: 4096))
        #expect(client.health() != nil, "/health did not answer while a long request line was arriving")
        let sender = Background { raw.sendLarge("", filler: UInt8(ascii: "a"), count: size, tail: " HTTP/1.1\r\n\r\n") }
        let answer = raw.answer(within: 5)
        #expect(answer.hasPrefix("HTTP/1.1 414 URI Too Long\r\n") && answer.contains("longer than 8192 bytes"), "\(answer.prefix(300))")
        // It stopped reading: the peer closed long before the rest was taken.
        let accepted = try #require(sender.wait(seconds: 10))
        #expect(accepted < size, "all \(accepted) bytes were read")
        #expect(client.health() != nil)
        #expect(try CoordinatorTests.pid(client) == pid)
    }

    @Test func headersOver32KiBOrOver100LinesGet431() throws {
        let (env, client) = try Self.started("coord-431")
        defer { withExtendedLifetime(env) {} }
        let big = try #require(Raw(unix: client.paths.socket))
        var head = "GET /health HTTP/1.1\r\n"
        for i in 0..<40 { head += "X-Pad-\(i): " + String(repeating: "p", count: 1024) + "\r\n" } // 40 KiB
        big.send(head + "\r\n")
        let answer = big.answer(within: 5)
        #expect(answer.hasPrefix("HTTP/1.1 431 ") && answer.contains("larger than 32768 bytes"), "\(answer.prefix(300))")

        let many = try #require(Raw(unix: client.paths.socket))
        many.send("GET /health HTTP/1.1\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n")
        let manyAnswer = many.answer(within: 5)
        #expect(manyAnswer.hasPrefix("HTTP/1.1 431 ") && manyAnswer.contains("more than 100 header lines"), "\(manyAnswer.prefix(300))")

        // 100 lines and just under 32 KiB are fine.
        let fine = try #require(Raw(unix: client.paths.socket))
        fine.send("GET /health HTTP/1.1\r\nConnection: close\r\n" + (0..<99).map { "X-\($0): " + String(repeating: "v", count: 300) + "\r\n" }.joined() + "\r\n")
        #expect(fine.answer(within: 5).hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(client.health() != nil)
    }

    @Test func aBodyOver1MiBIsRefusedFromItsContentLengthAlone() throws {
        let (env, client) = try Self.started("coord-413")
        defer { withExtendedLifetime(env) {} }
        // Only the head is sent: the answer cannot have waited for the body.
        let raw = try #require(Raw(unix: client.paths.socket))
        raw.send("POST /sessions HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n")
        let answer = raw.answer(within: 5)
        #expect(answer.hasPrefix("HTTP/1.1 413 ") && answer.contains("larger than 1048576 bytes"), "\(answer.prefix(300))")
        // Chunked request bodies are refused, and so is a Content-Length that is not a number.
        let chunked = try #require(Raw(unix: client.paths.socket))
        chunked.send("POST /sessions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(chunked.answer(within: 5).hasPrefix("HTTP/1.1 411 "))
        let bad = try #require(Raw(unix: client.paths.socket))
        bad.send("POST /sessions HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
        #expect(bad.answer(within: 5).hasPrefix("HTTP/1.1 400 "))
        // Exactly 1 MiB is read (and found not to be JSON).
        let limit = try #require(Raw(unix: client.paths.socket))
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let sender = Background { limit.send(Array("POST /sessions HTTP/1.1\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body) }
        let full = limit.answer(within: 10)
        #expect(full.hasPrefix("HTTP/1.1 400 ") && full.contains("not JSON"), "\(full.prefix(300))")
        _ = sender.wait(seconds: 10)
    }

    @Test func overTCPAHugePathWithoutTheTokenIsRefusedUnread() throws {
        let port = TestEnvironment.freeTCPPort()
        let (env, client) = try Self.started("coord-tcp-limits", tcpPort: port)
        defer { withExtendedLifetime(env) {} }
        let raw = try #require(Raw(tcpPort: port))
        // More than loopback's socket buffers can hold: had it been read, all of it would be accepted.
        let size = 32 << 20
        let sender = Background { raw.sendLarge("GET /", filler: UInt8(ascii: "a"), count: size, tail: " HTTP/1.1\r\n\r\n") }
        let answer = raw.answer(within: 5)
        #expect(answer.hasPrefix("HTTP/1.1 414 ") || answer.hasPrefix("HTTP/1.1 401 "), "\(answer.prefix(300))")
        let accepted = try #require(sender.wait(seconds: 10))
        #expect(accepted < size, "all \(accepted) bytes were read")
        // A huge header before the token: refused too.
        let headers = try #require(Raw(tcpPort: port))
        headers.send("GET /sessions HTTP/1.1\r\nX-Pad: " + String(repeating: "p", count: 40 * 1024) + "\r\n\r\n")
        #expect(headers.answer(within: 5).hasPrefix("HTTP/1.1 431 "))
        // And a body is never read without the token.
        let body = try #require(Raw(tcpPort: port))
        body.send("POST /sessions HTTP/1.1\r\nContent-Length: 100\r\n\r\n")
        #expect(body.answer(within: 5).hasPrefix("HTTP/1.1 401 "))
        #expect(client.health() != nil)
    }

    @Test func aStalledRequestGets408AfterTheDeadlineAndBlocksNobody() throws {
        let (env, client) = try Self.started("coord-408", readTimeout: 1)
        let stalled = try #require(Raw(unix: client.paths.socket))
        stalled.send("GET /hea")
        let body = try #require(Raw(unix: client.paths.socket))
        body.send("POST /sessions HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"repo\":")
        // Others are served meanwhile, by the socket and by git realm.
        #expect(client.health() != nil)
        let r = try env.run("git", ["realm", "coordinator", "status", "--json"], in: env.root)
        #expect(r.code == 0 && r.stdout.contains("\"running\" : true"), "\(r)")
        let answer = stalled.answer(within: 10)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n") && answer.contains("within 1 s"), "\(answer.prefix(300))")
        #expect(body.answer(within: 10).hasPrefix("HTTP/1.1 408 "))
        // A connection that never sent a byte is closed without an answer.
        let idle = try #require(Raw(unix: client.paths.socket))
        #expect(idle.answer(within: 10) == "")
        #expect(client.health() != nil)
    }

    @Test func keepAliveServesRequestsInTurnOnOneConnection() throws {
        let (env, client) = try Self.started("coord-keepalive")
        defer { withExtendedLifetime(env) {} }
        let raw = try #require(Raw(unix: client.paths.socket))
        raw.send("GET /health HTTP/1.1\r\n\r\n")
        let first = raw.answer(within: 5)
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n") && first.contains("Connection: keep-alive"), "\(first)")
        // Two more, pipelined; the last asks to close.
        raw.send("GET /sessions HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n")
        let second = raw.answer(within: 5)
        #expect(second.hasPrefix("HTTP/1.1 200 OK\r\n") && second.contains("\"sessions\""), "\(second)")
        let third = raw.answer(within: 5)
        #expect(third.hasPrefix("HTTP/1.1 404 Not Found\r\n") && third.contains("Connection: close"), "\(third)")
        #expect(raw.answer(within: 5) == "") // closed
    }

    @Test func beyond256ConnectionsTheNextGets503() throws {
        let (env, client) = try Self.started("coord-503")
        defer { withExtendedLifetime(env) {} }
        // 256 connections, each in the middle of a request.
        var held: [Raw] = []
        for _ in 0..<256 {
            let r = try #require(Raw(unix: client.paths.socket))
            r.send("GET /he")
            held.append(r)
        }
        // The server counts a connection once its thread is started; poll until one is turned away.
        var refused = ""
        for _ in 0..<100 {
            guard let extra = Raw(unix: client.paths.socket) else { continue }
            extra.send("GET /health HTTP/1.1\r\n\r\n")
            refused = extra.answer(within: 5)
            if refused.hasPrefix("HTTP/1.1 503 ") { break }
        }
        #expect(refused.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n") && refused.contains("too many connections"), "\(refused.prefix(300))")
        held.removeAll()
        // Once they are gone, it answers again.
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = client.health() != nil
            if !healthy { usleep(10_000) }
        }
        #expect(healthy)
    }
}
