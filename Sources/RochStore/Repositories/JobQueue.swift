import Foundation

/// A `jobs` row claimed by a worker.
public struct ClaimedJob: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var payload: JSONB
    /// Attempts including this one.
    public var attempts: Int
}

/// The worker's side of the `jobs` outbox, with the same claim/lease rules as `NotificationQueue`.
public enum JobQueue {
    public static func claim(_ c: Connection, limit: Int) throws -> [ClaimedJob] {
        try c.query("""
            WITH due AS (
                SELECT id FROM jobs WHERE status = 'queued' AND next_attempt_at <= now()
                ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, claimed_at = now()
            FROM due WHERE j.id = due.id
            RETURNING j.id, j.kind, j.payload, j.attempts
            """, limit).map { row in
            ClaimedJob(id: try row.decode("id"), kind: try row.decode("kind"), payload: try row.decode("payload"),
                       attempts: try row.decode("attempts"))
        }.sorted { $0.id < $1.id }
    }

    /// Jobs whose worker vanished (killed, hung) go back to the queue, unless they have used up
    /// `maxAttempts` (each claim counts one): then they fail with the reason instead of looping.
    @discardableResult
    public static func releaseExpiredLeases(_ c: Connection, leaseSeconds: Int, maxAttempts: Int = 10) throws -> Int {
        try c.execute("""
            UPDATE jobs SET status = CASE WHEN attempts >= $2 THEN 'failed' ELSE 'queued' END,
                   next_attempt_at = now(), claimed_at = NULL,
                   last_error = CASE WHEN attempts >= $2
                       THEN 'gave up: the worker running it stopped or hung on each of its ' || attempts || ' attempts'
                       ELSE 'the worker running it stopped before finishing; running again' END
            WHERE status = 'running' AND claimed_at < now() - make_interval(secs => $1)
            """, leaseSeconds, max(1, maxAttempts))
    }

    @discardableResult
    public static func markDone(_ c: Connection, _ job: ClaimedJob) throws -> Bool {
        try c.execute("""
            UPDATE jobs SET status = 'done', finished_at = now(), claimed_at = NULL, last_error = NULL
            WHERE id = $1 AND status = 'running' AND attempts = $2
            """, job.id, job.attempts) > 0
    }

    @discardableResult
    public static func markRetry(_ c: Connection, _ job: ClaimedJob, reason: String, delay: TimeInterval) throws -> Bool {
        try c.execute("""
            UPDATE jobs SET status = 'queued', last_error = $3, claimed_at = NULL, next_attempt_at = now() + make_interval(secs => $4)
            WHERE id = $1 AND status = 'running' AND attempts = $2
            """, job.id, job.attempts, reason, max(0, delay)) > 0
    }

    @discardableResult
    public static func markFailed(_ c: Connection, _ job: ClaimedJob, reason: String) throws -> Bool {
        try c.execute("""
            UPDATE jobs SET status = 'failed', last_error = $3, claimed_at = NULL, finished_at = now()
            WHERE id = $1 AND status = 'running' AND attempts = $2
            """, job.id, job.attempts, reason) > 0
    }
}
