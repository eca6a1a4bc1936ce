import HyperforgeCore
@testable import HyperforgeCoordinator

/// The coordinator's HTTP/1.1 request reader, fed from bytes as a client
/// would send them. The first byte chooses how the rest arrives: bits 0-3
/// the size of each read (1 byte to 16 KiB), bit 4 whether the client then
/// stalls (timeout) rather than closes, bit 5 small limits (so that inputs
/// of a few hundred bytes reach every limit). Requests are read one after
/// another as the connection would (keep-alive), each checked against the
/// limits it was read under; every refusal is a status the server documents.
enum HTTPTarget {
    static let readSizes = [1, 2, 3, 5, 8, 13, 21, 64, 100, 256, 1000, 1024, 4096, 8192, 16384, 7]

    struct Bytes: HTTPByteSource {
        let bytes: [UInt8]
        let readSize: Int
        let stalls: Bool
        var offset = 1

        mutating func fill(_ buffer: inout [UInt8], until deadline: UInt64) -> HTTPFill {
            guard offset < bytes.count else { return stalls ? .timeout : .end }
            let end = min(bytes.count, offset + readSize)
            buffer.append(contentsOf: bytes[offset..<end])
            offset = end
            return .data
        }
    }

    static let small = HTTPLimits(requestLine: 64, headerBytes: 256, headerLines: 8, body: 128, connections: 4, readTimeout: 1)
    static let documented: Set<Int> = [400, 408, 411, 413, 414, 431, 501, 505]

    static func run(_ data: [UInt8]) {
        guard let control = data.first else { return }
        let source = Bytes(bytes: data, readSize: readSizes[Int(control & 0x0F)], stalls: control & 0x10 != 0)
        let limits = control & 0x20 != 0 ? small : HTTPLimits()
        var reader = HTTPRequestReader(source: source, limits: limits)
        let bound = limits.requestLine + limits.headerBytes + limits.body + 2 * source.readSize + 8
        for _ in 0..<64 {
            let head: HTTPRequest
            switch reader.readRequest(until: .max) {
            case .request(let r): head = r
            case .refused(let status, let message): refused(status, message); return
            case .closed: return
            }
            check(head.target.utf8.count <= limits.requestLine, "a \(head.target.utf8.count)-byte target under a \(limits.requestLine)-byte request line limit")
            check(head.headers.count <= limits.headerLines, "\(head.headers.count) headers under a limit of \(limits.headerLines)")
            check(head.target.hasPrefix("/") && !head.method.isEmpty, "request line \(head.method) \(head.target)")
            _ = Router.constantTimeEqual(Array((head.header("authorization") ?? "").utf8), Array("Bearer 0123456789abcdef".utf8))
            let request: HTTPRequest
            switch reader.readBody(of: head, until: .max) {
            case .request(let r): request = r
            case .refused(let status, let message): refused(status, message); return
            case .closed: return
            }
            check(request.body.count <= limits.body, "a \(request.body.count)-byte body under a limit of \(limits.body)")
            check(reader.buffer.count <= bound, "the reader holds \(reader.buffer.count) bytes, more than its limits allow (\(bound))")
            _ = request.path.split(separator: "/").map { $0.percentDecoded ?? String($0) }
            _ = request.query
            let response = HTTPResponse.json(200, .object(["path": .string(request.path)]))
            _ = response.serialized(keepAlive: request.keepAlive)
            if !request.keepAlive { return }
        }
    }

    static func refused(_ status: Int, _ message: String) {
        check(documented.contains(status), "refused with undocumented status \(status): \(message)")
        check(HTTPResponse.reason(status) != "Status \(status)", "status \(status) has no reason phrase")
        _ = HTTPResponse.error(status, message).serialized(keepAlive: false)
    }
}
