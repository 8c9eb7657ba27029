/// An outbound HTTP request: method, URL, headers and body bytes.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete HTTP response as received: status, headers of the final response, body bytes.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A request that never produced an HTTP response (network, TLS, timeout).
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout, connectionFailed, tls, other
    }

    public var kind: Kind
    /// libcurl's message (from CURLOPT_ERRORBUFFER or curl_easy_strerror).
    public var message: String
    /// The libcurl result code, for logs.
    public var curlCode: Int

    public init(kind: Kind, message: String, curlCode: Int = 0) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
    }

    public var description: String { "HTTP request failed (\(kind.rawValue)): \(message)" }
}
