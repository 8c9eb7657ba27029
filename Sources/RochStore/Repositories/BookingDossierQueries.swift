import Foundation
import RochCore

/// Reads a `BookingDossier`: one query per section (nine round trips, the vendors' blocked reasons
/// being VendorGraphQueries' per-booking read). Run it inside a REPEATABLE READ transaction when the
/// sections must come from one snapshot; on its own each section is consistent in itself.
public enum BookingDossierQueries {
    /// Audit rows a dossier shows at most (the newest ones).
    public static let auditLimit = 200

    /// The dossier of the booking with this public id; nil when there is none. Any text is safe to
    /// pass: ids that cannot be a booking's (empty, too long, characters outside [A-Za-z0-9_-]) are
    /// answered nil without a query.
    public static func load(_ c: Connection, publicID: String) throws -> BookingDossier? {
        guard isPlausiblePublicID(publicID), let row = try c.query(bookingSQL, publicID).first else { return nil }
        let booking = try self.booking(row)
        let client = try self.client(row)
        let vendors = try VendorRepository.assignments(c, bookingID: booking.id)
        let blocked = vendors.isEmpty ? [] : try VendorGraphQueries.blocked(c, .booking(booking.id))
        let blockedByID = Dictionary(uniqueKeysWithValues: blocked.map { ($0.id, $0) })
        return BookingDossier(
            booking: booking, client: client, submitted: try submitted(row, client: client),
            history: try history(c, bookingID: booking.id),
            timeline: try c.query("""
                SELECT id, booking_id, kind, title, body, data::text AS data, created_at FROM portal_events
                WHERE booking_id = $1 ORDER BY id
                """, booking.id).map(TimelineRepository.record),
            milestones: try PaymentMilestoneRepository.forBooking(c, bookingID: booking.id),
            payments: try payments(c, bookingID: booking.id),
            vendors: vendors.map { BookingDossier.Vendor(assignment: $0, blocked: blockedByID[$0.id]) },
            tasks: try tasks(c, bookingID: booking.id),
            audit: try audit(c, publicID: booking.publicID))
    }

    /// Public ids are URL-safe (PublicID.make() is lower-case base32; demo ids use `_`).
    static func isPlausiblePublicID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// The booking, its client and coordinator in one row. What the form submitted is read through
    /// `to_jsonb(b)`, so this works before and after migration 0010 adds bookings.submitted_name,
    /// submitted_email and submitted_whatsapp_consent (absent columns read as NULL): the hook for
    /// the "submitted details differ" section.
    static let bookingSQL = """
        SELECT b.id, b.public_id, b.state, b.event_type, b.event_date::text AS event_date,
               to_char(b.event_start_time, 'HH24:MI') AS event_start_time, b.city, b.venue, b.guests, b.budget, b.services,
               b.notes, b.source_ip, b.idempotency_key IS NOT NULL AS from_form, b.coordinator_id, s.name AS coordinator_name,
               b.created_at, b.updated_at,
               c.id AS client_id, c.name AS client_name, c.phone AS client_phone, c.email AS client_email,
               c.whatsapp_consent, c.whatsapp_consent_at, c.last_inbound_at,
               to_jsonb(b) ->> 'submitted_name' AS submitted_name, to_jsonb(b) ->> 'submitted_email' AS submitted_email,
               to_jsonb(b) ->> 'submitted_whatsapp_consent' AS submitted_whatsapp_consent
        FROM bookings b
        JOIN clients c ON c.id = b.client_id
        LEFT JOIN staff_users s ON s.id = b.coordinator_id
        WHERE b.public_id = $1
        """

    static func booking(_ row: Row) throws -> BookingDossier.Booking {
        let stateText: String = try row.decode("state"), dateText: String = try row.decode("event_date")
        guard let state = BookingState(rawValue: stateText), let date = CalendarDay(dateText) else {
            throw PostgresError(kind: .decoding, message: "booking row has state \(stateText) / date \(dateText)")
        }
        return BookingDossier.Booking(
            id: try row.decode("id"), publicID: try row.decode("public_id"), state: state, eventType: try row.decode("event_type"),
            eventDate: date, eventStartTime: try row.decode("event_start_time"), city: try row.decode("city"),
            venue: try row.decode("venue"), guests: try row.decode("guests"), budget: try row.decode("budget"),
            services: try row.decode("services"), notes: try row.decode("notes"), sourceIP: try row.decode("source_ip"),
            fromEnquiryForm: try row.decode("from_form"), coordinatorID: try row.decode("coordinator_id"),
            coordinatorName: try row.decode("coordinator_name"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }

    static func client(_ row: Row) throws -> BookingDossier.Client {
        BookingDossier.Client(
            id: try row.decode("client_id"), name: try row.decode("client_name"), phone: try row.decode("client_phone"),
            email: try row.decode("client_email"), whatsAppConsent: try row.decode("whatsapp_consent"),
            whatsAppConsentAt: try row.decode("whatsapp_consent_at"), lastInboundAt: try row.decode("last_inbound_at"))
    }

    /// Only the submitted fields that differ from the client record; nil when none do.
    static func submitted(_ row: Row, client: BookingDossier.Client) throws -> BookingDossier.SubmittedDetails? {
        let name: String? = try row.decode("submitted_name")
        let email: String? = try row.decode("submitted_email")
        let consent: Bool? = try (row.decode("submitted_whatsapp_consent") as String?).map { try Bool(sqlText: $0) }
        let details = BookingDossier.SubmittedDetails(
            name: name.flatMap { $0 == client.name ? nil : $0 },
            email: email.flatMap { $0.lowercased() == client.email?.lowercased() ? nil : $0 },
            whatsAppConsent: consent.flatMap { $0 == client.whatsAppConsent ? nil : $0 })
        return details == BookingDossier.SubmittedDetails() ? nil : details
    }

    static func history(_ c: Connection, bookingID: Int64) throws -> [BookingDossier.StateChange] {
        try c.query("""
            SELECT from_state, to_state, event, actor, note, at FROM booking_transitions WHERE booking_id = $1 ORDER BY id
            """, bookingID).map { row in
            let fromText: String? = try row.decode("from_state"), toText: String = try row.decode("to_state")
            guard let to = BookingState(rawValue: toText) else {
                throw PostgresError(kind: .decoding, message: "booking transition to \(toText)")
            }
            let from = try fromText.map { text in
                guard let state = BookingState(rawValue: text) else {
                    throw PostgresError(kind: .decoding, message: "booking transition from \(text)")
                }
                return state
            }
            return BookingDossier.StateChange(from: from, to: to, event: try row.decode("event"), actor: try row.decode("actor"),
                                              note: try row.decode("note"), at: try row.decode("at"))
        }
    }

    /// Captured (and refunded) payments of every milestone of the booking, superseded ones
    /// included: money received stays on record. In the order it came in.
    static func payments(_ c: Connection, bookingID: Int64) throws -> [BookingDossier.ReceivedPayment] {
        try c.query("""
            SELECT p.razorpay_payment_id, m.label, p.amount_paise, p.currency, p.status, p.method,
                   COALESCE(p.captured_at, p.created_at) AS at, i.number, i.public_token
            FROM payment_milestones m
            JOIN payments p ON p.milestone_id = m.id
            LEFT JOIN invoices i ON i.payment_id = p.id
            WHERE m.booking_id = $1 AND p.status IN ('captured', 'refunded')
            ORDER BY COALESCE(p.captured_at, p.created_at), p.id
            """, bookingID).map { row in
            BookingDossier.ReceivedPayment(
                razorpayPaymentID: try row.decode("razorpay_payment_id"), milestoneLabel: try row.decode("label"),
                amount: Money(paise: try row.decode("amount_paise")), currency: try row.decode("currency"),
                status: try row.decode("status"), method: try row.decode("method"), at: try row.decode("at"),
                receiptNumber: try row.decode("number"), receiptToken: try row.decode("public_token"))
        }
    }

    static func tasks(_ c: Connection, bookingID: Int64) throws -> [BookingDossier.TeamTask] {
        try c.query("""
            SELECT t.id, t.title, t.assignee_role, t.assignee_id, s.name AS assignee_name, t.due_at, t.done_at, t.created_at
            FROM tasks t LEFT JOIN staff_users s ON s.id = t.assignee_id
            WHERE t.booking_id = $1
            ORDER BY t.done_at IS NOT NULL, t.due_at NULLS LAST, t.done_at DESC, t.id
            """, bookingID).map { row in
            BookingDossier.TeamTask(
                id: try row.decode("id"), title: try row.decode("title"), assigneeRole: try row.decode("assignee_role"),
                assigneeID: try row.decode("assignee_id"), assigneeName: try row.decode("assignee_name"),
                dueAt: try row.decode("due_at"), doneAt: try row.decode("done_at"), createdAt: try row.decode("created_at"))
        }
    }

    /// The newest `auditLimit` rows about the booking (AuditLogQueries' booking rule), oldest first.
    static func audit(_ c: Connection, publicID: String) throws -> [AuditEntry] {
        try c.query("""
            SELECT * FROM (
                SELECT a.id, a.at, a.actor, s.name AS actor_name, a.action, a.entity, a.entity_id, a.details::text AS details
                FROM audit_log a LEFT JOIN staff_users s ON s.id = \(AuditLogQueries.actorStaffID("a"))
                WHERE \(AuditLogQueries.bookingRows("$1"))
                ORDER BY a.at DESC, a.id DESC LIMIT $2
            ) newest ORDER BY at, id
            """, publicID, auditLimit).map(AuditLogQueries.entry)
    }
}
