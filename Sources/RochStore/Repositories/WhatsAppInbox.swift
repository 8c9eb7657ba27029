import Foundation

/// A delivery status Meta reported for a message we sent.
public struct DeliveryStatusUpdate: Sendable, Equatable {
    public var wamid: String
    /// `sent`, `delivered`, `read` or `failed`.
    public var status: String
    public var at: Date
    public var errorCode: Int?
    public var errorDetail: String?

    public init(wamid: String, status: String, at: Date, errorCode: Int? = nil, errorDetail: String? = nil) {
        self.wamid = wamid
        self.status = status
        self.at = at
        self.errorCode = errorCode
        self.errorDetail = errorDetail
    }

    public static let knownStatuses: Set<String> = ["sent", "delivered", "read", "failed"]
}

/// A message a client wrote to us on WhatsApp.
public struct InboundWhatsAppMessage: Sendable, Equatable {
    public var wamid: String
    /// E.164: `+` and the sender's wa_id digits.
    public var fromPhone: String
    public var profileName: String?
    public var kind: String
    public var body: String
    public var receivedAt: Date

    public init(wamid: String, fromPhone: String, profileName: String?, kind: String, body: String, receivedAt: Date) {
        self.wamid = wamid
        self.fromPhone = fromPhone
        self.profileName = profileName
        self.kind = kind
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// A notification whose status a webhook changed.
public struct NotificationStatusChange: Sendable, Equatable {
    public var notificationID: Int64
    public var bookingID: Int64?
    public var moment: String
    public var recipientRole: String
    public var recipientName: String?
    public var channel: String
    public var address: String?
    public var status: String
    public var lastError: String?
}

/// What the WhatsApp webhook writes: statuses (deduplicated, never moving a message backwards)
/// and inbound messages. Set-based SQL: a batch of 1,000 statuses is a handful of statements.
///
/// Status order: sent < failed < delivered < read. `failed` overrides `sent`, and a `delivered`
/// or `read` (proof the message arrived) overrides `failed`; nothing else moves a status back.
public enum WhatsAppInbox {
    /// The SQL expression ranking a status column by how far the message got.
    static func rank(_ column: String) -> String {
        "(CASE \(column) WHEN 'read' THEN 4 WHEN 'delivered' THEN 3 WHEN 'failed' THEN 2 WHEN 'sent' THEN 1 ELSE 0 END)"
    }

    /// Stores statuses (repeats are ignored) and applies them. Returns how many were new and the
    /// notifications whose status changed.
    public static func record(_ c: Connection, statuses: [DeliveryStatusUpdate]) throws -> (new: Int, changes: [NotificationStatusChange]) {
        let known = statuses.filter { DeliveryStatusUpdate.knownStatuses.contains($0.status) }
        guard !known.isEmpty else { return (0, []) }
        try lock(c, wamids: known.map(\.wamid))
        let inserted = try c.query("""
            INSERT INTO whatsapp_statuses (wamid, status, status_at, error_code, error_detail)
            SELECT u.wamid, u.status, to_timestamp(u.ts), u.code, u.detail
            FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::text[]) AS u(wamid, status, ts, code, detail)
            ON CONFLICT (wamid, status) DO NOTHING
            RETURNING wamid
            """, known.map(\.wamid), known.map(\.status), known.map { $0.at.timeIntervalSince1970 },
            known.map(\.errorCode), known.map(\.errorDetail)).map { try $0.decode("wamid", as: String.self) }
        guard !inserted.isEmpty else { return (0, []) }
        return (inserted.count, try apply(c, wamids: Array(Set(inserted))))
    }

    /// Serialises work on these message ids until the transaction ends. The worker storing a
    /// message id and a webhook storing its first status may run at the same moment: without the
    /// lock neither would see the other's uncommitted row and the status would never be linked.
    /// Locks are taken in one order, so two batches cannot deadlock.
    public static func lock(_ c: Connection, wamids: [String]) throws {
        try c.execute("""
            SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(w, 5005) AS k FROM unnest($1::text[]) w) l ORDER BY k
            """, wamids)
    }

    /// Links stored statuses of these message ids to their notifications (adding history rows)
    /// and advances each notification to its best status. The worker calls it right after it
    /// records a message id, for statuses that arrived before the id was known.
    @discardableResult
    public static func apply(_ c: Connection, wamids: [String]) throws -> [NotificationStatusChange] {
        try c.execute("""
            WITH linked AS (
                UPDATE whatsapp_statuses s SET notification_id = n.id
                FROM notifications n
                WHERE s.notification_id IS NULL AND s.wamid = ANY($1::text[]) AND n.provider_message_id = s.wamid
                RETURNING s.notification_id, s.status, s.status_at, s.error_code, s.error_detail
            )
            INSERT INTO notification_events (notification_id, status, detail, at)
            SELECT notification_id, status,
                   CASE WHEN status = 'failed' THEN 'WhatsApp ' || coalesce(error_code::text, '?') || ': ' || coalesce(error_detail, 'failed') END,
                   status_at
            FROM linked ORDER BY status_at, \(rank("status"))
            """, wamids)
        return try c.query("""
            WITH best AS (
                SELECT DISTINCT ON (notification_id) notification_id, status, error_code, error_detail
                FROM whatsapp_statuses
                WHERE wamid = ANY($1::text[]) AND notification_id IS NOT NULL
                ORDER BY notification_id, \(rank("status")) DESC
            )
            UPDATE notifications n
            SET status = best.status, updated_at = now(),
                last_error = CASE WHEN best.status = 'failed'
                                  THEN 'WhatsApp ' || coalesce(best.error_code::text, '?') || ': ' || coalesce(best.error_detail, 'failed') END
            FROM best
            WHERE n.id = best.notification_id AND \(rank("best.status")) > \(rank("n.status"))
            RETURNING n.id, n.booking_id, n.moment, n.recipient_role, n.recipient_name, n.channel, n.address, n.status, n.last_error
            """, wamids).map { row in
            NotificationStatusChange(notificationID: try row.decode("id"), bookingID: try row.decode("booking_id"),
                                     moment: try row.decode("moment"), recipientRole: try row.decode("recipient_role"),
                                     recipientName: try row.decode("recipient_name"), channel: try row.decode("channel"),
                                     address: try row.decode("address"), status: try row.decode("status"),
                                     lastError: try row.decode("last_error"))
        }
    }

    /// Stores inbound messages once each (by wamid), links them to the client with that phone and
    /// the client's current booking, opens the client's 24-hour window (`last_inbound_at`) and gives
    /// the booking's coordinator one open "reply" task. Returns the ids of newly stored messages.
    @discardableResult
    public static func receive(_ c: Connection, messages: [InboundWhatsAppMessage]) throws -> [Int64] {
        guard !messages.isEmpty else { return [] }
        let ids = try c.query("""
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])
                    AS u(wamid, from_phone, profile_name, kind, body, ts)
            ), matched AS (
                SELECT i.*, cl.id AS client_id,
                       (SELECT b.id FROM bookings b WHERE b.client_id = cl.id
                        ORDER BY b.state IN ('completed', 'cancelled'), b.created_at DESC LIMIT 1) AS booking_id
                FROM input i LEFT JOIN clients cl ON cl.phone = i.from_phone
            )
            INSERT INTO inbound_messages (wamid, from_phone, profile_name, kind, body, received_at, client_id, booking_id)
            SELECT wamid, from_phone, profile_name, kind, body, to_timestamp(ts), client_id, booking_id FROM matched
            ON CONFLICT (wamid) DO NOTHING
            RETURNING id
            """, messages.map(\.wamid), messages.map(\.fromPhone), messages.map(\.profileName), messages.map(\.kind),
            messages.map(\.body), messages.map { $0.receivedAt.timeIntervalSince1970 }).map { try $0.decode("id", as: Int64.self) }
        guard !ids.isEmpty else { return [] }
        try c.execute("""
            UPDATE clients cl SET last_inbound_at = GREATEST(cl.last_inbound_at, m.at), updated_at = now()
            FROM (SELECT client_id, max(received_at) AS at FROM inbound_messages WHERE id = ANY($1::bigint[]) AND client_id IS NOT NULL
                  GROUP BY client_id) m
            WHERE cl.id = m.client_id
            """, ids)
        try c.execute("""
            INSERT INTO tasks (booking_id, title, assignee_role, assignee_id, due_at)
            SELECT DISTINCT ON (i.booking_id) i.booking_id,
                   'Reply to ' || coalesce(cl.name, i.from_phone) || ' on WhatsApp: "' || left(i.body, 120) || '"',
                   'coordinator', b.coordinator_id, now() + interval '2 hours'
            FROM inbound_messages i
            JOIN bookings b ON b.id = i.booking_id
            LEFT JOIN clients cl ON cl.id = i.client_id
            WHERE i.id = ANY($1::bigint[])
              AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.booking_id = i.booking_id AND t.done_at IS NULL
                              AND t.title LIKE 'Reply to % on WhatsApp:%')
            ORDER BY i.booking_id, i.received_at
            """, ids)
        return ids
    }
}
