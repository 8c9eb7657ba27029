import Foundation
import RochCore

/// A booking as stored.
public struct BookingRecord: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var clientID: Int64
    public var state: BookingState
    public var eventType: String
    public var eventDate: CalendarDay
    /// "HH:MM" local time in Asia/Kolkata, when agreed.
    public var eventStartTime: String?
    public var city: String
    public var venue: String?
    public var guests: Int
    public var budget: String
    public var services: [String]
    public var notes: String?
    public var coordinatorID: Int64?
    public var createdAt: Date
}

/// The contact details a visitor typed on the public form, kept on the booking as submitted: they
/// never change the client's stored details (the team compares and adopts them from the staff side).
public struct SubmittedContact: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var whatsAppConsent: Bool

    public init(name: String, email: String?, whatsAppConsent: Bool) {
        self.name = name
        self.email = email
        self.whatsAppConsent = whatsAppConsent
    }
}

/// What the enquiry form creates (the enquiry's name, email and consent are stored as `SubmittedContact`).
public struct NewBooking: Sendable {
    public var publicID: String
    public var clientID: Int64
    public var enquiry: Enquiry
    public var sourceIP: String?
    /// How it reached Roch (the website's form unless the team entered it by hand).
    public var source: BookingSource

    public init(publicID: String, clientID: Int64, enquiry: Enquiry, sourceIP: String?, source: BookingSource = .website) {
        self.publicID = publicID
        self.clientID = clientID
        self.enquiry = enquiry
        self.sourceIP = sourceIP
        self.source = source
    }
}

public enum BookingRepository {
    static let columns = """
        id, public_id, client_id, state, event_type, event_date::text AS event_date,
        to_char(event_start_time, 'HH24:MI') AS event_start_time, city, venue, guests, budget, services, notes,
        coordinator_id, created_at
        """

    /// Inserts the booking unless one with the same idempotency key exists.
    /// Returns the booking and whether this call created it.
    public static func insert(_ c: Connection, _ b: NewBooking) throws -> (booking: BookingRecord, created: Bool) {
        let e = b.enquiry
        let inserted = try c.query("""
            INSERT INTO bookings (public_id, client_id, event_type, event_date, city, venue, guests, budget,
                                  services, notes, idempotency_key, source_ip,
                                  submitted_name, submitted_email, submitted_whatsapp_consent, source)
            VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING \(columns)
            """, b.publicID, b.clientID, e.eventType.rawValue, e.eventDate.description, e.city, e.venue, e.guests,
            e.budget.rawValue, e.services.map(\.rawValue), e.notes, e.idempotencyKey, b.sourceIP,
            e.name, e.email, e.whatsAppConsent, b.source.rawValue)
        if let row = inserted.first { return (try record(row), true) }
        // Another request with this key won (and has committed: ON CONFLICT waited for it).
        guard let key = e.idempotencyKey, let existing = try find(c, idempotencyKey: key) else {
            throw PostgresError(kind: .other, message: "booking insert returned nothing")
        }
        return (existing, false)
    }

    /// What the visitor typed on the form for this booking; nil for bookings made before it was recorded.
    public static func submittedContact(_ c: Connection, bookingID: Int64) throws -> SubmittedContact? {
        guard let row = try c.query("""
            SELECT submitted_name, submitted_email, submitted_whatsapp_consent FROM bookings WHERE id = $1
            """, bookingID).first, let name = try row.decode("submitted_name", as: String?.self) else { return nil }
        return SubmittedContact(name: name, email: try row.decode("submitted_email"),
                                whatsAppConsent: try row.decode("submitted_whatsapp_consent", as: Bool?.self) ?? false)
    }

    /// How the booking reached Roch; nil for bookings made before migration 0033 recorded it.
    public static func source(_ c: Connection, bookingID: Int64) throws -> BookingSource? {
        try c.query("SELECT source FROM bookings WHERE id = $1", bookingID).first
            .flatMap { try $0.decode("source", as: String?.self) }.flatMap(BookingSource.init(rawValue:))
    }

    public static func find(_ c: Connection, idempotencyKey: String) throws -> BookingRecord? {
        try c.query("SELECT \(columns) FROM bookings WHERE idempotency_key = $1", idempotencyKey).first.map(record)
    }

    public static func find(_ c: Connection, publicID: String) throws -> BookingRecord? {
        try c.query("SELECT \(columns) FROM bookings WHERE public_id = $1", publicID).first.map(record)
    }

    public static func find(_ c: Connection, id: Int64) throws -> BookingRecord? {
        try c.query("SELECT \(columns) FROM bookings WHERE id = $1", id).first.map(record)
    }

    /// Locks the booking row for the rest of the transaction (transitions serialise on it).
    public static func lock(_ c: Connection, id: Int64) throws -> BookingRecord? {
        try c.query("SELECT \(columns) FROM bookings WHERE id = $1 FOR UPDATE", id).first.map(record)
    }

    public static func setState(_ c: Connection, id: Int64, to state: BookingState) throws {
        try c.execute("UPDATE bookings SET state = $2, updated_at = now() WHERE id = $1", id, state.rawValue)
    }

    public static func assignCoordinator(_ c: Connection, id: Int64, staffUserID: Int64?) throws {
        try c.execute("UPDATE bookings SET coordinator_id = $2, updated_at = now() WHERE id = $1", id, staffUserID)
    }

    /// Sets the agreed start time ("HH:MM", Asia/Kolkata) and/or moves the date.
    public static func schedule(_ c: Connection, id: Int64, date: CalendarDay, startTime: String?) throws {
        try c.execute("UPDATE bookings SET event_date = $2::date, event_start_time = $3::time, updated_at = now() WHERE id = $1",
                      id, date.description, startTime)
    }

    public static func hasProposal(_ c: Connection, bookingID: Int64) throws -> Bool {
        try c.query("SELECT EXISTS (SELECT 1 FROM proposals WHERE booking_id = $1 AND status <> 'superseded') AS p",
                    bookingID).first!.decode("p")
    }

    static func record(_ row: Row) throws -> BookingRecord {
        let stateText: String = try row.decode("state")
        let dateText: String = try row.decode("event_date")
        guard let state = BookingState(rawValue: stateText), let date = CalendarDay(dateText) else {
            throw PostgresError(kind: .decoding, message: "booking row has state \(stateText) / date \(dateText)")
        }
        return BookingRecord(
            id: try row.decode("id"), publicID: try row.decode("public_id"), clientID: try row.decode("client_id"),
            state: state, eventType: try row.decode("event_type"), eventDate: date,
            eventStartTime: try row.decode("event_start_time"), city: try row.decode("city"), venue: try row.decode("venue"),
            guests: try row.decode("guests"), budget: try row.decode("budget"), services: try row.decode("services"),
            notes: try row.decode("notes"), coordinatorID: try row.decode("coordinator_id"), createdAt: try row.decode("created_at"))
    }
}
