import CCurlLoader
import FoundationEssentials
import Glibc

/// A small synchronous HTTP client over libcurl (loaded on first use). For
/// the REST APIs hyperforge talks to: bodies are JSON, credentials travel in
/// headers only, and nothing here ever logs a header or a body. TLS
/// verification of peer and host is always on; proxies come from the
/// caller's environment by curl's rules (`Options.from(environment:url:)`),
/// never from libcurl's own look at the process environment.
public enum HTTP {
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        /// The final response's header fields, in order, names as sent.
        public var headers: [(name: String, value: String)] = []

        public init(status: Int, body: Data, headers: [(name: String, value: String)] = []) {
            self.status = status
            self.body = body
            self.headers = headers
        }

        public func json() -> JSONValue? { try? JSONParser.parse(Array(body), file: "response") }

        /// The first header named `name` (any case), nil when absent.
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first(where: { $0.name.lowercased() == lower })?.value
        }

        /// Every value of `name`, in order.
        public func headerValues(_ name: String) -> [String] {
            let lower = name.lowercased()
            return headers.filter { $0.name.lowercased() == lower }.map(\.value)
        }
    }

    /// Why no response came back.
    public enum FailureKind: Sendable, Equatable {
        /// Could not resolve or connect: nothing was sent.
        case connect
        case timeout
        /// The connection broke after (part of) the request went out.
        case reset
        /// TLS handshake or certificate verification failed.
        case tls
        case other
    }

    public struct Failure: HyperforgeError {
        public let url: String
        public let reason: String
        public var kind: FailureKind = .other
        /// Whether (part of) the request was sent before it failed.
        public var sent: Bool = true
        public var exitStatus: ExitStatus { .environment }
        public var description: String { "\(url): \(reason)" }
    }

    /// What an exchange may use besides its URL.
    public struct Options: Sendable, Equatable {
        /// PEM file of the certificate authorities to trust (curl's `CURL_CA_BUNDLE`); nil: the system's.
        public var caBundle: String?
        /// Proxy URL; nil: none.
        public var proxy: String?
        /// Hosts that bypass the proxy (curl's `no_proxy` syntax).
        public var noProxy: String?
        public var connectTimeout: Int = 10

        public init(caBundle: String? = nil, proxy: String? = nil, noProxy: String? = nil, connectTimeout: Int = 10) {
            self.caBundle = caBundle
            self.proxy = proxy
            self.noProxy = noProxy
            self.connectTimeout = connectTimeout
        }

        /// The options curl(1) would take from `environment` for `url`:
        /// `CURL_CA_BUNDLE`; `http_proxy` (lowercase only, as curl) for http,
        /// `https_proxy`/`HTTPS_PROXY` for https, else `all_proxy`/`ALL_PROXY`;
        /// `no_proxy`/`NO_PROXY`.
        public static func from(environment env: [String: String], url: String) -> Options {
            func value(_ names: String...) -> String? {
                for n in names { if let v = env[n], !v.isEmpty { return v } }
                return nil
            }
            let https = url.lowercased().hasPrefix("https:")
            let proxy = (https ? value("https_proxy", "HTTPS_PROXY") : value("http_proxy")) ?? value("all_proxy", "ALL_PROXY")
            return Options(caBundle: value("CURL_CA_BUNDLE"), proxy: proxy, noProxy: value("no_proxy", "NO_PROXY"))
        }
    }

    public static func request(_ method: String, _ url: String, headers: [String] = [], body: Data? = nil,
                               timeout: Int = 30, maxBody: Int = 16 << 20, options: Options? = nil) throws -> Response {
        var response = hf_http_response()
        // A body goes at once (no "Expect: 100-continue" round trip).
        let all = body == nil ? headers : headers + ["Expect:"]
        let cHeaders = all.map { strdup($0) }
        defer { cHeaders.forEach { free($0) } }
        let o = options ?? Options()
        let rc: Int32 = withOptionalCString(o.caBundle) { ca in
            withOptionalCString(o.proxy) { proxy in
                withOptionalCString(o.noProxy) { noProxy in
                    var cOptions = hf_http_options(ca_bundle: ca, proxy: proxy, no_proxy: noProxy, connect_timeout_seconds: o.connectTimeout)
                    return cHeaders.map { UnsafePointer<CChar>($0!) }.withUnsafeBufferPointer { headerBuffer in
                        if let body {
                            return body.withUnsafeBytes { raw in
                                hf_http_exchange(method, url, headerBuffer.baseAddress, all.count,
                                                 raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, timeout, maxBody, &cOptions, &response)
                            }
                        }
                        return hf_http_exchange(method, url, headerBuffer.baseAddress, all.count, nil, 0, timeout, maxBody, &cOptions, &response)
                    }
                }
            }
        }
        defer { hf_http_response_free(&response) }
        guard rc == 0 else {
            let reason = withUnsafeBytes(of: response.error) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let kind: FailureKind
            switch response.failure {
            case Int32(HF_HTTP_CONNECT): kind = .connect
            case Int32(HF_HTTP_TIMEOUT): kind = .timeout
            case Int32(HF_HTTP_RESET): kind = .reset
            case Int32(HF_HTTP_TLS): kind = .tls
            default: kind = .other
            }
            throw Failure(url: url, reason: reason, kind: kind, sent: response.sent != 0)
        }
        let data = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        var fields: [(name: String, value: String)] = []
        if let raw = response.headers {
            let text = String(decoding: UnsafeRawBufferPointer(start: raw, count: response.headers_length), as: UTF8.self)
            for line in text.split(separator: "\n") {
                var l = Substring(line)
                if l.hasSuffix("\r") { l = l.dropLast() }
                guard let colon = l.firstIndex(of: ":"), !l.hasPrefix("HTTP/") else { continue }
                let name = String(l[..<colon])
                let value = String(l[l.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
                fields.append((name, value))
            }
        }
        return Response(status: response.status, body: data, headers: fields)
    }

    private static func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let s else { return body(nil) }
        return s.withCString { body($0) }
    }
}
