import Foundation

/// A vendor's client-facing milestone (from the vendors feature's `vendor_assignments`).
public struct PortalVendorMilestone: Sendable, Equatable {
    public var id: Int64
    public var role: String
    public var status: String
    public var milestoneText: String?
    public var milestoneDate: String?
    public var updatedAt: Date
}

/// A proposal the client has been sent.
public struct PortalProposal: Sendable, Equatable {
    public var publicID: String
    public var totalPaise: Int64
    public var status: String
    public var createdAt: Date
    /// It replaced a proposal the client had been sent (a revision).
    public var revised = false
}

/// What the client portal reads. Every query is scoped by the signed-in client's id, so a booking
/// id from another client finds nothing. Tables of features built elsewhere (vendors, payments)
/// are read only when they exist.
public enum PortalRepository {
    /// The client's bookings, soonest event first.
    public static func bookings(_ c: Connection, clientID: Int64) throws -> [BookingRecord] {
        try c.query("SELECT \(BookingRepository.columns) FROM bookings WHERE client_id = $1 ORDER BY event_date, id", clientID)
            .map(BookingRepository.record)
    }

    /// One booking, only if it belongs to the client.
    public static func booking(_ c: Connection, clientID: Int64, publicID: String) throws -> BookingRecord? {
        try c.query("SELECT \(BookingRepository.columns) FROM bookings WHERE client_id = $1 AND public_id = $2", clientID, publicID)
            .first.map(BookingRepository.record)
    }

    /// The ids of the client's bookings (what an event stream may carry).
    public static func bookingIDs(_ c: Connection, clientID: Int64) throws -> [Int64] {
        try c.query("SELECT id FROM bookings WHERE client_id = $1 ORDER BY id", clientID).map { try $0.decode("id") }
    }

    /// The newest timeline entries, newest first.
    public static func timeline(_ c: Connection, bookingID: Int64, limit: Int = 200) throws -> [PortalEventRecord] {
        try c.query("""
            SELECT id, booking_id, kind, title, body, data::text AS data, created_at FROM portal_events
            WHERE booking_id = $1 ORDER BY id DESC LIMIT $2
            """, bookingID, limit).map(TimelineRepository.record)
    }

    /// Entries of several bookings after `afterID`, oldest first (stream replay).
    public static func events(_ c: Connection, bookingIDs: [Int64], after afterID: Int64, limit: Int = 500) throws -> [PortalEventRecord] {
        try c.query("""
            SELECT id, booking_id, kind, title, body, data::text AS data, created_at FROM portal_events
            WHERE booking_id = ANY($1::bigint[]) AND id > $2 ORDER BY id LIMIT $3
            """, bookingIDs, afterID, limit).map(TimelineRepository.record)
    }

    /// One entry by id (the hub reads each notified entry once for all its streams).
    public static func event(_ c: Connection, id: Int64) throws -> PortalEventRecord? {
        try c.query("""
            SELECT id, booking_id, kind, title, body, data::text AS data, created_at FROM portal_events WHERE id = $1
            """, id).first.map(TimelineRepository.record)
    }

    /// The newest entry id over the bookings (0 when none): the page opens its stream after it.
    public static func lastEventID(_ c: Connection, bookingIDs: [Int64]) throws -> Int64 {
        try c.query("SELECT COALESCE(max(id), 0) AS id FROM portal_events WHERE booking_id = ANY($1::bigint[])", bookingIDs)
            .first!.decode("id")
    }

    /// For a cancelled booking, the state it was cancelled from (its place on the progress bar).
    public static func stateBeforeCancellation(_ c: Connection, bookingID: Int64) throws -> String? {
        try c.query("""
            SELECT from_state FROM booking_transitions WHERE booking_id = $1 AND to_state = 'cancelled' ORDER BY id DESC LIMIT 1
            """, bookingID).first?.decode("from_state")
    }

    public static func proposals(_ c: Connection, bookingID: Int64) throws -> [PortalProposal] {
        try c.query("""
            SELECT public_id, total_paise, status, created_at,
                   EXISTS (SELECT 1 FROM proposals e WHERE e.booking_id = p.booking_id AND e.id < p.id
                           AND e.status = 'superseded' AND (e.sent_at IS NOT NULL OR e.accepted_at IS NOT NULL)) AS revised
            FROM proposals p WHERE booking_id = $1 AND status IN ('sent', 'accepted') ORDER BY id
            """, bookingID).map { row in
            PortalProposal(publicID: try row.decode("public_id"), totalPaise: try row.decode("total_paise"),
                           status: try row.decode("status"), createdAt: try row.decode("created_at"), revised: try row.decode("revised"))
        }
    }

    /// Client-visible vendor milestones, or nil while the vendors feature's table does not exist.
    public static func vendorMilestones(_ c: Connection, bookingID: Int64) throws -> [PortalVendorMilestone]? {
        guard try tableExists(c, "vendor_assignments") else { return nil }
        return try c.query("""
            SELECT id, role, status, milestone_text, milestone_date::text AS milestone_date, updated_at FROM vendor_assignments
            WHERE booking_id = $1 AND client_visible AND status <> 'cancelled' ORDER BY milestone_date NULLS LAST, id
            """, bookingID).map { row in
            PortalVendorMilestone(id: try row.decode("id"), role: try row.decode("role"), status: try row.decode("status"),
                                  milestoneText: try row.decode("milestone_text"), milestoneDate: try row.decode("milestone_date"),
                                  updatedAt: try row.decode("updated_at"))
        }
    }

    public static func tableExists(_ c: Connection, _ name: String) throws -> Bool {
        try c.query("SELECT to_regclass($1) IS NOT NULL AS e", name).first!.decode("e")
    }
}

extension TimelineRepository {
    static func record(_ row: Row) throws -> PortalEventRecord {
        PortalEventRecord(id: try row.decode("id"), bookingID: try row.decode("booking_id"), kind: try row.decode("kind"),
                          title: try row.decode("title"), body: try row.decode("body"), data: try row.decode("data"),
                          createdAt: try row.decode("created_at"))
    }
}
