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
