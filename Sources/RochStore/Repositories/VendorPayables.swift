import Foundation
import RochCore

/// What Roch still owes one vendor across its events.
public struct VendorPayable: Sendable, Equatable {
    public var vendorID: Int64
    public var vendorName: String
    public var agreed: Money
    public var paid: Money
    public var outstanding: Money
    /// The part of `outstanding` whose payment date has passed.
    public var overdue: Money
}

/// What Roch still owes the vendors of one event.
public struct EventPayable: Sendable, Equatable {
    public var bookingID: Int64
    public var bookingPublicID: String
    public var eventDate: CalendarDay
    public var clientName: String
    public var agreed: Money
    public var paid: Money
    public var outstanding: Money
}

/// One assignment whose vendor should have been paid already.
public struct OverdueVendorPayment: Sendable, Equatable {
    public var assignmentID: Int64
    public var bookingID: Int64
    public var vendorID: Int64
    public var vendorName: String
    public var role: String
    public var dueOn: CalendarDay
    public var daysOverdue: Int
    public var outstanding: Money
}

/// The payables view of the admin dashboard.
public struct VendorPayablesSummary: Sendable, Equatable {
    /// Vendors with something outstanding, most owed first.
    public var byVendor: [VendorPayable]
    /// Events with something outstanding, soonest event first.
    public var byEvent: [EventPayable]
    /// Most overdue first.
    public var overdue: [OverdueVendorPayment]
    public var totalOutstanding: Money
}

/// A payment to a vendor as the team records it.
public struct NewVendorPayment: Sendable {
    public var assignmentID: Int64
    public var amount: Money
    public var paidOn: CalendarDay
    /// upi, bank_transfer, cheque or cash.
    public var method: String
    public var reference: String?
    public var note: String?
    /// Allows paying more than is outstanding (an advance for extra work); recorded as such.
    public var allowOverpayment: Bool
    /// Who recorded it: "staff:12".
    public var recordedBy: String

    public init(assignmentID: Int64, amount: Money, paidOn: CalendarDay, method: String, reference: String? = nil,
                note: String? = nil, allowOverpayment: Bool = false, recordedBy: String) {
        self.assignmentID = assignmentID
        self.amount = amount
        self.paidOn = paidOn
        self.method = method
        self.reference = reference
        self.note = note
        self.allowOverpayment = allowOverpayment
        self.recordedBy = recordedBy
    }
}

public struct VendorPaymentRecord: Sendable, Equatable {
    public var id: Int64
    public var assignmentID: Int64
    public var amount: Money
    /// What is still owed on the assignment after this payment (negative after an allowed overpayment).
    public var outstandingAfter: Money
}

/// Why a vendor payment was not recorded; shown to the person as it is.
public struct VendorPaymentRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case unknownAssignment, notPositive, exceedsOutstanding, invalidMethod }
    public var kind: Kind
    public var outstanding: Money?
    public var message: String
    public var description: String { message }

    public init(kind: Kind, outstanding: Money?, message: String) {
        self.kind = kind
        self.outstanding = outstanding
        self.message = message
    }
}

/// Vendor money: what is owed per vendor and per event, what is overdue, and recording payments.
/// Cancelled assignments owe nothing; amounts are paise throughout.
public enum VendorPayables {
    public static let methods = ["upi", "bank_transfer", "cheque", "cash"]

    public static func summary(_ c: Connection, today: CalendarDay) throws -> VendorPayablesSummary {
        let open = "a.status <> 'cancelled' AND a.amount_paid < a.amount_agreed"
        let byVendor = try c.query("""
            SELECT v.id, v.name, sum(a.amount_agreed) AS agreed, sum(a.amount_paid) AS paid,
                   sum(a.amount_agreed - a.amount_paid) AS outstanding,
                   COALESCE(sum(a.amount_agreed - a.amount_paid) FILTER (WHERE a.payment_due_on < $1::date), 0) AS overdue
            FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id
            WHERE \(open)
            GROUP BY v.id, v.name ORDER BY outstanding DESC, v.id
            """, today.description).map { row in
            VendorPayable(vendorID: try row.decode("id"), vendorName: try row.decode("name"), agreed: try money(row, "agreed"),
                          paid: try money(row, "paid"), outstanding: try money(row, "outstanding"), overdue: try money(row, "overdue"))
        }
        let byEvent = try c.query("""
            SELECT b.id, b.public_id, b.event_date::text AS event_date, cl.name AS client_name, sum(a.amount_agreed) AS agreed,
                   sum(a.amount_paid) AS paid, sum(a.amount_agreed - a.amount_paid) AS outstanding
            FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id JOIN clients cl ON cl.id = b.client_id
            WHERE \(open)
            GROUP BY b.id, b.public_id, b.event_date, cl.name ORDER BY b.event_date, b.id
            """).map { row in
            EventPayable(bookingID: try row.decode("id"), bookingPublicID: try row.decode("public_id"),
                         eventDate: try day(row, "event_date"), clientName: try row.decode("client_name"),
                         agreed: try money(row, "agreed"), paid: try money(row, "paid"), outstanding: try money(row, "outstanding"))
        }
        let overdue = try c.query("""
            SELECT a.id, a.booking_id, v.id AS vendor_id, v.name, a.role, a.payment_due_on::text AS due_on,
                   $1::date - a.payment_due_on AS days_overdue, a.amount_agreed - a.amount_paid AS outstanding
            FROM vendor_assignments a JOIN vendors v ON v.id = a.vendor_id
            WHERE \(open) AND a.payment_due_on < $1::date
            ORDER BY a.payment_due_on, a.id
            """, today.description).map { row in
            OverdueVendorPayment(assignmentID: try row.decode("id"), bookingID: try row.decode("booking_id"),
                                 vendorID: try row.decode("vendor_id"), vendorName: try row.decode("name"), role: try row.decode("role"),
                                 dueOn: try day(row, "due_on"), daysOverdue: try row.decode("days_overdue"),
                                 outstanding: try money(row, "outstanding"))
        }
        return VendorPayablesSummary(byVendor: byVendor, byEvent: byEvent, overdue: overdue,
                                     totalOutstanding: byVendor.reduce(Money.zero) { $0 + $1.outstanding })
    }

    /// The worker job that issues a recorded payment's voucher.
    public static let voucherJobKind = "issue_vendor_voucher"

    /// Records a payment in the caller's transaction: locks the assignment, refuses more than is
    /// outstanding unless `allowOverpayment`, and keeps `amount_paid` equal to the sum of payments.
    public static func record(_ c: Connection, _ p: NewVendorPayment) throws -> VendorPaymentRecord {
        guard methods.contains(p.method) else {
            throw VendorPaymentRefused(kind: .invalidMethod, outstanding: nil,
                                       message: "Payment method must be one of \(methods.joined(separator: ", ")).")
        }
        guard p.amount.paise > 0 else {
            throw VendorPaymentRefused(kind: .notPositive, outstanding: nil, message: "The amount must be more than ₹0.")
        }
        guard let row = try c.query("""
            SELECT amount_agreed, amount_paid, status FROM vendor_assignments WHERE id = $1 FOR UPDATE
            """, p.assignmentID).first else {
            throw VendorPaymentRefused(kind: .unknownAssignment, outstanding: nil, message: "Vendor assignment \(p.assignmentID) does not exist.")
        }
        let outstanding = Money(paise: try row.decode("amount_agreed", as: Int64.self) - row.decode("amount_paid", as: Int64.self))
        let status: String = try row.decode("status")
        let owed = status == VendorAssignmentStatus.cancelled.rawValue ? Money.zero : max(outstanding, .zero)
        let over = p.amount > owed
        if over && !p.allowOverpayment {
            throw VendorPaymentRefused(kind: .exceedsOutstanding, outstanding: owed,
                                       message: "\(p.amount.inr) is more than the \(owed.inr) outstanding. Tick “pay more than outstanding” if this is intended.")
        }
        let id: Int64 = try c.query("""
            INSERT INTO vendor_payments (assignment_id, amount, paid_on, method, reference, note, overpayment, recorded_by)
            VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8) RETURNING id
            """, p.assignmentID, p.amount.paise, p.paidOn.description, p.method, p.reference, p.note, over, p.recordedBy).first!.decode("id")
        try c.execute("UPDATE vendor_assignments SET amount_paid = amount_paid + $2, updated_at = now() WHERE id = $1",
                      p.assignmentID, p.amount.paise)
        try TeamRepository.audit(c, actor: p.recordedBy, action: "vendor.payment", entity: "vendor_assignment",
                                 entityID: String(p.assignmentID),
                                 details: ["amount_paise": String(p.amount.paise), "method": p.method, "overpayment": over ? "yes" : "no"])
        // Its voucher (PDF) is issued by the worker (VendorVoucherJob), whichever path recorded the payment.
        _ = try OutboxRepository.enqueueJob(c, kind: voucherJobKind, idempotencyKey: "\(voucherJobKind):\(id)",
                                            payload: try JSONB(encoding: ["vendor_payment_id": String(id)]))
        return VendorPaymentRecord(id: id, assignmentID: p.assignmentID, amount: p.amount, outstandingAfter: outstanding - p.amount)
    }

    static func money(_ row: Row, _ column: String) throws -> Money { Money(paise: try row.decode(column)) }

    static func day(_ row: Row, _ column: String) throws -> CalendarDay {
        let text: String = try row.decode(column)
        guard let d = CalendarDay(text) else { throw PostgresError(kind: .decoding, message: "\(column) is \(text)") }
        return d
    }
}
