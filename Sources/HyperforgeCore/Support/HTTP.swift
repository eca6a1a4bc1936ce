import CCurlLoader
import FoundationEssentials
import Glibc

/// A small synchronous HTTP client over libcurl (loaded on first use). For
/// the REST APIs hyperforge talks to: bodies are JSON, credentials travel in
/// headers only, and nothing here ever logs a header or a body.
public enum HTTP {
    public struct Response: Sendable {
        public var status: Int
        public var body: Data

        public func json() -> JSONValue? { try? JSONParser.parse(Array(body), file: "response") }
    }

    public struct Failure: HyperforgeError {
        public let url: String
        public let reason: String
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "\(url): \(reason)" }
    }

    public static func request(_ method: String, _ url: String, headers: [String] = [], body: Data? = nil,
                               timeout: Int = 30, maxBody: Int = 16 << 20) throws -> Response {
        var response = hf_http_response()
        let cHeaders = headers.map { strdup($0) }
        defer { cHeaders.forEach { free($0) } }
        let rc: Int32 = cHeaders.map { UnsafePointer<CChar>($0!) }.withUnsafeBufferPointer { headerBuffer in
            if let body {
                return body.withUnsafeBytes { raw in
                    hf_http_request(method, url, headerBuffer.baseAddress, headers.count,
                                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, timeout, maxBody, &response)
                }
            }
            return hf_http_request(method, url, headerBuffer.baseAddress, headers.count, nil, 0, timeout, maxBody, &response)
        }
        defer { hf_http_response_free(&response) }
        guard rc == 0 else {
            let reason = withUnsafeBytes(of: response.error) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw Failure(url: url, reason: reason)
        }
        let data = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        return Response(status: response.status, body: data)
    }
}
