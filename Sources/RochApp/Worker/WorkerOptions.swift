import Foundation

/// How the worker runs: batch size, concurrency, leases, retries and the WhatsApp rate limit.
public struct WorkerOptions: Sendable, Equatable {
    /// Outbox rows claimed per pass (and sent concurrently).
    public var batchSize = 16
    /// Jobs claimed per pass (run one after another).
    public var jobBatchSize = 4
    /// Polling fallback when no NOTIFY arrives.
    public var pollInterval: TimeInterval = 5
    /// A row in `sending` longer than this goes back to the queue (its worker is presumed dead).
    /// Longer than the HTTP timeout, so a live worker's row is never taken over.
    public var leaseSeconds = 300
    /// Attempts before a temporarily failing message is given up as `failed`.
    public var maxAttempts = 8
    /// Exponential backoff: about base x 2^(attempt-1), capped, with jitter.
    public var retryBase: TimeInterval = 5
    public var retryMax: TimeInterval = 1_800
    /// Meta asks for 4^X seconds (X from 0) after a pair rate limit (131056); tests shrink the unit.
    public var pairRateLimitUnit: TimeInterval = 1
    /// WhatsApp messages per second for this sender (Meta's default is 80); nil means no limit.
    public var whatsAppRatePerSecond: Double? = 80
    public var jobMaxAttempts = 10
    /// How often old rate-limit windows and webhook deliveries are pruned.
    public var pruneInterval: TimeInterval = 3_600
    /// Lease expiries (the worker sending a message died or hung) before the message is
    /// dead-lettered instead of requeued: one message that kills the worker must not loop forever.
    public var maxLeases = 3
    /// Verified webhook deliveries are kept this many days (at least 2: longer than Razorpay's
    /// 24-hour retries, since a processed delivery is what makes a redelivery a duplicate).
    public var webhookRetentionDays = 90
    /// Rejected (unverified) webhook deliveries and their per-source counters are kept this many days.
    public var webhookRejectedRetentionDays = 7

    public init() {}

    /// Reads WHATSAPP_RATE_LIMIT (messages/s, `off` for none), WORKER_BATCH_SIZE, WORKER_POLL_SECONDS,
    /// WORKER_LEASE_SECONDS, WORKER_MAX_ATTEMPTS, WORKER_MAX_LEASES, WORKER_RETRY_BASE_SECONDS,
    /// WORKER_PAIR_BACKOFF_UNIT, WEBHOOK_RETENTION_DAYS and WEBHOOK_REJECTED_RETENTION_DAYS;
    /// throws with every malformed value.
    public static func from(environment env: [String: String]) throws -> WorkerOptions {
        var o = WorkerOptions()
        var problems: [String] = []
        func number(_ key: String, _ range: ClosedRange<Double>, _ apply: (Double) -> Void) {
            guard let text = env[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return }
            guard let v = Double(text), range.contains(v) else {
                problems.append("\(key) must be a number between \(range.lowerBound) and \(range.upperBound), got \(text.debugDescription)")
                return
            }
            apply(v)
        }
        if let limit = env["WHATSAPP_RATE_LIMIT"]?.trimmingCharacters(in: .whitespaces).lowercased(), ["off", "none", "0"].contains(limit) {
            o.whatsAppRatePerSecond = nil
        } else {
            number("WHATSAPP_RATE_LIMIT", 0.1...100_000) { o.whatsAppRatePerSecond = $0 }
        }
        number("WORKER_BATCH_SIZE", 1...500) { o.batchSize = Int($0) }
        number("WORKER_POLL_SECONDS", 0.05...3_600) { o.pollInterval = $0 }
        number("WORKER_LEASE_SECONDS", 1...86_400) { o.leaseSeconds = Int($0) }
        number("WORKER_MAX_ATTEMPTS", 1...100) { o.maxAttempts = Int($0) }
        number("WORKER_MAX_LEASES", 1...100) { o.maxLeases = Int($0) }
        number("WEBHOOK_RETENTION_DAYS", 2...3_650) { o.webhookRetentionDays = Int($0) }
        number("WEBHOOK_REJECTED_RETENTION_DAYS", 1...3_650) { o.webhookRejectedRetentionDays = Int($0) }
        number("WORKER_RETRY_BASE_SECONDS", 0.001...3_600) { o.retryBase = $0 }
        number("WORKER_PAIR_BACKOFF_UNIT", 0.001...60) { o.pairRateLimitUnit = $0 }
        if !problems.isEmpty { throw Configuration.Problems(problems: problems) }
        return o
    }

    /// The wait before the next try after attempt `attempt` failed: exponential with "equal jitter"
    /// (half fixed, half random), so retries from many rows spread out but never come at once.
    public func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let cap = min(retryMax, retryBase * pow(2, Double(min(max(attempt - 1, 0), 30))))
        return cap / 2 + cap / 2 * random
    }

    /// Meta's pair-rate-limit backoff: 4^X units, X from 0 (1 s, 4 s, 16 s... after attempts 1, 2, 3).
    public func pairRateBackoff(afterAttempt attempt: Int) -> TimeInterval {
        pairRateLimitUnit * pow(4, Double(min(max(attempt - 1, 0), 10)))
    }
}

/// Paces sends to at most `rate` per second across every concurrent task of a worker: each send
/// reserves the next free slot (slots are 1/rate apart) and sleeps until it.
public final class TokenBucket: @unchecked Sendable {
    public let rate: Double
    private let interval: Duration
    private let lock = NSLock()
    private var next: ContinuousClock.Instant

    public init(ratePerSecond: Double) {
        rate = ratePerSecond
        interval = .nanoseconds(Int64(1_000_000_000 / ratePerSecond))
        next = ContinuousClock.now
    }

    /// Waits for this send's slot.
    public func acquire() async {
        let wait: Duration = lock.withLock {
            let now = ContinuousClock.now
            let slot = max(now, next)
            next = slot + interval
            return slot - now
        }
        if wait > .zero { try? await Task.sleep(for: wait) }
    }
}
