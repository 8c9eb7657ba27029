import Foundation
import RochCore

/// What a payment's documents print: the receipt row settlement numbered, its payment, milestone,
/// booking and client.
public struct PaymentDocumentFacts: Sendable {
    public var receiptID: Int64
    public var receiptNumber: String
    public var receivedOn: CalendarDay
    public var amount: Money
    public var gstRateBP: Int64
    public var paymentID: Int64
    public var razorpayPaymentID: String
    public var milestoneID: Int64
    public var milestoneLabel: String
    public var milestoneAmount: Money
    public var milestonePaid: Money
    public var bookingID: Int64
    public var bookingPublicID: String
    public var eventType: String
    public var eventDate: CalendarDay
    public var city: String
    public var clientID: Int64
    public var clientName: String
    public var clientPhone: String
    public var clientEmail: String?
    /// Given by registered businesses only.
    public var clientGSTIN: String?
}

/// What a refund's credit note prints: the refund and the payment it gives back.
public struct RefundDocumentFacts: Sendable {
    public var refundID: Int64
    public var razorpayRefundID: String
    public var amount: Money
    public var payment: PaymentDocumentFacts
}

public enum DocumentFacts {
    static let paymentSelect = """
        SELECT i.id AS receipt_id, i.number, i.issued_on::text AS issued_on, i.amount_paise, i.gst_rate_bp::bigint AS gst_rate_bp,
               p.id AS payment_id, p.razorpay_payment_id, m.id AS milestone_id, m.label, m.amount_paise AS milestone_paise,
               m.amount_paid_paise, b.id AS booking_id, b.public_id AS booking_public_id, b.event_type, b.event_date::text AS event_date,
               b.city, cl.id AS client_id, cl.name AS client_name, cl.phone AS client_phone, cl.email AS client_email, cl.gstin AS client_gstin
        FROM invoices i JOIN payments p ON p.id = i.payment_id JOIN payment_milestones m ON m.id = i.milestone_id
        JOIN bookings b ON b.id = i.booking_id JOIN clients cl ON cl.id = b.client_id
        """

    /// The facts of receipt row `receiptID` (the `invoices` table), or nil.
    public static func payment(_ c: Connection, receiptID: Int64) throws -> PaymentDocumentFacts? {
        try c.query("\(paymentSelect) WHERE i.id = $1", receiptID).first.map(payment)
    }

    /// The facts of refund `refundID` and of the counted payment it refunds, or nil.
    public static func refund(_ c: Connection, refundID: Int64) throws -> RefundDocumentFacts? {
        guard let r = try c.query("SELECT id, razorpay_refund_id, razorpay_payment_id, amount_paise FROM refunds WHERE id = $1", refundID).first,
              let p = try c.query("\(paymentSelect) WHERE p.razorpay_payment_id = $1", try r.decode("razorpay_payment_id", as: String.self)).first
        else { return nil }
        return RefundDocumentFacts(refundID: try r.decode("id"), razorpayRefundID: try r.decode("razorpay_refund_id"),
                                   amount: Money(paise: try r.decode("amount_paise")), payment: try payment(p))
    }

    static func payment(_ row: Row) throws -> PaymentDocumentFacts {
        let issued: String = try row.decode("issued_on"), event: String = try row.decode("event_date")
        guard let receivedOn = CalendarDay(issued), let eventDate = CalendarDay(event) else {
            throw PostgresError(kind: .decoding, message: "receipt dates \(issued) / \(event)")
        }
        return PaymentDocumentFacts(
            receiptID: try row.decode("receipt_id"), receiptNumber: try row.decode("number"), receivedOn: receivedOn,
            amount: Money(paise: try row.decode("amount_paise")), gstRateBP: try row.decode("gst_rate_bp"), paymentID: try row.decode("payment_id"),
            razorpayPaymentID: try row.decode("razorpay_payment_id"), milestoneID: try row.decode("milestone_id"), milestoneLabel: try row.decode("label"),
            milestoneAmount: Money(paise: try row.decode("milestone_paise")), milestonePaid: Money(paise: try row.decode("amount_paid_paise")),
            bookingID: try row.decode("booking_id"), bookingPublicID: try row.decode("booking_public_id"), eventType: try row.decode("event_type"),
            eventDate: eventDate, city: try row.decode("city"), clientID: try row.decode("client_id"), clientName: try row.decode("client_name"),
            clientPhone: try row.decode("client_phone"), clientEmail: try row.decode("client_email"),
            clientGSTIN: try row.decode("client_gstin"))
    }
}

/// What a sent proposal's PDF prints.
public struct ProposalDocumentFacts: Sendable {
    public var proposalID: Int64
    public var total: Money
    public var gstRateBP: Int64
    public var summary: String
    public var sentAt: Date
    public var bookingID: Int64
    public var bookingPublicID: String
    public var eventType: String
    public var eventDate: CalendarDay
    public var city: String
    public var clientID: Int64
    public var clientName: String
    public var clientPhone: String
    public var clientEmail: String?
    public var clientGSTIN: String?
    public var plan: [(label: String, amount: Money, due: CalendarDay)]
}

/// What a vendor payment's voucher prints.
public struct VendorPaymentDocumentFacts: Sendable {
    public var paymentID: Int64
    public var amount: Money
    public var paidOn: CalendarDay
    public var method: String
    public var reference: String?
    public var role: String
    public var bookingID: Int64
    public var bookingPublicID: String
    public var vendorID: Int64
    public var vendorName: String
    public var vendorPhone: String?
    public var vendorEmail: String?
    public var vendorGSTIN: String?
}

extension DocumentFacts {
    public static func proposal(_ c: Connection, proposalID: Int64) throws -> ProposalDocumentFacts? {
        guard let row = try c.query("""
            SELECT p.id, p.total_paise, p.gst_rate_bp::bigint AS gst_rate_bp, p.summary, COALESCE(p.sent_at, p.created_at) AS sent_at,
                   b.id AS booking_id, b.public_id AS booking_public_id, b.event_type, b.event_date::text AS event_date, b.city,
                   cl.id AS client_id, cl.name AS client_name, cl.phone AS client_phone, cl.email AS client_email, cl.gstin AS client_gstin
            FROM proposals p JOIN bookings b ON b.id = p.booking_id JOIN clients cl ON cl.id = b.client_id WHERE p.id = $1
            """, proposalID).first else { return nil }
        let event: String = try row.decode("event_date")
        guard let eventDate = CalendarDay(event) else { throw PostgresError(kind: .decoding, message: "event date \(event)") }
        let plan = try c.query("SELECT label, amount_paise, due_on::text AS due_on FROM payment_milestones WHERE proposal_id = $1 ORDER BY sequence",
                               proposalID).map { m -> (label: String, amount: Money, due: CalendarDay) in
            let due: String = try m.decode("due_on")
            guard let day = CalendarDay(due) else { throw PostgresError(kind: .decoding, message: "due date \(due)") }
            return (try m.decode("label"), Money(paise: try m.decode("amount_paise")), day)
        }
        return ProposalDocumentFacts(
            proposalID: try row.decode("id"), total: Money(paise: try row.decode("total_paise")), gstRateBP: try row.decode("gst_rate_bp"),
            summary: try row.decode("summary"), sentAt: try row.decode("sent_at"), bookingID: try row.decode("booking_id"),
            bookingPublicID: try row.decode("booking_public_id"), eventType: try row.decode("event_type"), eventDate: eventDate,
            city: try row.decode("city"), clientID: try row.decode("client_id"), clientName: try row.decode("client_name"),
            clientPhone: try row.decode("client_phone"), clientEmail: try row.decode("client_email"), clientGSTIN: try row.decode("client_gstin"),
            plan: plan)
    }

    public static func vendorPayment(_ c: Connection, paymentID: Int64) throws -> VendorPaymentDocumentFacts? {
        guard let row = try c.query("""
            SELECT vp.id, vp.amount, vp.paid_on::text AS paid_on, vp.method, vp.reference, a.role, b.id AS booking_id,
                   b.public_id AS booking_public_id, v.id AS vendor_id, v.name, v.phone, v.email, v.gstin
            FROM vendor_payments vp JOIN vendor_assignments a ON a.id = vp.assignment_id JOIN bookings b ON b.id = a.booking_id
            JOIN vendors v ON v.id = a.vendor_id WHERE vp.id = $1
            """, paymentID).first else { return nil }
        let paid: String = try row.decode("paid_on")
        guard let paidOn = CalendarDay(paid) else { throw PostgresError(kind: .decoding, message: "paid_on \(paid)") }
        return VendorPaymentDocumentFacts(
            paymentID: try row.decode("id"), amount: Money(paise: try row.decode("amount")), paidOn: paidOn, method: try row.decode("method"),
            reference: try row.decode("reference"), role: try row.decode("role"), bookingID: try row.decode("booking_id"),
            bookingPublicID: try row.decode("booking_public_id"), vendorID: try row.decode("vendor_id"), vendorName: try row.decode("name"),
            vendorPhone: try row.decode("phone"), vendorEmail: try row.decode("email"), vendorGSTIN: try row.decode("gstin"))
    }
}
