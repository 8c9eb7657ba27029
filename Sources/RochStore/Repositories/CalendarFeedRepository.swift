import Foundation
import RochCore

/// A staff member's live calendar feed, as their page shows it (never the secret: only its hash is kept).
public struct CalendarFeedLink: Sendable, Equatable {
    public var createdAt: Date
    public var fetches: Int
    public var lastFetchedAt: Date?
}

/// Calendar feed secrets (callers pass SHA-256 hashes) and what a feed carries.
public enum CalendarFeedRepository {
    /// Revokes the staff member's live feed, if any, and stores a new one; true when one was replaced.
    /// Call inside a transaction.
    public static func create(_ c: Connection, staffID: Int64, hash: ByteA) throws -> Bool {
        let replaced = try revoke(c, staffID: staffID)
        try c.execute("INSERT INTO staff_calendar_feeds (staff_user_id, secret_hash) VALUES ($1, $2)", staffID, hash)
        return replaced
    }

    /// Revokes the live feed; false when there was none.
    @discardableResult
    public static func revoke(_ c: Connection, staffID: Int64) throws -> Bool {
        try c.execute("UPDATE staff_calendar_feeds SET revoked_at = now() WHERE staff_user_id = $1 AND revoked_at IS NULL", staffID) > 0
    }

    public static func live(_ c: Connection, staffID: Int64) throws -> CalendarFeedLink? {
        try c.query("""
            SELECT created_at, fetches, last_fetched_at FROM staff_calendar_feeds WHERE staff_user_id = $1 AND revoked_at IS NULL
            """, staffID).first.map { row in
            CalendarFeedLink(createdAt: try row.decode("created_at"), fetches: try row.decode("fetches"), lastFetchedAt: try row.decode("last_fetched_at"))
        }
    }

    /// Whose feed this is (name and role), counting the fetch; nil when the secret is unknown, revoked,
    /// or its owner's account is disabled or has a role this version does not know.
    public static func use(_ c: Connection, hash: ByteA) throws -> (staffID: Int64, name: String, role: StaffRole)? {
        guard let row = try c.query("""
            UPDATE staff_calendar_feeds f SET fetches = fetches + 1, last_fetched_at = now()
            FROM staff_users u
            WHERE f.secret_hash = $1 AND f.revoked_at IS NULL AND u.id = f.staff_user_id AND u.active
            RETURNING u.id, u.name, u.role
            """, hash).first, let role = StaffRole(rawValue: try row.decode("role")) else { return nil }
        return (try row.decode("id"), try row.decode("name"), role)
    }

    /// The events from `from` through `through` that `scope` sees (cancelled ones left out), by day.
    public static func events(_ c: Connection, scope: CalendarFeedScope, from: CalendarDay, through: CalendarDay) throws -> [CalendarFeedEvent] {
        try c.query("""
            SELECT b.public_id, b.event_date::text AS event_date, cl.name AS client_name, b.event_type, b.state,
                   to_char(b.event_start_time, 'HH24:MI') AS start_time, b.venue, b.city, b.guests, s.name AS coordinator_name
            FROM bookings b JOIN clients cl ON cl.id = b.client_id LEFT JOIN staff_users s ON s.id = b.coordinator_id
            WHERE b.event_date BETWEEN $1::date AND $2::date AND b.state <> 'cancelled'
              AND ($3::bigint IS NULL OR b.coordinator_id = $3)
            ORDER BY b.event_date, b.event_start_time NULLS LAST, b.id
            """, from.description, through.description, coordinator(scope)).map { row in
            let state: String = try row.decode("state")
            return CalendarFeedEvent(
                bookingPublicID: try row.decode("public_id"), day: try VendorPayables.day(row, "event_date"),
                clientName: try row.decode("client_name"), eventType: try row.decode("event_type"),
                state: BookingState(rawValue: state) ?? .enquiry, startTime: try row.decode("start_time"), venue: try row.decode("venue"),
                city: try row.decode("city"), guests: try row.decode("guests"), coordinatorName: try row.decode("coordinator_name"))
        }
    }

    /// Unpaid milestones of current proposals of bookings `scope` sees, not cancelled, due from `from` through `through`.
    public static func payments(_ c: Connection, scope: CalendarFeedScope, from: CalendarDay, through: CalendarDay) throws -> [CalendarFeedPayment] {
        try c.query("""
            SELECT m.public_id AS milestone_public_id, b.public_id, m.due_on::text AS due_on, m.label,
                   m.amount_paise - m.amount_paid_paise AS outstanding, cl.name AS client_name, b.event_type
            FROM payment_milestones m
            JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
            JOIN bookings b ON b.id = m.booking_id AND b.state <> 'cancelled'
            JOIN clients cl ON cl.id = b.client_id
            WHERE m.status IN \(DashboardQueries.openStatuses) AND m.due_on BETWEEN $1::date AND $2::date
              AND ($3::bigint IS NULL OR b.coordinator_id = $3)
            ORDER BY m.due_on, m.id
            """, from.description, through.description, coordinator(scope)).map { row in
            CalendarFeedPayment(
                milestonePublicID: try row.decode("milestone_public_id"), bookingPublicID: try row.decode("public_id"),
                dueOn: try VendorPayables.day(row, "due_on"), label: try row.decode("label"),
                outstanding: Money(paise: try row.decode("outstanding")), clientName: try row.decode("client_name"),
                eventType: try row.decode("event_type"))
        }
    }

    static func coordinator(_ scope: CalendarFeedScope) -> Int64? {
        if case .coordinatedBy(let id) = scope { return id }
        return nil
    }
}
