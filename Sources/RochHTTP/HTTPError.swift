/// An error a function throws to answer with a specific status and a message a person can act on.
/// One mapping (`ErrorResponder`) turns it into JSON or HTML depending on what the client accepts.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: Int
    /// Short machine-readable code, e.g. `invalid_json`, `payload_too_large`.
    public var code: String
    /// What went wrong and what to do, for a person.
    public var message: String
    /// Field-level problems (form validation): field name -> message.
    public var fields: [String: String]
    public var headers: [String: String]

    public init(_ status: Int, code: String, _ message: String, fields: [String: String] = [:], headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError { .init(400, code: code, message) }
    public static func notFound(_ message: String = "Nothing here. Check the address.") -> HTTPError { .init(404, code: "not_found", message) }
    public static func methodNotAllowed(_ allowed: [String]) -> HTTPError {
        .init(405, code: "method_not_allowed", "Use \(allowed.joined(separator: " or ")) for this address.",
              headers: ["Allow": allowed.joined(separator: ", ")])
    }
    public static func payloadTooLarge(limit: Int) -> HTTPError {
        .init(413, code: "payload_too_large", "The request body is larger than the \(limit)-byte limit.")
    }
    public static func unsupportedMediaType(_ accepted: [String]) -> HTTPError {
        .init(415, code: "unsupported_media_type", "Send the body as \(accepted.joined(separator: " or ")).")
    }
    public static func conflict(_ message: String, code: String = "conflict") -> HTTPError { .init(409, code: code, message) }
    public static func unprocessable(_ message: String, fields: [String: String]) -> HTTPError {
        .init(422, code: "validation_failed", message, fields: fields)
    }
    public static func tooManyRequests(retryAfter seconds: Int) -> HTTPError {
        .init(429, code: "rate_limited", "Too many requests. Try again in \(seconds) seconds.", headers: ["Retry-After": String(seconds)])
    }
    public static func unauthorized(_ message: String) -> HTTPError { .init(401, code: "unauthorized", message) }
    public static func forbidden(_ message: String) -> HTTPError { .init(403, code: "forbidden", message) }
}
