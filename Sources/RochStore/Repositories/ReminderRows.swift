import Foundation
import RochCore

/// Outbox rows of a booking's reminders, matched by the occurrence at the end of their key
/// (`<moment>:<booking>:<role>:<channel>:<address>:<occurrence>`, NotificationPlanner).
public enum ReminderRows {
    /// Cancels the booking's queued reminders whose occurrence is not in `keeping`.
    @discardableResult
    public static func cancel(_ c: Connection, bookingID: Int64, moments: [NotificationMoment], keeping: [String], reason: String) throws -> Int {
        try c.query("""
            WITH gone AS (
                UPDATE notifications n SET status = 'cancelled', last_error = $4, updated_at = now()
                WHERE n.booking_id = $1 AND n.status = 'queued' AND n.moment = ANY($2::text[])
                  AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) k WHERE right(n.idempotency_key, length(k) + 1) = ':' || k)
                RETURNING n.id
            )
            INSERT INTO notification_events (notification_id, status, detail) SELECT id, 'cancelled', $4 FROM gone
            RETURNING notification_id
            """, bookingID, moments.map(\.rawValue), keeping, reason).count
    }

    /// Puts back reminders that an earlier reschedule cancelled and the new plan wants again
    /// (the date moved away and back): their outbox keys exist, so enqueueing alone would not.
    @discardableResult
    public static func revive(_ c: Connection, bookingID: Int64, moments: [NotificationMoment], keys: [String], now: Date) throws -> Int {
        try c.query("""
            WITH back AS (
                UPDATE notifications n SET status = 'queued', last_error = NULL, updated_at = now(), next_attempt_at = n.due_at
                WHERE n.booking_id = $1 AND n.status = 'cancelled' AND n.moment = ANY($2::text[])
                  AND (n.stale_after IS NULL OR n.stale_after > $4)
                  AND EXISTS (SELECT 1 FROM unnest($3::text[]) k WHERE right(n.idempotency_key, length(k) + 1) = ':' || k)
                RETURNING n.id
            )
            INSERT INTO notification_events (notification_id, status, detail) SELECT id, 'queued', 'rescheduled back' FROM back
            RETURNING notification_id
            """, bookingID, moments.map(\.rawValue), keys, now).count
    }
}

extension ReminderRows {
    /// Whether a reminder of `moment` whose occurrence starts with `occurrencePrefix` and is not
    /// `other` already went out to the booking's people (sending, sent, delivered or read; a failed
    /// one reached nobody, so its replacement may go).
    public static func wasSent(_ c: Connection, bookingID: Int64, moment: NotificationMoment, occurrencePrefix: String,
                               other: String) throws -> Bool {
        try c.query("""
            SELECT EXISTS (SELECT 1 FROM notifications
                           WHERE booking_id = $1 AND moment = $2 AND status IN ('sending', 'sent', 'delivered', 'read')
                             AND strpos(idempotency_key, ':' || $3) > 0 AND right(idempotency_key, length($4) + 1) <> ':' || $4) AS sent
            """, bookingID, moment.rawValue, occurrencePrefix, other).first!.decode("sent")
    }

    /// Cancels queued payment reminders whose milestone (`parameters.milestone_sequence`, current
    /// proposal) is no longer open: paid, cancelled or refunded since the reminder was planned.
    @discardableResult
    public static func cancelSettledPaymentReminders(_ c: Connection) throws -> Int {
        try c.query("""
            WITH settled AS (
                UPDATE notifications n SET status = 'cancelled', updated_at = now(),
                       last_error = 'cancelled: the ' || coalesce(n.parameters->>'milestone_label', 'payment') || ' is settled'
                WHERE n.status = 'queued' AND n.moment = 'payment_due_reminder' AND n.parameters ? 'milestone_sequence'
                  AND EXISTS (SELECT 1 FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
                              WHERE m.booking_id = n.booking_id AND m.sequence::text = n.parameters->>'milestone_sequence'
                                AND m.status IN ('paid', 'cancelled', 'refunded'))
                RETURNING n.id, n.last_error
            )
            INSERT INTO notification_events (notification_id, status, detail) SELECT id, 'cancelled', last_error FROM settled
            RETURNING notification_id
            """).count
    }
}
