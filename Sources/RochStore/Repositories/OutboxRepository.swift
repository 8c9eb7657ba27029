import Foundation
import RochCore

/// One message to one recipient on one channel, as the outbox stores it.
public struct OutboxMessage: Sendable, Equatable {
    public var idempotencyKey: String
    public var moment: NotificationMoment
    public var bookingID: Int64?
    public var recipientRole: RecipientRole
    public var recipientName: String?
    public var channel: Channel
    /// E.164 phone for WhatsApp, an email address for email.
    public var address: String?
    public var parameters: [String: String]
    /// The client's sign-in link for `{{portal_link}}`, minted by the worker when it sends (the
    /// row stores this reference instead of a link).
    public var portalLink: PortalLinkReference?
    public var dueAt: Date?
    /// Past this time the message is skipped rather than sent late (reminders).
    public var staleAfter: Date?

    public enum Channel: String, Sendable, Codable, CaseIterable { case whatsapp, email }

    public init(idempotencyKey: String, moment: NotificationMoment, bookingID: Int64?, recipientRole: RecipientRole,
                recipientName: String?, channel: Channel, address: String?, parameters: [String: String],
                portalLink: PortalLinkReference? = nil, dueAt: Date? = nil, staleAfter: Date? = nil) {
        self.idempotencyKey = idempotencyKey
        self.moment = moment
        self.bookingID = bookingID
        self.recipientRole = recipientRole
        self.recipientName = recipientName
        self.channel = channel
        self.address = address
        self.parameters = parameters
        self.portalLink = portalLink
        self.dueAt = dueAt
        self.staleAfter = staleAfter
    }
}

public enum OutboxRepository {
    /// The channel the worker listens on to wake up when new work is queued.
    public static let channel = "outbox"

    /// Queues messages in the caller's transaction. A message whose idempotency key exists is
    /// not queued again. Returns how many rows were new.
    @discardableResult
    public static func enqueue(_ c: Connection, _ messages: [OutboxMessage]) throws -> Int {
        var added = 0
        for m in messages {
            let params = try JSONB(encoding: StoredParameter.stored(m.parameters, portalLink: m.portalLink))
            let rows = try c.query("""
                INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel,
                                           address, parameters, due_at, next_attempt_at, stale_after)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, COALESCE($9::timestamptz, now()), COALESCE($9::timestamptz, now()), $10)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id
                """, m.idempotencyKey, m.moment.rawValue, m.bookingID, m.recipientRole.rawValue, m.recipientName,
                m.channel.rawValue, m.address, params, m.dueAt, m.staleAfter)
            if let id: Int64 = try rows.first?.decode("id") {
                try c.execute("INSERT INTO notification_events (notification_id, status) VALUES ($1, 'queued')", id)
                added += 1
            }
        }
        if added > 0 { try c.notify(channel, payload: "notifications") }
        return added
    }

    /// Queues a job for the worker (e.g. `create_payment_link`); a repeated key is a no-op.
    @discardableResult
    public static func enqueueJob(_ c: Connection, kind: String, idempotencyKey: String, payload: JSONB) throws -> Bool {
        let n = try c.execute("""
            INSERT INTO jobs (kind, idempotency_key, payload) VALUES ($1, $2, $3::jsonb) ON CONFLICT (idempotency_key) DO NOTHING
            """, kind, idempotencyKey, payload)
        if n > 0 { try c.notify(channel, payload: "jobs") }
        return n > 0
    }

    /// Cancels the booking's queued messages for the given moments (e.g. reminders on cancel).
    @discardableResult
    public static func cancelQueued(_ c: Connection, bookingID: Int64, moments: [NotificationMoment], reason: String) throws -> Int {
        let ids = try c.query("""
            UPDATE notifications SET status = 'cancelled', last_error = $3, updated_at = now()
            WHERE booking_id = $1 AND status = 'queued' AND moment = ANY($2) RETURNING id
            """, bookingID, moments.map(\.rawValue), reason).map { try $0.decode("id", as: Int64.self) }
        for id in ids {
            try c.execute("INSERT INTO notification_events (notification_id, status, detail) VALUES ($1, 'cancelled', $2)", id, reason)
        }
        return ids.count
    }
}
