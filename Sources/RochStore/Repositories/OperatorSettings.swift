import Foundation

/// Switches an operator flips from the command line (the paused outbox after a restore), and the
/// heartbeats workers leave so that `roch doctor` can tell a live worker from a dead one.
public enum OperatorSettings {
    /// 'true' while workers must send nothing and run no job (see migration 0017).
    public static let outboxPausedKey = "outbox_paused"

    /// Whether the outbox is paused. A database migrated before 0017 has no switch: not paused.
    public static func isOutboxPaused(_ c: Connection) throws -> Bool {
        do {
            let row = try c.query("SELECT value FROM operator_settings WHERE key = $1", outboxPausedKey).first
            return try row?.decode("value", as: String.self) == "true"
        } catch let error as PostgresError where error.sqlState == undefinedTable {
            return false
        }
    }

    /// Pauses or resumes the outbox; resuming wakes every listening worker.
    public static func setOutboxPaused(_ c: Connection, _ paused: Bool, changedBy: String) throws {
        try c.execute("""
            INSERT INTO operator_settings (key, value, changed_by) VALUES ($1, $2, $3)
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, changed_by = EXCLUDED.changed_by, updated_at = now()
            """, outboxPausedKey, paused ? "true" : "false", changedBy)
        if !paused { try c.notify(OutboxRepository.channel, payload: "resumed") }
    }

    /// When and by whom the outbox switch was last changed (nil: never).
    public static func outboxSwitch(_ c: Connection) throws -> (paused: Bool, changedBy: String, at: Date)? {
        guard let row = try c.query("SELECT value, changed_by, updated_at FROM operator_settings WHERE key = $1",
                                    outboxPausedKey).first else { return nil }
        return (try row.decode("value", as: String.self) == "true", try row.decode("changed_by"), try row.decode("updated_at"))
    }

    /// Queued messages whose time has come (what a resumed outbox sends first).
    public static func messagesDue(_ c: Connection) throws -> Int64 {
        try c.query("SELECT count(*) AS n FROM notifications WHERE status = 'queued' AND next_attempt_at <= now()").first!.decode("n")
    }

    static let undefinedTable = "42P01"
}

/// The heartbeat rows of migration 0017.
public enum WorkerHeartbeats {
    /// Records that `worker` (host:pid) is alive now; forgets workers silent for a day.
    public static func beat(_ c: Connection, host: String, pid: Int32) throws {
        do {
            try c.execute("""
                INSERT INTO worker_heartbeats (worker, host, pid) VALUES ($1, $2, $3)
                ON CONFLICT (worker) DO UPDATE SET beat_at = now()
                """, "\(host):\(pid)", host, Int(pid))
            try c.execute("DELETE FROM worker_heartbeats WHERE beat_at < now() - interval '1 day'")
        } catch let error as PostgresError where error.sqlState == OperatorSettings.undefinedTable {
            return   // schema older than 0017 during a rolling upgrade
        }
    }

    /// Seconds since the most recent heartbeat of any worker (nil: no worker has ever beaten).
    public static func secondsSinceLastBeat(_ c: Connection) throws -> Double? {
        try c.query("SELECT extract(epoch FROM now() - max(beat_at))::float8 AS s FROM worker_heartbeats").first?
            .decode("s", as: Double?.self)
    }
}

/// Figures about the outbox and the workers, read at scrape time for /metrics and by `roch doctor`.
public struct OperationsFigures: Sendable {
    public struct Deliveries: Sendable {
        public var channel: String
        public var status: String
        public var count: Int64
    }

    /// Messages queued or being sent whose time has come, per channel.
    public var backlogByChannel: [String: Int64]
    /// How long the oldest of those has been due (0 when none).
    public var oldestDueSeconds: Double
    public var jobsBacklog: Int64
    /// Every notification by channel and status (sent, failed, skipped, ...).
    public var deliveries: [Deliveries]
    public var heartbeatAgeSeconds: Double?
    public var outboxPaused: Bool

    public static func read(_ c: Connection) throws -> OperationsFigures {
        var backlog: [String: Int64] = ["whatsapp": 0, "email": 0]
        var deliveries: [Deliveries] = []
        for row in try c.query("SELECT channel, status, count(*) AS n FROM notifications GROUP BY channel, status ORDER BY 1, 2") {
            deliveries.append(Deliveries(channel: try row.decode("channel"), status: try row.decode("status"), count: try row.decode("n")))
        }
        for row in try c.query("""
            SELECT channel, count(*) AS n FROM notifications
            WHERE status IN ('queued', 'sending') AND next_attempt_at <= now() GROUP BY channel
            """) {
            backlog[try row.decode("channel")] = try row.decode("n")
        }
        let oldest = try c.query("""
            SELECT coalesce(extract(epoch FROM now() - min(due_at)), 0)::float8 AS s FROM notifications
            WHERE status IN ('queued', 'sending') AND next_attempt_at <= now()
            """).first!.decode("s", as: Double.self)
        let jobs: Int64 = try c.query("SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running') AND next_attempt_at <= now()")
            .first!.decode("n")
        return OperationsFigures(backlogByChannel: backlog, oldestDueSeconds: max(0, oldest), jobsBacklog: jobs, deliveries: deliveries,
                                 heartbeatAgeSeconds: try WorkerHeartbeats.secondsSinceLastBeat(c),
                                 outboxPaused: try OperatorSettings.isOutboxPaused(c))
    }
}

/// The request id stored on an outbox row (migration 0017), for the worker's log lines.
public enum OutboxTrace {
    public static func requestID(_ c: Connection, notificationID: Int64) throws -> String? {
        try c.query("SELECT request_id FROM notifications WHERE id = $1", notificationID).first?.decode("request_id", as: String?.self) ?? nil
    }
}
