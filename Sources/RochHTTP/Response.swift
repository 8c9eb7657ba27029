import Foundation

/// What a function answers: a status, headers and either bytes or a stream (Server-Sent Events).
public struct Response: Sendable {
    public var status: Int
    public var headers: Headers
    public var body: Body

    public enum Body: Sendable {
        case bytes([UInt8])
        /// A streamed body. The runtime calls the closure with a writer and flushes every write
        /// to the client at once; the stream ends when the closure returns or throws. Under FastCGI
        /// and `roch serve` the closure runs on the connection's event loop: it may await, never block.
        case stream(@Sendable (StreamWriter) async throws -> Void)
    }

    public init(status: Int = 200, headers: Headers = Headers(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: Headers([("Content-Type", contentType)]), body: .bytes(body))
    }

    public var bodyBytes: [UInt8] {
        if case .bytes(let b) = body { return b }
        return []
    }
}

/// Where a streaming response writes its chunks. Each write is flushed towards the client at once;
/// it returns without waiting for the client unless the client has fallen behind (back-pressure).
public protocol StreamWriter: Sendable {
    func write(_ bytes: [UInt8]) async throws
    /// True once the client has gone away; long streams check it between events.
    var isClosed: Bool { get }
}

/// A function: turns a request into a response. The same value runs under every runtime.
public typealias Handler = @Sendable (Request) async throws -> Response

/// Standard reason phrases for the statuses we send.
public enum HTTPStatus {
    public static func reason(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(code)"
        }
    }
}
