import Foundation
import RochCore

/// What the accountant's CSV exports read, one function per export, each for days in India
/// `from`...`to` (both included), oldest first. Plain rows; the CSV is written in RochApp.
public enum AccountExports {
    public struct PaymentRow: Sendable, Equatable {
        public var day: CalendarDay
        public var razorpayPaymentID: String
        public var receiptNumber: String?
        public var bookingPublicID: String
        public var clientName: String
        public var milestone: String
        public var amount: Money
        public var method: String?
        public var status: String
    }

    /// Captured payments (including ones refunded since), by the day they were captured.
    public static func payments(_ c: Connection, from: CalendarDay, to: CalendarDay) throws -> [PaymentRow] {
        try c.query("""
            SELECT (p.captured_at AT TIME ZONE 'Asia/Kolkata')::date::text AS day, p.razorpay_payment_id, i.number, b.public_id,
                   cl.name, m.label, p.amount_paise, p.method, p.status
            FROM payments p JOIN payment_milestones m ON m.id = p.milestone_id JOIN bookings b ON b.id = m.booking_id
            JOIN clients cl ON cl.id = b.client_id LEFT JOIN invoices i ON i.payment_id = p.id
            WHERE p.status IN ('captured', 'refunded') AND p.captured_at IS NOT NULL
              AND (p.captured_at AT TIME ZONE 'Asia/Kolkata')::date BETWEEN $1::date AND $2::date
            ORDER BY p.captured_at, p.id
            """, from.description, to.description).map { r in
            PaymentRow(day: try VendorPayables.day(r, "day"), razorpayPaymentID: try r.decode("razorpay_payment_id"),
                       receiptNumber: try r.decode("number"), bookingPublicID: try r.decode("public_id"), clientName: try r.decode("name"),
                       milestone: try r.decode("label"), amount: Money(paise: try r.decode("amount_paise")), method: try r.decode("method"),
                       status: try r.decode("status"))
        }
    }

    public struct ReceiptRow: Sendable, Equatable {
        public var number: String
        public var issuedOn: CalendarDay
        public var bookingPublicID: String
        public var clientName: String
        /// Where the event is held (the place of supply of a client without a GSTIN).
        public var city: String
        /// GST included.
        public var gross: Money
        public var taxableValue: Money
        public var tax: Money
        public var rateBasisPoints: Int
    }

    /// Receipts (tax invoices) by the day they were issued: what the dashboard counts as collected.
    public static func receipts(_ c: Connection, from: CalendarDay, to: CalendarDay) throws -> [ReceiptRow] {
        try c.query("""
            SELECT i.number, i.issued_on::text AS issued_on, b.public_id, cl.name, b.city, i.amount_paise, i.net_paise, i.tax_paise, i.gst_rate_bp
            FROM invoices i JOIN bookings b ON b.id = i.booking_id JOIN clients cl ON cl.id = b.client_id
            WHERE i.issued_on BETWEEN $1::date AND $2::date
            ORDER BY i.issued_on, i.financial_year, i.sequence
            """, from.description, to.description).map { r in
            ReceiptRow(number: try r.decode("number"), issuedOn: try VendorPayables.day(r, "issued_on"), bookingPublicID: try r.decode("public_id"),
                       clientName: try r.decode("name"), city: try r.decode("city"), gross: Money(paise: try r.decode("amount_paise")),
                       taxableValue: Money(paise: try r.decode("net_paise")), tax: Money(paise: try r.decode("tax_paise")),
                       rateBasisPoints: try r.decode("gst_rate_bp"))
        }
    }

    public struct RefundRow: Sendable, Equatable {
        public var day: CalendarDay
        public var razorpayRefundID: String
        public var razorpayPaymentID: String
        public var receiptNumber: String?
        public var bookingPublicID: String?
        public var clientName: String?
        public var amount: Money
        public var status: String
    }

    /// Refunds by the day Razorpay reported them.
    public static func refunds(_ c: Connection, from: CalendarDay, to: CalendarDay) throws -> [RefundRow] {
        try c.query("""
            SELECT (r.created_at AT TIME ZONE 'Asia/Kolkata')::date::text AS day, r.razorpay_refund_id, r.razorpay_payment_id, i.number,
                   b.public_id, cl.name, r.amount_paise, r.status
            FROM refunds r LEFT JOIN payments p ON p.razorpay_payment_id = r.razorpay_payment_id
            LEFT JOIN invoices i ON i.payment_id = p.id LEFT JOIN payment_milestones m ON m.id = p.milestone_id
            LEFT JOIN bookings b ON b.id = m.booking_id LEFT JOIN clients cl ON cl.id = b.client_id
            WHERE (r.created_at AT TIME ZONE 'Asia/Kolkata')::date BETWEEN $1::date AND $2::date
            ORDER BY r.created_at, r.id
            """, from.description, to.description).map { r in
            RefundRow(day: try VendorPayables.day(r, "day"), razorpayRefundID: try r.decode("razorpay_refund_id"),
                      razorpayPaymentID: try r.decode("razorpay_payment_id"), receiptNumber: try r.decode("number"),
                      bookingPublicID: try r.decode("public_id"), clientName: try r.decode("name"),
                      amount: Money(paise: try r.decode("amount_paise")), status: try r.decode("status"))
        }
    }

    public struct VendorPaymentRow: Sendable, Equatable {
        public var paidOn: CalendarDay
        public var vendorName: String
        public var vendorGSTIN: String?
        public var role: String
        public var bookingPublicID: String
        public var method: String
        public var reference: String?
        public var amount: Money
    }

    /// Money paid to vendors, by the day it was paid.
    public static func vendorPayments(_ c: Connection, from: CalendarDay, to: CalendarDay) throws -> [VendorPaymentRow] {
        try c.query("""
            SELECT vp.paid_on::text AS paid_on, v.name, v.gstin, a.role, b.public_id, vp.method, vp.reference, vp.amount
            FROM vendor_payments vp JOIN vendor_assignments a ON a.id = vp.assignment_id JOIN vendors v ON v.id = a.vendor_id
            JOIN bookings b ON b.id = a.booking_id
            WHERE vp.paid_on BETWEEN $1::date AND $2::date
            ORDER BY vp.paid_on, vp.id
            """, from.description, to.description).map { r in
            VendorPaymentRow(paidOn: try VendorPayables.day(r, "paid_on"), vendorName: try r.decode("name"), vendorGSTIN: try r.decode("gstin"),
                             role: try r.decode("role"), bookingPublicID: try r.decode("public_id"), method: try r.decode("method"),
                             reference: try r.decode("reference"), amount: Money(paise: try r.decode("amount")))
        }
    }
}
