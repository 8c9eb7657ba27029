import Foundation

/// Creates, fetches and cancels Razorpay Payment Links (HTTP Basic auth with the API key).
public struct RazorpayClient: Sendable {
    public struct Configuration: Sendable {
        public var apiBase: String
        public var keyID: String
        public var keySecret: String
        public var retry: RetryPolicy

        public init(apiBase: String = "https://api.razorpay.com", keyID: String, keySecret: String, retry: RetryPolicy = RetryPolicy()) {
            self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
            self.keyID = keyID
            self.keySecret = keySecret
            self.retry = retry
        }
    }

    public var configuration: Configuration
    public var http: HTTPClient

    public init(configuration: Configuration, http: HTTPClient = HTTPClient()) {
        self.configuration = configuration
        self.http = http
    }

    /// Creates the link. When Razorpay says this reference_id was already attempted (a retry
    /// after a lost response), returns the existing link for it instead of failing.
    public func createPaymentLink(_ request: PaymentLinkRequest) async throws(RazorpayError) -> PaymentLink {
        let body: [UInt8]
        do { body = try ProviderJSON.encode(request) } catch {
            throw RazorpayError(kind: .malformedResponse, message: "could not encode the request: \(error)")
        }
        do {
            return try await call("POST", "/v1/payment_links", body: body)
        } catch where error.isReferenceIDAlreadyUsed {
            if let existing = try await paymentLink(referenceID: request.referenceID) { return existing }
            throw error
        }
    }

    /// `GET /v1/payment_links/{id}`.
    public func fetchPaymentLink(id: String) async throws(RazorpayError) -> PaymentLink {
        try await call("GET", "/v1/payment_links/\(Self.pathComponent(id))")
    }

    /// `POST /v1/payment_links/{id}/cancel`; only links in `created` can be cancelled (Razorpay
    /// refuses partly paid, paid, expired and cancelled ones with a 400).
    public func cancelPaymentLink(id: String) async throws(RazorpayError) -> PaymentLink {
        try await call("POST", "/v1/payment_links/\(Self.pathComponent(id))/cancel", body: [])
    }

    /// The link created with this reference_id, if any (`GET /v1/payment_links?reference_id=`).
    public func paymentLink(referenceID: String) async throws(RazorpayError) -> PaymentLink? {
        let query = Self.queryValue(referenceID)
        let collection: PaymentLinkCollection = try await call("GET", "/v1/payment_links?reference_id=\(query)")
        return collection.paymentLinks.first { $0.referenceID == referenceID }
    }

    /// `GET /v1/payments?count=1`: a read-only call that proves the key id and secret are accepted.
    public func checkCredentials() async throws(RazorpayError) {
        struct Collection: Decodable { var entity: String? }
        let _: Collection = try await call("GET", "/v1/payments?count=1")
    }

    func call<T: Decodable>(_ method: String, _ path: String, body: [UInt8]? = nil,
                            extraHeaders: [(name: String, value: String)] = []) async throws(RazorpayError) -> T {
        let credentials = Data("\(configuration.keyID):\(configuration.keySecret)".utf8).base64EncodedString()
        var headers: [(name: String, value: String)] = [("Authorization", "Basic \(credentials)"), ("Accept", "application/json")] + extraHeaders
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: configuration.apiBase + path, headers: headers, body: body ?? [])
        let policy = configuration.retry
        do {
            return try await policy.run({ _ in try await attempt(request) }, decide: { error, _ in
                guard let error = error as? RazorpayError, error.isRetryable else { return nil }
                if case .network(let kind) = error.kind, !policy.retriesNetworkErrors.contains(kind) { return nil }
                return .zero
            })
        } catch let error as RazorpayError {
            throw error
        } catch {
            throw RazorpayError(kind: .network(.other), message: "\(error)")
        }
    }

    private func attempt<T: Decodable>(_ request: HTTPRequest) async throws(RazorpayError) -> T {
        let response: HTTPResponse
        do { response = try await http.send(request) } catch {
            throw RazorpayError(kind: .network(error.kind), message: error.message)
        }
        if (200..<300).contains(response.status) {
            do { return try ProviderJSON.decode(T.self, from: response.body) } catch {
                throw RazorpayError(kind: .malformedResponse, httpStatus: response.status, message: "unreadable response: \(error)")
            }
        }
        if let envelope = try? ProviderJSON.decode(RazorpayErrorEnvelope.self, from: response.body) {
            let e = envelope.error
            throw RazorpayError(kind: .api, httpStatus: response.status, code: e.code, message: e.description,
                                field: e.field, source: e.source, step: e.step, reason: e.reason)
        }
        throw RazorpayError(kind: .http, httpStatus: response.status, message: String(response.bodyText.prefix(200)))
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }

    private static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }
}
