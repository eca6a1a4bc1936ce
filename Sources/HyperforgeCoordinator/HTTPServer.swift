import Dispatch
import FoundationEssentials
import Glibc
import HyperforgeCore

// The coordinator's HTTP/1.1 server, written by hand on purpose.
//
// It replaced FlyingFox, for two measured reasons:
// - Size and memory: FlyingFox imports Foundation and FoundationNetworking, and
//   with them ICU; it was the last user of Foundation proper in hyperforge. The
//   stripped static coordinator was 62 MB and idled at 28 MiB resident; every
//   other tool lives in a 17 MB FoundationEssentials-only executable.
// - Bounds: FlyingFox's request decoder has no limit on the request line, the
//   headers or their number. One request with a 1 MiB path kept the coordinator
//   at 100% CPU for two minutes without an answer; with 5 MiB, /health stopped
//   answering other clients; over TCP all of that happened before the token
//   was checked.
//
// So this server reads every request through a bounded reader: the request
// line, the headers and the body each have a limit (`HTTPLimits`) decided
// before more is read (414, 431, 413, without reading the rest), the whole
// request must arrive within a deadline (408), the token and the draining
// state are checked as soon as the headers are in (`HTTPHandler.screen`),
// before any byte of the body, and the number of connections is bounded (503).
// Each connection is served by its own small thread with blocking reads under
// poll deadlines, so a slow or half-sent request never holds up anyone else.
// It speaks only what the coordinator's clients need: origin-form targets,
// Content-Length bodies (no chunked requests), keep-alive or Connection: close.

/// What one request may cost before it is refused.
struct HTTPLimits: Sendable {
    /// The request line (method, target, version), CRLF excluded: beyond it, 414.
    var requestLine = 8 * 1024
    /// All header lines together, line ends included: beyond it, 431.
    var headerBytes = 32 * 1024
    /// Header lines: beyond it, 431.
    var headerLines = 100
    /// Content-Length: beyond it, 413 (decided before any of it is read).
    var body = 1 << 20
    /// Connections served at once (both listeners together): beyond it, 503.
    var connections = 256
    /// Seconds for a whole request (head and body) to arrive, and for an idle
    /// keep-alive connection to send the next one: then 408 (or, with no byte
    /// of a request sent, a silent close).
    var readTimeout: Double = 10

    /// The defaults; `HFORGE_COORDINATOR_READ_TIMEOUT` (seconds) overrides the deadline.
    static func from(environment: [String: String]) -> HTTPLimits {
        var limits = HTTPLimits()
        if let v = environment["HFORGE_COORDINATOR_READ_TIMEOUT"], let d = Double(v), d > 0, d <= 3600 { limits.readTimeout = d }
        return limits
    }
}

/// One request: its head and (once read) its body.
struct HTTPRequest: Sendable {
    var method: String
    /// The request target as sent (path and query, still percent-encoded).
    var target: String
    var version: String
    /// Header names lower-cased, in the order sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8] = []

    /// The target's path, before any `?`.
    var path: String { target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target }

    /// The query's `name=value` pairs, percent-decoded.
    var query: [(name: String, value: String)] {
        guard let q = target.firstIndex(of: "?") else { return [] }
        return target[target.index(after: q)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].percentDecoded ?? String(parts[0])
            let value = parts.count > 1 ? (parts[1].percentDecoded ?? String(parts[1])) : ""
            return (name, value)
        }
    }

    /// Whether the connection stays open after the answer: HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        return version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
    }

    /// The first header of that (lower-case) name.
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    func headers(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
}

struct HTTPResponse: Sendable {
    var status: Int
    var contentType: String?
    var body: [UInt8]

    init(status: Int, contentType: String? = nil, body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array((value.jsonText + "\n").utf8))
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(status, .object(["error": .string(message)]))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }

    /// The bytes on the wire.
    func serialized(keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        // 1xx, 204 and 304 answers have no body and must not announce one.
        if status >= 200 && status != 204 && status != 304 { head += "Content-Length: \(body.count)\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}

protocol HTTPHandler: Sendable {
    /// Called as soon as a request's line and headers are read, before any
    /// byte of its body: a response here is sent at once and the connection
    /// closed (the token check, the draining state).
    func screen(_ head: HTTPRequest) -> HTTPResponse?
    /// The answer to a complete request.
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// Why a listener could not be set up (errno of the failed call).
struct HTTPServerError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// How many connections are being served, across listeners.
final class HTTPConnections: @unchecked Sendable {
    private let lock = Lock()
    private var open = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func acquire() -> Bool { lock.withLock { if open >= limit { return false }; open += 1; return true } }
    func release() { lock.withLock { open -= 1 } }
    var count: Int { lock.withLock { open } }
}

/// One listening socket (a Unix socket or loopback TCP) and the threads serving it.
final class HTTPServer: @unchecked Sendable {
    enum Address: Sendable {
        case unix(String)
        case loopback(port: UInt16)
    }

    let address: Address
    let limits: HTTPLimits
    let handler: any HTTPHandler
    let connections: HTTPConnections
    let log: CoordinatorLog
    private var listenFD: Int32 = -1
    /// Written to on `stop()`, to wake the accept loop out of poll.
    private var wake: [Int32] = [-1, -1]

    init(address: Address, limits: HTTPLimits, connections: HTTPConnections, handler: any HTTPHandler, log: CoordinatorLog) {
        self.address = address
        self.limits = limits
        self.connections = connections
        self.handler = handler
        self.log = log
    }

    /// Binds and listens (a Unix socket is made 0600), then accepts on a thread of its own.
    func start() throws(HTTPServerError) {
        let fd: Int32
        switch address {
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw HTTPServerError(call: "socket", code: errno) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); throw HTTPServerError(call: "bind \(path)", code: ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
                raw[bytes.count] = 0
            }
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if r != 0 { let e = errno; close(fd); throw HTTPServerError(call: "bind \(path)", code: e) }
            chmod(path, 0o600)
        case .loopback(let port):
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw HTTPServerError(call: "socket", code: errno) }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(port.bigEndian)
            addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r != 0 { let e = errno; close(fd); throw HTTPServerError(call: "bind 127.0.0.1:\(port)", code: e) }
        }
        guard listen(fd, 256) == 0 else { let e = errno; close(fd); throw HTTPServerError(call: "listen", code: e) }
        guard pipe(&wake) == 0 else { let e = errno; close(fd); throw HTTPServerError(call: "pipe", code: e) }
        for end in wake { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        listenFD = fd
        guard spawnThread(stackSize: 128 * 1024, { [self] in acceptLoop() }) else {
            close(fd)
            throw HTTPServerError(call: "pthread_create", code: EAGAIN)
        }
    }

    /// Stops accepting (connections being served go on).
    func stop() {
        guard wake[1] >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    private func acceptLoop() {
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
        while true {
            let r = poll(&fds, 2, -1)
            if r < 0 { if errno == EINTR { continue }; break }
            if fds[1].revents != 0 { break }
            guard fds[0].revents != 0 else { continue }
            // (accept4 with SOCK_CLOEXEC is not visible from Swift's Glibc module.)
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                switch errno {
                case EINTR, EAGAIN, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: usleep(20_000); continue // out of descriptors: let some close
                default: log.write("http: accept: \(String(cString: strerror(errno)))"); usleep(20_000); continue
                }
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            guard connections.acquire() else {
                refuse(client, .error(503, "too many connections (at most \(connections.limit)); try again"))
                continue
            }
            let started = spawnThread(stackSize: 256 * 1024) { [self] in
                var connection = HTTPConnection(fd: client, server: self)
                connection.serve()
                close(client)
                connections.release()
            }
            if !started {
                connections.release()
                refuse(client, .error(503, "cannot serve another connection now; try again"))
            }
        }
        close(listenFD)
        close(wake[0])
        close(wake[1])
    }

    /// A short answer from the accept loop, never blocking it, then close.
    private func refuse(_ fd: Int32, _ response: HTTPResponse) {
        let bytes = response.serialized(keepAlive: false)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }
}

/// Runs `body` on a new detached thread with a small stack; false when none can be made.
private func spawnThread(stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let r = pthread_create(&thread, &attributes, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box)
    if r != 0 { Unmanaged<Box>.fromOpaque(box).release(); return false }
    return true
}

/// Where a connection's bytes come from: the socket (`SocketSource`), or
/// bytes in memory (the fuzz harness, fuzz/, and the regression tests feed
/// the reader exactly as a client would, without a socket).
protocol HTTPByteSource {
    /// Waits (until `deadline`) for more bytes and appends them to `buffer`.
    mutating func fill(_ buffer: inout [UInt8], until deadline: UInt64) -> HTTPFill
}

/// What waiting for more bytes came to.
enum HTTPFill { case data, end, timeout, failed }

/// A connected socket, read with blocking reads under poll deadlines.
struct SocketSource: HTTPByteSource {
    let fd: Int32

    mutating func fill(_ buffer: inout [UInt8], until deadline: UInt64) -> HTTPFill {
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return .timeout }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(min(Int64(deadline - now) / 1_000_000 + 1, Int64(Int32.max)))
            let r = poll(&p, 1, ms)
            if r < 0 { if errno == EINTR { continue }; return .failed }
            if r == 0 { continue } // the deadline check above decides
            let n = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { chunk in
                let n = recv(fd, chunk.baseAddress, chunk.count, 0)
                if n > 0 { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<n])) }
                return n
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failed
            }
            return n == 0 ? .end : .data
        }
    }
}

/// Requests read through a bounded buffer, one after another (keep-alive):
/// every limit of `HTTPLimits` is decided before more is read.
struct HTTPRequestReader<Source: HTTPByteSource> {
    var source: Source
    let limits: HTTPLimits
    /// Bytes received and not yet consumed start at `start`.
    private(set) var buffer: [UInt8] = []
    private var start = 0

    init(source: Source, limits: HTTPLimits) {
        self.source = source
        self.limits = limits
    }

    /// What reading a request's head or body came to.
    enum Outcome {
        case request(HTTPRequest)
        /// Answer this, then close the connection without reading the rest.
        case refused(status: Int, message: String)
        /// The connection ended (or failed, or stayed idle): close it silently.
        case closed
    }

    /// Waits (until `deadline`) for more bytes and appends them.
    mutating func fill(until deadline: UInt64) -> HTTPFill {
        // Compact what earlier requests consumed, so the buffer holds one request.
        if start > 0 { buffer.removeFirst(start); start = 0 }
        return source.fill(&buffer, until: deadline)
    }

    /// A line, and how many bytes it took with its line end.
    enum Line { case line([UInt8], consumed: Int), tooLong, end, timeout, failed }

    /// The next line (CRLF or LF ended, without it) of at most `limit` bytes;
    /// `.tooLong` as soon as more than that arrived without a line end.
    mutating func readLine(limit: Int, until deadline: UInt64) -> Line {
        var scanned = start
        while true {
            if let lf = buffer[scanned...].firstIndex(of: 10) {
                var end = lf
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                guard end - start <= limit else { return .tooLong }
                let line = Array(buffer[start..<end])
                let consumed = lf + 1 - start
                start = lf + 1
                return .line(line, consumed: consumed)
            }
            // A CR that may be followed by the LF still counts as a line end.
            guard buffer.count - start <= limit + 1 else { return .tooLong }
            let offset = buffer.count - start
            switch fill(until: deadline) {
            case .data: scanned = start + offset
            case .end: return .end
            case .timeout: return .timeout
            case .failed: return .failed
            }
        }
    }


    /// The request line and headers, within the limits.
    mutating func readRequest(until deadline: UInt64) -> Outcome {
        // Before a request, empty lines are ignored (RFC 9112 §2.2), a few of them.
        var requestLine: [UInt8] = []
        for _ in 0..<4 {
            switch readLine(limit: limits.requestLine, until: deadline) {
            case .line(let l, _) where l.isEmpty: continue
            case .line(let l, _): requestLine = l
            case .tooLong:
                return .refused(status: 414, message: "the request line is longer than \(limits.requestLine) bytes")
            case .timeout:
                // An idle connection just closes; a request begun and not finished gets 408.
                if buffer.count > start { return .refused(status: 408, message: "the request did not arrive within \(Self.seconds(limits.readTimeout))") }
                return .closed
            case .end, .failed: return .closed
            }
            break
        }
        guard !requestLine.isEmpty else { return .refused(status: 400, message: "no request line") }
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, let method = String(validating: parts[0], as: UTF8.self), let target = String(validating: parts[1], as: UTF8.self),
              let version = String(validating: parts[2], as: UTF8.self), !method.isEmpty,
              method.utf8.allSatisfy({ (65...90).contains($0) }), target.hasPrefix("/"),
              target.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            return .refused(status: 400, message: "not an HTTP request line")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return version.hasPrefix("HTTP/") ? .refused(status: 505, message: "only HTTP/1.1 and HTTP/1.0 are spoken here")
                : .refused(status: 400, message: "not an HTTP request line")
        }
        var headers: [(name: String, value: String)] = []
        var headerBytes = 0
        while true {
            let remaining = limits.headerBytes - headerBytes
            guard remaining > 0 else { return .refused(status: 431, message: "the headers are larger than \(limits.headerBytes) bytes") }
            switch readLine(limit: remaining, until: deadline) {
            case .line(let l, let consumed):
                headerBytes += consumed
                if l.isEmpty { return .request(HTTPRequest(method: method, target: target, version: version, headers: headers)) }
                guard headers.count < limits.headerLines else { return .refused(status: 431, message: "more than \(limits.headerLines) header lines") }
                guard headerBytes <= limits.headerBytes else { return .refused(status: 431, message: "the headers are larger than \(limits.headerBytes) bytes") }
                guard let colon = l.firstIndex(of: 58), colon > 0, l[0] != 32, l[0] != 9,
                      l[..<colon].allSatisfy({ $0 > 32 && $0 < 127 }),
                      let name = String(validating: l[..<colon], as: UTF8.self),
                      let value = String(validating: l[(colon + 1)...], as: UTF8.self) else {
                    return .refused(status: 400, message: "a malformed header line")
                }
                headers.append((name.lowercased(), value.trimmed()))
            case .tooLong: return .refused(status: 431, message: "the headers are larger than \(limits.headerBytes) bytes")
            case .timeout: return .refused(status: 408, message: "the request did not arrive within \(Self.seconds(limits.readTimeout))")
            case .end, .failed: return .closed
            }
        }
    }

    /// The body announced by Content-Length (at most the limit, decided
    /// before reading it).
    mutating func readBody(of head: HTTPRequest, until deadline: UInt64) -> Outcome {
        var request = head
        if let coding = request.header("transfer-encoding") {
            return coding.lowercased().contains("chunked")
                ? .refused(status: 411, message: "chunked request bodies are not accepted; send Content-Length")
                : .refused(status: 501, message: "transfer coding '\(coding)' is not supported; send Content-Length")
        }
        let lengths = Set(request.headers("content-length").flatMap { $0.split(separator: ",").map { $0.trimmingPrefix(" ") } }.map(String.init))
        var length = 0
        if !lengths.isEmpty {
            guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
                return .refused(status: 400, message: "a malformed Content-Length")
            }
            guard text.count <= 10, let n = Int(text), n <= limits.body else {
                return .refused(status: 413, message: "the body is larger than \(limits.body) bytes")
            }
            length = n
        }
        while buffer.count - start < length {
            switch fill(until: deadline) {
            case .data: continue
            case .timeout: return .refused(status: 408, message: "the request did not arrive within \(Self.seconds(limits.readTimeout))")
            case .end, .failed: return .closed
            }
        }
        request.body = Array(buffer[start..<(start + length)])
        start += length
        return .request(request)
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}

/// One client connection: requests read through the bounded reader, one
/// after another (keep-alive), each answered before the next is read.
private struct HTTPConnection {
    let fd: Int32
    let server: HTTPServer
    var limits: HTTPLimits { server.limits }
    private var reader: HTTPRequestReader<SocketSource>

    init(fd: Int32, server: HTTPServer) {
        self.fd = fd
        self.server = server
        reader = HTTPRequestReader(source: SocketSource(fd: fd), limits: server.limits)
    }

    func send(_ response: HTTPResponse, keepAlive: Bool) {
        let bytes = response.serialized(keepAlive: keepAlive)
        // A client that does not read its answer cannot hold the thread forever.
        var tv = timeval(tv_sec: Int(limits.readTimeout), tv_usec: Int((limits.readTimeout - Double(Int(limits.readTimeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return }
            sent += n
        }
    }

    /// A refusal: the answer, then the connection closes without reading the rest.
    func refuse(_ status: Int, _ message: String) {
        send(.error(status, message), keepAlive: false)
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The request, or nil when the connection is done (a refusal has then been sent).
    func request(_ outcome: HTTPRequestReader<SocketSource>.Outcome) -> HTTPRequest? {
        switch outcome {
        case .request(let request): return request
        case .refused(let status, let message): refuse(status, message); return nil
        case .closed: return nil
        }
    }

    mutating func serve() {
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(limits.readTimeout * 1e9)
            guard let request = request(reader.readRequest(until: deadline)) else { return }
            if let refusal = server.handler.screen(request) {
                send(refusal, keepAlive: false)
                shutdown(fd, Int32(SHUT_WR))
                return
            }
            guard let request = self.request(reader.readBody(of: request, until: deadline)) else { return }
            let response = Self.respond(server.handler, request)
            send(response, keepAlive: request.keepAlive)
            if !request.keepAlive { shutdown(fd, Int32(SHUT_WR)); return }
        }
    }

    /// The handler's answer, waited for on this (non-cooperative) thread.
    static func respond(_ handler: any HTTPHandler, _ request: HTTPRequest) -> HTTPResponse {
        final class Slot: @unchecked Sendable { var response: HTTPResponse? }
        let slot = Slot()
        let done = DispatchSemaphore(value: 0)
        Task {
            slot.response = await handler.respond(to: request)
            done.signal()
        }
        done.wait()
        return slot.response ?? .error(500, "no answer")
    }
}
