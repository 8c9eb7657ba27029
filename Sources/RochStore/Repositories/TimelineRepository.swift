import Foundation

/// One entry of a client's timeline; `id` is the SSE event id.
public struct PortalEventRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var bookingID: Int64
    public var kind: String
    public var title: String
    public var body: String
    public var data: String
    public var createdAt: Date
}

public enum TimelineRepository {
    /// The channel that carries `'<booking id>:<event id>'` after every new entry.
    public static let channel = "portal"

    /// Adds an entry and NOTIFYs listeners; both take effect when the transaction commits.
    @discardableResult
    public static func append(_ c: Connection, bookingID: Int64, kind: String, title: String, body: String,
                              data: JSONB = JSONB("{}")) throws -> Int64 {
        let id: Int64 = try c.query("""
            INSERT INTO portal_events (booking_id, kind, title, body, data) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id
            """, bookingID, kind, title, body, data).first!.decode("id")
        try c.notify(channel, payload: "\(bookingID):\(id)")
        return id
    }

    /// Entries of one booking after `afterID` (for SSE resume from Last-Event-ID), oldest first.
    public static func events(_ c: Connection, bookingID: Int64, after afterID: Int64 = 0, limit: Int = 500) throws -> [PortalEventRecord] {
        try c.query("""
            SELECT id, booking_id, kind, title, body, data::text AS data, created_at FROM portal_events
            WHERE booking_id = $1 AND id > $2 ORDER BY id LIMIT $3
            """, bookingID, afterID, limit).map { row in
            PortalEventRecord(id: try row.decode("id"), bookingID: try row.decode("booking_id"), kind: try row.decode("kind"),
                              title: try row.decode("title"), body: try row.decode("body"), data: try row.decode("data"),
                              createdAt: try row.decode("created_at"))
        }
    }
}
