/// How a client retries: exponential backoff with full jitter, bounded attempts.
public struct RetryPolicy: Sendable {
    /// Total tries including the first (1 means no retry).
    public var maxAttempts: Int
    /// The backoff cap before jitter for the first retry; doubles each retry.
    public var baseDelay: Duration
    /// No single wait is longer than this.
    public var maxDelay: Duration
    /// Whether an HTTP-level network failure of this kind is retried.
    public var retriesNetworkErrors: Set<HTTPClientError.Kind>

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
                retriesNetworkErrors: Set<HTTPClientError.Kind> = [.timeout, .connectionFailed, .other]) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retriesNetworkErrors = retriesNetworkErrors
    }

    /// One try, no retry.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Full jitter: a uniform wait in [0, min(maxDelay, baseDelay * 2^(retry-1))] before retry number `retry` (1-based).
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let cap = min(maxDelay, baseDelay * (1 << exponent))
        return cap * random
    }

    /// Runs `operation` until it succeeds, `decide` says stop, or attempts run out.
    /// `decide` gets the error and the 1-based attempt that failed; it returns nil to stop, or
    /// a minimum wait (`.zero` for "use the jittered backoff").
    public func run<T>(_ operation: (Int) async throws -> T,
                       decide: (Error, Int) -> Duration?) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                guard attempt < maxAttempts, let floor = decide(error, attempt) else { throw error }
                let wait = max(floor, delay(beforeRetry: attempt))
                if wait > .zero { try await Task.sleep(for: wait) }
                attempt += 1
            }
        }
    }
}
