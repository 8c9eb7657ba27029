import RochHTTP
import RochStore

/// A request that failed because PostgreSQL could not be reached, or dropped the connection (a
/// restart, a failover), answers 503 with Retry-After instead of a generic 500: nothing was
/// accepted, and the same request (the booking form and the webhooks carry idempotency keys) can
/// simply be sent again. The pool has already discarded the broken connection, so the retry gets
/// a fresh one.
public enum DatabaseOutage {
    /// Seconds a client is asked to wait: about how long a PostgreSQL restart takes.
    public static let retryAfterSeconds = 2

    /// The 503 for `error` when it is a lost or refused database connection, otherwise nil.
    public static func unavailable(for error: Error) -> HTTPError? {
        guard let e = error as? PostgresError, e.kind == .connectionLost || e.kind == .connectionFailed else { return nil }
        return HTTPError(503, code: "database_unavailable", "The service is briefly unavailable. Please try again in a moment.",
                         headers: ["Retry-After": String(retryAfterSeconds)])
    }

    /// `handler` with database outages turned into that 503.
    public static func wrap(_ handler: @escaping Handler) -> Handler {
        { request in
            do { return try await handler(request) } catch {
                if let outage = unavailable(for: error) {
                    log("\(request.method) \(request.path): database unavailable: \(error)")
                    throw outage
                }
                throw error
            }
        }
    }
}
