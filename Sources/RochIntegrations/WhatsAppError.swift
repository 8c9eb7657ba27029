/// A failed WhatsApp Cloud API send, classified by Meta's error `code` (not the HTTP status).
public struct WhatsAppError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No HTTP response: timeout, refused connection, TLS.
        case network(HTTPClientError.Kind)
        /// Meta answered with an error object.
        case api
        /// An HTTP error without a Graph error object (e.g. a proxy's 502 page).
        case http
        /// 2xx with a body we could not read.
        case malformedResponse
    }

    public var kind: Kind
    public var httpStatus: Int?
    /// Graph API `error.code` (131056, 190, ...).
    public var code: Int?
    public var message: String
    public var type: String?
    /// `error.error_data.details`.
    public var details: String?
    public var fbtraceID: String?

    public init(kind: Kind, httpStatus: Int? = nil, code: Int? = nil, message: String, type: String? = nil,
                details: String? = nil, fbtraceID: String? = nil) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.type = type
        self.details = details
        self.fbtraceID = fbtraceID
    }

    /// Codes that succeed later when sent again unchanged.
    public static let retryableCodes: Set<Int> = [
        1, 2,       // API unknown / API service: temporary
        4, 80007,   // application and WABA rate limits
        130429,     // throughput reached
        131056,     // pair rate limit (same sender and recipient)
        131057,     // account in maintenance mode
        133004,     // server temporarily unavailable
    ]

    /// Whether trying again later can succeed. Undeliverable numbers, bad tokens, parameter
    /// mismatches and the 24-hour window are permanent.
    public var isRetryable: Bool {
        switch kind {
        case .network: return true
        case .malformedResponse: return false
        case .http: return (httpStatus ?? 0) >= 500 || httpStatus == 429
        case .api:
            if let code { return Self.retryableCodes.contains(code) }
            return (httpStatus ?? 0) >= 500 || httpStatus == 429
        }
    }

    /// The wait before retry number `retry` (1-based) that Meta suggests for this error, if any:
    /// for the pair rate limit (131056), 4^X x `unit` with X starting at 0 (1 s, 4 s, 16 s, ...).
    public func suggestedBackoff(beforeRetry retry: Int, unit: Duration = .seconds(1)) -> Duration? {
        guard code == 131056 else { return nil }
        var factor = 1
        for _ in 0..<min(max(retry - 1, 0), 10) { factor *= 4 }
        return unit * factor
    }

    public var description: String {
        var parts = ["WhatsApp send failed"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let code { parts.append("code \(code)") }
        var text = parts.joined(separator: ", ") + ": " + message
        if let details { text += " (\(details))" }
        return text
    }
}
