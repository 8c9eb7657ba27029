import Foundation
import RochCore

/// What the team sets when putting a vendor on a booking (beyond the graph node itself).
public struct VendorAssignmentTerms: Sendable, Equatable {
    public var vendorID: Int64
    public var role: String
    public var deliverable: String?
    public var milestoneDate: CalendarDay?
    public var milestoneText: String?
    public var clientVisible: Bool
    public var schedule: VendorPaymentSchedule
    public var notes: String?

    public init(vendorID: Int64, role: String, deliverable: String? = nil, milestoneDate: CalendarDay? = nil, milestoneText: String? = nil,
                clientVisible: Bool = true, schedule: VendorPaymentSchedule, notes: String? = nil) {
        self.vendorID = vendorID
        self.role = role
        self.deliverable = deliverable
        self.milestoneDate = milestoneDate
        self.milestoneText = milestoneText
        self.clientVisible = clientVisible
        self.schedule = schedule
        self.notes = notes
    }
}

/// The desk's columns of an assignment (0021): deliverable, notes and the schedule.
public struct VendorAssignmentExtras: Sendable, Equatable {
    public var deliverable: String?
    public var notes: String?
    public var schedule: VendorPaymentSchedule

    public init(deliverable: String?, notes: String?, schedule: VendorPaymentSchedule) {
        self.deliverable = deliverable
        self.notes = notes
        self.schedule = schedule
    }
}

/// A payment to a vendor as the ledgers show it.
public struct VendorPaymentLine: Sendable, Equatable {
    public var id: Int64
    public var assignmentID: Int64
    public var vendorID: Int64
    public var vendorName: String
    public var role: String
    public var bookingPublicID: String
    public var clientName: String
    public var amount: Money
    public var paidOn: CalendarDay
    public var method: String
    public var reference: String?
    public var overpayment: Bool
    public var recordedBy: String
}

/// One of a vendor's jobs across events (the vendor's page).
public struct VendorJob: Sendable, Equatable {
    public var assignmentID: Int64
    public var bookingPublicID: String
    public var clientName: String
    public var eventDate: CalendarDay
    public var role: String
    public var status: VendorAssignmentStatus
    public var milestoneDate: CalendarDay?
    public var agreed: Money
    public var paid: Money
    public var paymentDueOn: CalendarDay?
}

/// A vendor with another job on the same day as one of this booking's milestones.
public struct VendorDoubleBooking: Sendable, Equatable {
    public var assignmentID: Int64
    public var date: CalendarDay
    public var otherBookingPublicID: String
    public var otherRole: String
}

/// A vendor payment due soon or overdue ("pay these this week").
public struct VendorPaymentDue: Sendable, Equatable {
    public var assignmentID: Int64
    public var vendorID: Int64
    public var vendorName: String
    public var role: String
    public var bookingPublicID: String
    public var dueOn: CalendarDay
    public var outstanding: Money
}

public struct VendorAssignmentRemovalRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The vendors desk's writes and reads beside VendorRepository (graph) and VendorPayables (money).
public enum VendorDesk {
    /// Puts a vendor on a booking with its terms; audited. In the caller's transaction.
    public static func assign(_ c: Connection, bookingID: Int64, _ t: VendorAssignmentTerms, actor: String) throws -> Int64 {
        try VendorRepository.lockGraph(c, bookingID: bookingID)
        let a = try VendorRepository.insertAssignment(c, NewVendorAssignment(
            bookingID: bookingID, vendorID: t.vendorID, role: t.role, milestoneDate: t.milestoneDate, milestoneText: t.milestoneText,
            clientVisible: t.clientVisible, amountAgreed: t.schedule.agreed, paymentDueOn: t.schedule.nextDueOn(paid: .zero)))
        try c.execute("""
            UPDATE vendor_assignments SET deliverable = $2, notes = $3, advance_amount = $4, advance_due_on = $5::date, balance_due_on = $6::date
            WHERE id = $1
            """, a.id, t.deliverable, t.notes, t.schedule.advance.paise, t.schedule.advanceDueOn?.description, t.schedule.balanceDueOn?.description)
        try TeamRepository.audit(c, actor: actor, action: "vendor.assigned", entity: "vendor_assignment", entityID: String(a.id),
                                 details: ["booking_id": String(bookingID), "vendor_id": String(t.vendorID), "role": a.role,
                                           "agreed_paise": String(t.schedule.agreed.paise)])
        return a.id
    }

    /// The desk's columns of every assignment of a booking, by id.
    public static func extras(_ c: Connection, bookingID: Int64) throws -> [Int64: VendorAssignmentExtras] {
        var result: [Int64: VendorAssignmentExtras] = [:]
        for row in try c.query("""
            SELECT id, deliverable, notes, amount_agreed, advance_amount, advance_due_on::text AS advance_due_on,
                   balance_due_on::text AS balance_due_on FROM vendor_assignments WHERE booking_id = $1
            """, bookingID) {
            result[try row.decode("id")] = VendorAssignmentExtras(
                deliverable: try row.decode("deliverable"), notes: try row.decode("notes"),
                schedule: VendorPaymentSchedule(agreed: Money(paise: try row.decode("amount_agreed")), advance: Money(paise: try row.decode("advance_amount")),
                                                advanceDueOn: (try row.decode("advance_due_on", as: String?.self)).flatMap(CalendarDay.init),
                                                balanceDueOn: (try row.decode("balance_due_on", as: String?.self)).flatMap(CalendarDay.init)))
        }
        return result
    }

    /// After a payment: `payment_due_on` becomes the due date of the next unpaid part.
    public static func refreshDueDate(_ c: Connection, assignmentID: Int64) throws {
        guard let row = try c.query("""
            SELECT amount_agreed, amount_paid, advance_amount, advance_due_on::text AS a, balance_due_on::text AS b
            FROM vendor_assignments WHERE id = $1
            """, assignmentID).first else { return }
        let schedule = VendorPaymentSchedule(agreed: Money(paise: try row.decode("amount_agreed")), advance: Money(paise: try row.decode("advance_amount")),
                                             advanceDueOn: (try row.decode("a", as: String?.self)).flatMap(CalendarDay.init),
                                             balanceDueOn: (try row.decode("b", as: String?.self)).flatMap(CalendarDay.init))
        let due = schedule.nextDueOn(paid: Money(paise: try row.decode("amount_paid")))
        try c.execute("UPDATE vendor_assignments SET payment_due_on = $2::date WHERE id = $1", assignmentID, due?.description)
    }

    /// Takes an assignment off its booking, unless others wait on it or money has moved
    /// (`VendorAssignmentRemoval`). Audited; in the caller's transaction.
    public static func remove(_ c: Connection, assignmentID: Int64, actor: String) throws {
        guard let a = try VendorRepository.assignment(c, id: assignmentID) else {
            throw VendorAssignmentRemovalRefused(message: "That vendor assignment no longer exists.")
        }
        try VendorRepository.lockGraph(c, bookingID: a.bookingID)
        let waiting: [String] = try c.query("""
            SELECT a.role FROM vendor_dependencies d JOIN vendor_assignments a ON a.id = d.dependent_assignment_id
            WHERE d.required_assignment_id = $1 ORDER BY a.id
            """, assignmentID).map { try $0.decode("role") }
        let payments: Int64 = try c.query("SELECT count(*) AS n FROM vendor_payments WHERE assignment_id = $1", assignmentID).first!.decode("n")
        let paid = payments > 0 && a.amountPaid == .zero ? Money(paise: 1) : a.amountPaid
        if let why = VendorAssignmentRemoval.refusal(role: a.role, waitingRoles: waiting, paid: paid) {
            throw VendorAssignmentRemovalRefused(message: why)
        }
        try c.execute("DELETE FROM vendor_assignments WHERE id = $1", assignmentID)
        try TeamRepository.audit(c, actor: actor, action: "vendor.unassigned", entity: "vendor_assignment", entityID: String(assignmentID),
                                 details: ["booking_id": String(a.bookingID), "vendor_id": String(a.vendorID), "role": a.role])
    }

    static let paymentColumns = """
        p.id, p.assignment_id, v.id AS vendor_id, v.name AS vendor_name, a.role, b.public_id, cl.name AS client_name, p.amount,
        p.paid_on::text AS paid_on, p.method, p.reference, p.overpayment, p.recorded_by
        FROM vendor_payments p JOIN vendor_assignments a ON a.id = p.assignment_id JOIN vendors v ON v.id = a.vendor_id
        JOIN bookings b ON b.id = a.booking_id JOIN clients cl ON cl.id = b.client_id
        """

    /// Payments, newest first: of one vendor, of one booking, or (for the CSV export) all in a date range.
    public static func payments(_ c: Connection, vendorID: Int64? = nil, bookingID: Int64? = nil,
                                from: CalendarDay? = nil, to: CalendarDay? = nil) throws -> [VendorPaymentLine] {
        try c.query("""
            SELECT \(paymentColumns)
            WHERE ($1::bigint IS NULL OR v.id = $1) AND ($2::bigint IS NULL OR a.booking_id = $2)
              AND ($3::date IS NULL OR p.paid_on >= $3::date) AND ($4::date IS NULL OR p.paid_on <= $4::date)
            ORDER BY p.paid_on DESC, p.id DESC
            """, vendorID, bookingID, from?.description, to?.description).map { row in
            VendorPaymentLine(id: try row.decode("id"), assignmentID: try row.decode("assignment_id"), vendorID: try row.decode("vendor_id"),
                              vendorName: try row.decode("vendor_name"), role: try row.decode("role"), bookingPublicID: try row.decode("public_id"),
                              clientName: try row.decode("client_name"), amount: Money(paise: try row.decode("amount")),
                              paidOn: try VendorPayables.day(row, "paid_on"), method: try row.decode("method"),
                              reference: try row.decode("reference"), overpayment: try row.decode("overpayment"),
                              recordedBy: try row.decode("recorded_by"))
        }
    }

    /// A vendor's jobs across events, latest event first.
    public static func jobs(_ c: Connection, vendorID: Int64) throws -> [VendorJob] {
        try c.query("""
            SELECT a.id, b.public_id, cl.name AS client_name, b.event_date::text AS event_date, a.role, a.status,
                   a.milestone_date::text AS milestone_date, a.amount_agreed, a.amount_paid, a.payment_due_on::text AS due
            FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id JOIN clients cl ON cl.id = b.client_id
            WHERE a.vendor_id = $1 ORDER BY b.event_date DESC, a.id LIMIT 500
            """, vendorID).map { row in
            VendorJob(assignmentID: try row.decode("id"), bookingPublicID: try row.decode("public_id"), clientName: try row.decode("client_name"),
                      eventDate: try VendorPayables.day(row, "event_date"),
                      role: try row.decode("role"), status: VendorAssignmentStatus(rawValue: try row.decode("status")) ?? .pending,
                      milestoneDate: (try row.decode("milestone_date", as: String?.self)).flatMap(CalendarDay.init),
                      agreed: Money(paise: try row.decode("amount_agreed")), paid: Money(paise: try row.decode("amount_paid")),
                      paymentDueOn: (try row.decode("due", as: String?.self)).flatMap(CalendarDay.init))
        }
    }

    /// The booking's vendors who have another unfinished job dated the same day as their milestone here.
    public static func doubleBookings(_ c: Connection, bookingID: Int64) throws -> [VendorDoubleBooking] {
        try c.query("""
            SELECT a.id, a.milestone_date::text AS day, b.public_id, o.role
            FROM vendor_assignments a
            JOIN vendor_assignments o ON o.vendor_id = a.vendor_id AND o.milestone_date = a.milestone_date AND o.booking_id <> a.booking_id
                 AND o.status NOT IN ('delivered', 'cancelled')
            JOIN bookings b ON b.id = o.booking_id
            WHERE a.booking_id = $1 AND a.status NOT IN ('delivered', 'cancelled')
            ORDER BY a.id, b.public_id
            """, bookingID).map { row in
            VendorDoubleBooking(assignmentID: try row.decode("id"), date: try VendorPayables.day(row, "day"),
                                otherBookingPublicID: try row.decode("public_id"), otherRole: try row.decode("role"))
        }
    }

    /// Unpaid vendor parts due by a week from `today` (overdue included), soonest first.
    public static func dueThisWeek(_ c: Connection, today: CalendarDay) throws -> [VendorPaymentDue] {
        try c.query("""
            SELECT a.id, v.id AS vendor_id, v.name, a.role, b.public_id, a.payment_due_on::text AS due,
                   a.amount_agreed - a.amount_paid AS outstanding
            FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id JOIN bookings b ON b.id = a.booking_id
            WHERE a.status <> 'cancelled' AND a.amount_paid < a.amount_agreed AND a.payment_due_on <= $1::date
            ORDER BY a.payment_due_on, a.id
            """, today.adding(days: 7).description).map { row in
            VendorPaymentDue(assignmentID: try row.decode("id"), vendorID: try row.decode("vendor_id"), vendorName: try row.decode("name"),
                             role: try row.decode("role"), bookingPublicID: try row.decode("public_id"),
                             dueOn: try VendorPayables.day(row, "due"), outstanding: Money(paise: try row.decode("outstanding")))
        }
    }

    /// What the team did with this vendor and their assignments (audit rows), newest first.
    public static func history(_ c: Connection, vendorID: Int64) throws -> [(action: String, actor: String, at: Date)] {
        try c.query("""
            SELECT l.action, COALESCE(s.name, l.actor) AS actor, l.at FROM audit_log l
            LEFT JOIN staff_users s ON l.actor = 'staff:' || s.id
            WHERE (l.entity = 'vendor' AND l.entity_id = $2)
               OR (l.entity = 'vendor_assignment' AND l.entity_id IN (SELECT id::text FROM vendor_assignments WHERE vendor_id = $1))
            ORDER BY l.at DESC, l.id DESC LIMIT 100
            """, vendorID, String(vendorID)).map { (try $0.decode("action"), try $0.decode("actor"), try $0.decode("at")) }
    }
}

extension VendorDesk {
    /// Every note on the booking's assignments (what vendors reported and what the team wrote), by assignment, oldest first.
    public static func notes(_ c: Connection, bookingID: Int64) throws -> [Int64: [VendorNote]] {
        var result: [Int64: [VendorNote]] = [:]
        for row in try c.query("""
            SELECT n.assignment_id, n.author, n.body, n.created_at FROM vendor_assignment_notes n
            JOIN vendor_assignments a ON a.id = n.assignment_id WHERE a.booking_id = $1 ORDER BY n.id
            """, bookingID) {
            result[try row.decode("assignment_id"), default: []].append(
                VendorNote(author: try row.decode("author"), body: try row.decode("body"), at: try row.decode("created_at")))
        }
        return result
    }
}
