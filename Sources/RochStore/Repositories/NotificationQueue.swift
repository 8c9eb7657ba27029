import Foundation
import RochCore

/// An outbox row claimed by a worker: everything needed to render and send it.
public struct ClaimedNotification: Sendable, Equatable {
    public var id: Int64
    public var idempotencyKey: String
    public var moment: String
    public var bookingID: Int64?
    public var recipientRole: String
    public var recipientName: String?
    public var channel: String
    public var address: String?
    public var parameters: [String: String]
    /// A sign-in link to mint for `{{portal_link}}` just before sending (see PortalLinkReference).
    public var portalLink: PortalLinkReference?
    /// Attempts including this one (the claim counts it).
    public var attempts: Int
    public var dueAt: Date
    public var staleAfter: Date?
}

/// The worker's side of the outbox (`notifications`): claim due rows so that several workers on
/// several hosts never take the same row, and record each outcome. Every outcome is guarded by
/// `status = 'sending' AND attempts = <the claim's attempt>`, so a worker whose lease expired
/// cannot overwrite what the worker that took the row over recorded.
public enum NotificationQueue {
    /// Claims up to `limit` due rows: `sending`, attempts + 1, claimed now. One statement, so the
    /// claim is its own transaction; `SKIP LOCKED` lets concurrent workers take different rows.
    public static func claim(_ c: Connection, limit: Int) throws -> [ClaimedNotification] {
        try c.query("""
            WITH due AS (
                SELECT id FROM notifications
                WHERE status = 'queued' AND next_attempt_at <= now()
                ORDER BY next_attempt_at, id
                LIMIT $1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE notifications n
            SET status = 'sending', attempts = n.attempts + 1, claimed_at = now(), updated_at = now()
            FROM due WHERE n.id = due.id
            RETURNING n.id, n.idempotency_key, n.moment, n.booking_id, n.recipient_role, n.recipient_name, n.channel,
                      n.address, n.parameters, n.attempts, n.due_at, n.stale_after
            """, limit).map { row in
            let stored = StoredParameter.split((try? row.decode("parameters", as: JSONB.self).decode([String: StoredParameter].self)) ?? [:])
            return ClaimedNotification(
                id: try row.decode("id"), idempotencyKey: try row.decode("idempotency_key"), moment: try row.decode("moment"),
                bookingID: try row.decode("booking_id"), recipientRole: try row.decode("recipient_role"),
                recipientName: try row.decode("recipient_name"), channel: try row.decode("channel"),
                address: try row.decode("address"),
                parameters: stored.parameters, portalLink: stored.portalLink,
                attempts: try row.decode("attempts"), dueAt: try row.decode("due_at"), staleAfter: try row.decode("stale_after"))
        }.sorted { $0.id < $1.id }
    }

    /// What releasing expired leases did.
    public struct ReleasedLeases: Sendable, Equatable {
        /// Rows put back in the queue.
        public var requeued = 0
        /// Rows whose lease expired `maxLeases` times: `dead`, never sent again.
        public var dead: [DeadLetter] = []
        public init() {}
    }

    /// A message dead-lettered because its worker kept dying or hanging while sending it.
    public struct DeadLetter: Sendable, Equatable {
        public var id: Int64
        public var bookingID: Int64?
        public var moment: String
        public var recipientRole: String
        public var recipientName: String?
        public var channel: String
        public var address: String?
        public var reason: String
    }

    /// Rows claimed longer than `leaseSeconds` ago by a worker that never finished them (killed,
    /// crashed, host lost, hung) go back to the queue; a row whose lease has now expired
    /// `maxLeases` times is dead-lettered instead (`dead`, with the reason): a message that kills
    /// or hangs every worker that sends it must not loop forever.
    @discardableResult
    public static func releaseExpiredLeases(_ c: Connection, leaseSeconds: Int, maxLeases: Int = 3) throws -> ReleasedLeases {
        var result = ReleasedLeases()
        let rows = try c.query("""
            WITH expired AS (
                UPDATE notifications
                SET lease_expiries = lease_expiries + 1, claimed_at = NULL, updated_at = now(),
                    status = CASE WHEN lease_expiries + 1 >= $2 THEN 'dead' ELSE 'queued' END,
                    next_attempt_at = now(),
                    last_error = CASE WHEN lease_expiries + 1 >= $2
                        THEN 'dead: the worker sending it stopped or hung ' || (lease_expiries + 1)
                             || ' times (lease of ' || $1 || ' s expired each time); not sent again'
                        ELSE 'the worker sending it stopped before recording the outcome; sending again' END
                WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1)
                RETURNING id, status, last_error, lease_expiries, booking_id, moment, recipient_role, recipient_name, channel, address
            ), logged AS (
                INSERT INTO notification_events (notification_id, status, detail)
                SELECT id, CASE WHEN status = 'dead' THEN 'dead' ELSE 'requeued' END,
                       CASE WHEN status = 'dead' THEN last_error ELSE 'lease of ' || $1 || ' s expired (' || lease_expiries || ' of ' || $2 || ')' END
                FROM expired
            )
            SELECT * FROM expired ORDER BY id
            """, leaseSeconds, max(1, maxLeases))
        for row in rows {
            guard try row.decode("status", as: String.self) == "dead" else { result.requeued += 1; continue }
            result.dead.append(DeadLetter(
                id: try row.decode("id"), bookingID: try row.decode("booking_id"), moment: try row.decode("moment"),
                recipientRole: try row.decode("recipient_role"), recipientName: try row.decode("recipient_name"),
                channel: try row.decode("channel"), address: try row.decode("address"), reason: try row.decode("last_error")))
        }
        return result
    }

    /// Queued reminders whose `stale_after` has passed are skipped with the reason, never sent late.
    @discardableResult
    public static func skipStale(_ c: Connection) throws -> Int {
        try c.query("""
            WITH stale AS (
                UPDATE notifications SET status = 'skipped', updated_at = now(), claimed_at = NULL,
                       last_error = 'skipped: stale: due ' || to_char(due_at AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI')
                                    || ' IST, no longer useful after ' || to_char(stale_after AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI')
                                    || ' IST; not sent late'
                WHERE status = 'queued' AND stale_after IS NOT NULL AND stale_after <= now()
                RETURNING id, last_error
            )
            INSERT INTO notification_events (notification_id, status, detail)
            SELECT id, 'skipped', last_error FROM stale
            RETURNING notification_id
            """).count
    }

    /// The provider accepted the message: `sent`, with its message id. False when the row is no
    /// longer this claim's (its lease expired and another worker took it over).
    @discardableResult
    public static func markSent(_ c: Connection, _ n: ClaimedNotification, providerMessageID: String) throws -> Bool {
        let updated = try c.execute("""
            UPDATE notifications SET status = 'sent', provider_message_id = $3, sent_at = now(), last_error = NULL,
                   claimed_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            """, n.id, n.attempts, providerMessageID)
        guard updated > 0 else { return false }
        try event(c, n.id, "sent", providerMessageID)
        return true
    }

    /// A temporary failure: back to `queued`, due again after `delay` seconds.
    @discardableResult
    public static func markRetry(_ c: Connection, _ n: ClaimedNotification, reason: String, delay: TimeInterval) throws -> Bool {
        let updated = try c.execute("""
            UPDATE notifications SET status = 'queued', last_error = $3, claimed_at = NULL, updated_at = now(),
                   next_attempt_at = now() + make_interval(secs => $4)
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            """, n.id, n.attempts, reason, max(0, delay))
        guard updated > 0 else { return false }
        try event(c, n.id, "retrying", "attempt \(n.attempts): \(reason); next try in \(Int(delay.rounded())) s")
        return true
    }

    /// A final outcome without sending: `failed` (permanent error) or `skipped` (not configured, stale).
    @discardableResult
    public static func markFinal(_ c: Connection, _ n: ClaimedNotification, status: FinalStatus, reason: String) throws -> Bool {
        let updated = try c.execute("""
            UPDATE notifications SET status = $3, last_error = $4, claimed_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            """, n.id, n.attempts, status.rawValue, reason)
        guard updated > 0 else { return false }
        try event(c, n.id, status.rawValue, reason)
        return true
    }

    public enum FinalStatus: String, Sendable { case failed, skipped }

    static func event(_ c: Connection, _ id: Int64, _ status: String, _ detail: String?) throws {
        try c.execute("INSERT INTO notification_events (notification_id, status, detail) VALUES ($1, $2, $3)", id, status, detail)
    }
}
