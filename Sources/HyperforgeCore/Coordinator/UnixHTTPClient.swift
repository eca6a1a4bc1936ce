import Glibc

/// A minimal HTTP/1.1 client for the coordinator's own API, over its Unix
/// socket (or TCP on loopback): one request per connection, `Content-Length`
/// bodies, JSON. Written by hand because it only ever talks to our server
/// and must cost well under a millisecond (loading libcurl costs more).
public struct HTTPExchange: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var json: JSONValue? { body.isEmpty ? nil : try? JSONParser.parse(body) }
}

public enum HTTPTarget: Sendable {
    case unix(String)
    case tcp(host: String, port: UInt16)
}

public enum UnixHTTPClient {
    public enum Failure: Error, Sendable {
        case connect(Int32)
        case io(String)
    }

    public static func send(_ target: HTTPTarget, method: String, path: String, body: [UInt8] = [], headers: [String: String] = [:],
                            timeout: Double = 5) throws(Failure) -> HTTPExchange {
        let fd: Int32
        switch target {
        case .unix(let socketPath):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .connect(errno) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(socketPath.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); throw .connect(ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
                raw[bytes.count] = 0
            }
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if r != 0 { let e = errno; close(fd); throw .connect(e) }
        case .tcp(let host, let port):
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .connect(errno) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(port.bigEndian)
            inet_pton(AF_INET, host, &addr.sin_addr)
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r != 0 { let e = errno; close(fd); throw .connect(e) }
        }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))

        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        var request = Array(head.utf8)
        request += body
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; throw .io("sending: \(String(cString: strerror(errno)))") }
            sent += n
        }
        // Read until the headers and Content-Length bytes of body have arrived (or EOF).
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        var headerEnd: Int?
        var expected: Int?
        while true {
            if let h = headerEnd, let e = expected, response.count >= h + e { break }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(errno == EAGAIN || errno == EWOULDBLOCK ? "no answer within \(timeout) s" : "reading: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            response += buffer[0..<n]
            if headerEnd == nil, let range = find(response, [13, 10, 13, 10]) {
                headerEnd = range + 4
                let text = String(decoding: response[0..<range], as: UTF8.self).lowercased()
                for line in text.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    expected = Int(String(line.dropFirst("content-length:".count)).trimmed())
                }
                if expected == nil { expected = Int.max / 2 } // read to EOF
            }
        }
        guard let h = headerEnd else { throw .io("the connection closed before a complete answer") }
        let statusLine = String(decoding: response.prefix(while: { $0 != 13 }), as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw .io("not an HTTP answer: \(statusLine.prefix(60))") }
        let end = expected.map { min(response.count, h + $0) } ?? response.count
        return HTTPExchange(status: status, body: Array(response[h..<end]))
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        outer: for i in 0...(haystack.count - needle.count) {
            for j in 0..<needle.count where haystack[i + j] != needle[j] { continue outer }
            return i
        }
        return nil
    }
}
