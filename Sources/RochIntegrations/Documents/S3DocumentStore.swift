import Foundation

/// Documents in an S3-compatible bucket (`DOCUMENTS_URL=s3://BUCKET/PREFIX?region=ap-south-1&endpoint=https://...`),
/// signed by libcurl's built-in AWS SigV4 through the one HTTP client, streamed from and to files.
/// A put sends `If-None-Match: *` (S3 then refuses to replace an existing key) and the body's
/// SHA-256 as `x-amz-content-sha256` (AWS refuses a body that does not match it); S3 makes an
/// object visible only once its whole body has arrived. Network failures and 5xx are retried.
public struct S3DocumentStore: DocumentStore {
    /// Where the bucket is and the keys that may write to it.
    public struct Settings: Sendable, Equatable {
        public var bucket: String
        /// Prepended to every key ("" or ending in "/").
        public var prefix: String
        public var region: String
        /// An S3-compatible service's base URL (path-style requests); nil for AWS itself.
        public var endpoint: String?
        public var accessKeyID: String
        public var secretAccessKey: String

        public init(bucket: String, prefix: String, region: String, endpoint: String?, accessKeyID: String, secretAccessKey: String) {
            self.bucket = bucket
            self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
            self.region = region
            self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
        }
    }

    public let settings: Settings
    public let client: HTTPClient
    public let retry: RetryPolicy
    /// Told about each failed attempt that will be retried (attempt number from 1, the error): for logs and tests.
    public let onRetry: (@Sendable (Int, DocumentStoreError) -> Void)?

    public init(settings: Settings, client: HTTPClient = HTTPClient(totalTimeout: .seconds(120)),
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4), onRetry: (@Sendable (Int, DocumentStoreError) -> Void)? = nil) {
        self.settings = settings
        self.client = client
        self.retry = retry
        self.onRetry = onRetry
    }

    public var location: String { "s3://\(settings.bucket)/\(settings.prefix)" }

    /// Path-style on a given endpoint (what S3-compatible services expect), virtual-hosted on AWS.
    func url(for key: String) -> String {
        if let endpoint = settings.endpoint { return "\(endpoint)/\(settings.bucket)/\(settings.prefix)\(key)" }
        return "https://\(settings.bucket).s3.\(settings.region).amazonaws.com/\(settings.prefix)\(key)"
    }

    private var signing: AWSSigV4 {
        AWSSigV4(accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey, region: settings.region, service: "s3")
    }

    public func putBlocking(key: String, file: String, sha256: String, size: Int64, contentType: String) throws(DocumentStoreError) {
        try DocumentKey.validate(key)
        let request = HTTPRequest(method: "PUT", url: url(for: key), headers: [
            ("Content-Type", contentType), ("x-amz-content-sha256", sha256), ("If-None-Match", "*"),
        ], bodyFile: FileBody(path: file, size: size, sha256: sha256), signing: signing)
        var attempt = 1
        var response: HTTPResponse
        while true {
            do {
                response = try interpret(Result { () throws(HTTPClientError) in try client.send(request) })
                break
            } catch where error.kind == .unavailable && attempt < retry.maxAttempts {
                onRetry?(attempt, error)
                let wait = retry.delay(beforeRetry: attempt).components
                Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) / 1e18)
                attempt += 1
            }
        }
        switch response.status {
        case 200..<300: return
        case 412: throw DocumentStoreError(.alreadyExists, "\(key) already exists in \(location); documents are never replaced")
        default: throw failure(response, key: key, doing: "storing")
        }
    }

    public func get(key: String, to destination: String) async throws(DocumentStoreError) {
        try DocumentKey.validate(key)
        let request = HTTPRequest(method: "GET", url: url(for: key), headers: [("x-amz-content-sha256", Self.emptyPayloadSHA256)], signing: signing)
        let temporary = destination + ".partial"
        defer { unlink(temporary) }
        let response = try await attempts(key) { () async throws(DocumentStoreError) in
            try await self.exchange { () async throws(HTTPClientError) in try await self.client.download(request, to: temporary) }
        }
        switch response.status {
        case 200..<300:
            guard rename(temporary, destination) == 0 else {
                throw DocumentStoreError(.io, "cannot write \(destination): \(String(cString: strerror(errno)))")
            }
        case 404: throw DocumentStoreError(.notFound, "\(key) is not in \(location)")
        default: throw failure(response, key: key, doing: "fetching")
        }
    }

    /// SHA-256 of no bytes: what a GET signs as its payload.
    static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// One exchange; a network failure becomes `.unavailable`, a 5xx or 429 answer too (both retried).
    private func exchange(_ send: () async throws(HTTPClientError) -> HTTPResponse) async throws(DocumentStoreError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPClientError>
        do throws(HTTPClientError) { result = .success(try await send()) } catch { result = .failure(error) }
        return try interpret(result)
    }

    private func interpret(_ result: Result<HTTPResponse, HTTPClientError>) throws(DocumentStoreError) -> HTTPResponse {
        let response: HTTPResponse
        switch result {
        case .success(let r): response = r
        case .failure(let error):
            if error.kind == .bodyFile { throw DocumentStoreError(.checksumMismatch, "\(error.message); nothing was stored") }
            throw DocumentStoreError(.unavailable, "\(location) could not be reached: \(error.message)")
        }
        if response.status >= 500 || response.status == 429 {
            throw DocumentStoreError(.unavailable, "\(location) answered \(response.status) \(Self.s3Error(response) ?? "")")
        }
        return response
    }

    private func attempts(_ key: String, _ operation: @escaping () async throws(DocumentStoreError) -> HTTPResponse) async throws(DocumentStoreError) -> HTTPResponse {
        do {
            return try await retry.run({ _ in try await operation() }, decide: { error, attempt in
                guard let error = error as? DocumentStoreError, error.kind == .unavailable else { return nil }
                onRetry?(attempt, error)
                return .zero
            })
        } catch let error as DocumentStoreError {
            throw error
        } catch {
            throw DocumentStoreError(.unavailable, "\(key): \(error)")
        }
    }

    private func failure(_ response: HTTPResponse, key: String, doing: String) -> DocumentStoreError {
        let detail = Self.s3Error(response) ?? response.bodyText.prefix(200).description
        if response.status == 403 || response.status == 401 {
            return DocumentStoreError(.accessDenied, "\(location) refused \(doing) \(key) (\(response.status) \(detail)): check S3_ACCESS_KEY_ID, "
                                      + "S3_SECRET_ACCESS_KEY and the key's permissions on bucket \(settings.bucket)")
        }
        return DocumentStoreError(.unavailable, "\(location) answered \(response.status) \(doing) \(key): \(detail)")
    }

    /// "SignatureDoesNotMatch: The request signature we calculated does not match..." from S3's XML error.
    static func s3Error(_ response: HTTPResponse) -> String? {
        let text = response.bodyText
        func element(_ name: String) -> String? {
            guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else { return nil }
            return text[start.upperBound..<end.lowerBound].replacingOccurrences(of: "<![CDATA[", with: "").replacingOccurrences(of: "]]>", with: "")
        }
        guard let code = element("Code") else { return nil }
        return element("Message").map { "\(code): \($0)" } ?? code
    }
}
