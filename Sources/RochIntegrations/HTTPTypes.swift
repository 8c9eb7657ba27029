/// An outbound HTTP request: method, URL, headers and body bytes.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// A body streamed from a file instead of `body` (uploads of documents).
    public var bodyFile: FileBody?
    /// Signs the request with AWS Signature Version 4 (libcurl's own CURLOPT_AWS_SIGV4).
    public var signing: AWSSigV4?

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                bodyFile: FileBody? = nil, signing: AWSSigV4? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bodyFile = bodyFile
        self.signing = signing
    }
}

/// A request body read from a file while it is sent. The bytes are hashed as they go out: if they
/// do not add up to `size` bytes with SHA-256 `sha256` (the file changed since it was hashed), the
/// transfer is aborted before its last byte, so the server never receives a complete body.
public struct FileBody: Sendable {
    public var path: String
    public var size: Int64
    /// Lowercase hex.
    public var sha256: String

    public init(path: String, size: Int64, sha256: String) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}

/// AWS Signature Version 4 credentials and scope, e.g. region "ap-south-1", service "s3".
public struct AWSSigV4: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var region: String
    public var service: String

    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// libcurl's CURLOPT_AWS_SIGV4 parameter.
    var curlProvider: String { "aws:amz:\(region):\(service)" }
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
        /// A `FileBody` could not be read, or its bytes no longer match its size and SHA-256.
        case bodyFile
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
