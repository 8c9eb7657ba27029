import Foundation

/// One message in the notification log, with every status it went through.
public struct NotificationLogEntry: Sendable, Equatable {
    public var id: Int64
    public var moment: String
    public var bookingID: Int64?
    /// The booking's public id (what the admin dashboard links to).
    public var bookingPublicID: String?
    public var recipientRole: String
    public var recipientName: String?
    public var channel: String
    public var address: String?
    public var status: String
    public var attempts: Int
    /// The last failure or skip reason (`skipped: WhatsApp not configured`, `WhatsApp 131026: ...`).
    public var lastError: String?
    public var providerMessageID: String?
    public var dueAt: Date
    public var createdAt: Date
    public var sentAt: Date?
    public var history: [NotificationLogEvent]
}

/// One status change of a message (queued, retrying, sent, delivered, read, failed, skipped...).
public struct NotificationLogEvent: Sendable, Equatable {
    public var status: String
    public var detail: String?
    public var at: Date
}

/// The notification log for the admin dashboard: recent messages, newest first.
public enum NotificationLog {
    /// Up to `limit` (1...500) messages, newest first, optionally for one booking and/or one status,
    /// each with its status history in order.
    public static func recent(_ c: Connection, limit: Int = 100, bookingID: Int64? = nil, status: String? = nil) throws -> [NotificationLogEntry] {
        let entries = try c.query("""
            \(entryColumns)
            WHERE ($2::bigint IS NULL OR n.booking_id = $2) AND ($3::text IS NULL OR n.status = $3)
            ORDER BY n.id DESC
            LIMIT $1
            """, min(max(limit, 1), 500), bookingID, status).map(entry)
        return try withHistory(c, entries)
    }

    /// The columns `entry(_:)` reads, with the FROM clause they come from (alias `n` for notifications).
    static let entryColumns = """
        SELECT n.id, n.moment, n.booking_id, b.public_id, n.recipient_role, n.recipient_name, n.channel, n.address,
               n.status, n.attempts, n.last_error, n.provider_message_id, n.due_at, n.created_at, n.sent_at
        FROM notifications n LEFT JOIN bookings b ON b.id = n.booking_id
        """

    /// One log entry from a row of `entryColumns`, its history still empty.
    static func entry(_ row: Row) throws -> NotificationLogEntry {
        NotificationLogEntry(
            id: try row.decode("id"), moment: try row.decode("moment"), bookingID: try row.decode("booking_id"),
            bookingPublicID: try row.decode("public_id"), recipientRole: try row.decode("recipient_role"),
            recipientName: try row.decode("recipient_name"), channel: try row.decode("channel"), address: try row.decode("address"),
            status: try row.decode("status"), attempts: try row.decode("attempts"), lastError: try row.decode("last_error"),
            providerMessageID: try row.decode("provider_message_id"), dueAt: try row.decode("due_at"),
            createdAt: try row.decode("created_at"), sentAt: try row.decode("sent_at"), history: [])
    }

    /// The entries with every status each went through, in order (one query for all of them).
    static func withHistory(_ c: Connection, _ entries: [NotificationLogEntry]) throws -> [NotificationLogEntry] {
        guard !entries.isEmpty else { return [] }
        var history: [Int64: [NotificationLogEvent]] = [:]
        for row in try c.query("""
            SELECT notification_id, status, detail, at FROM notification_events
            WHERE notification_id = ANY($1::bigint[]) ORDER BY notification_id, at, id
            """, entries.map(\.id)) {
            history[try row.decode("notification_id"), default: []]
                .append(NotificationLogEvent(status: try row.decode("status"), detail: try row.decode("detail"), at: try row.decode("at")))
        }
        var entries = entries
        for i in entries.indices { entries[i].history = history[entries[i].id] ?? [] }
        return entries
    }
}
