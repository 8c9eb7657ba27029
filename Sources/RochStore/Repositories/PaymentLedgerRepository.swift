import Foundation
import RochCore

/// A Payment Link we asked Razorpay for (one milestone may have several after re-issues).
public struct PaymentLinkRecord: Sendable, Equatable {
    public var id: Int64
    public var milestoneID: Int64
    public var attempt: Int
    public var referenceID: String
    public var razorpayLinkID: String?
    public var shortURL: String?
    public var amount: Money
    public var status: PaymentLinkStatus
    public var orderID: String?
}

/// A payment as Razorpay reported it.
public struct PaymentRecord: Sendable, Equatable {
    public var id: Int64
    public var razorpayPaymentID: String
    public var milestoneID: Int64?
    public var amount: Money
    public var currency: String
    public var status: String
    public var capturedAt: Date?
}

/// What a webhook says about one payment.
public struct ReportedPayment: Sendable {
    public var razorpayPaymentID: String
    public var orderID: String?
    public var amount: Money
    public var currency: String
    /// `authorized`, `captured`, `failed`, `refunded`.
    public var status: String
    public var method: String?
    public var errorCode: String?
    public var errorDescription: String?

    public init(razorpayPaymentID: String, orderID: String?, amount: Money, currency: String, status: String, method: String?,
                errorCode: String? = nil, errorDescription: String? = nil) {
        self.razorpayPaymentID = razorpayPaymentID
        self.orderID = orderID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.method = method
        self.errorCode = errorCode
        self.errorDescription = errorDescription
    }
}

/// Payment links, payments and refunds: facts that only grow, whatever order webhooks arrive in.
public enum PaymentLedgerRepository {
    static let linkColumns = "id, milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status, razorpay_order_id"

    // MARK: Links

    /// The link being created for the milestone (a reservation left by a crashed worker), if any.
    public static func unfinishedLink(_ c: Connection, milestoneID: Int64) throws -> PaymentLinkRecord? {
        try c.query("SELECT \(linkColumns) FROM payment_links WHERE milestone_id = $1 AND status = 'creating' ORDER BY attempt DESC LIMIT 1",
                    milestoneID).first.map(linkRecord)
    }

    /// How many links the milestone has had.
    public static func linkCount(_ c: Connection, milestoneID: Int64) throws -> Int {
        try c.query("SELECT count(*)::int AS n FROM payment_links WHERE milestone_id = $1", milestoneID).first!.decode("n")
    }

    /// Reserves the next link for the milestone before Razorpay is called.
    public static func reserveLink(_ c: Connection, milestoneID: Int64, attempt: Int, referenceID: String, amount: Money,
                                   expireBy: Date) throws -> PaymentLinkRecord {
        try linkRecord(c.query("""
            INSERT INTO payment_links (milestone_id, attempt, reference_id, amount_paise, expire_by)
            VALUES ($1, $2, $3, $4, $5) RETURNING \(linkColumns)
            """, milestoneID, attempt, referenceID, amount.paise, expireBy).first!)
    }

    /// Stores what Razorpay answered for a reserved link.
    public static func confirmLink(_ c: Connection, id: Int64, razorpayLinkID: String, shortURL: String) throws {
        try c.execute("""
            UPDATE payment_links SET razorpay_link_id = $2, short_url = $3,
                status = CASE WHEN status = 'creating' THEN 'created' ELSE status END, updated_at = now()
            WHERE id = $1
            """, id, razorpayLinkID, shortURL)
    }

    /// The link a webhook talks about: by Razorpay's id, else by our reference_id (the worker may
    /// have crashed before storing the id).
    public static func link(_ c: Connection, razorpayLinkID: String?, referenceID: String?) throws -> PaymentLinkRecord? {
        if let id = razorpayLinkID, let found = try c.query("SELECT \(linkColumns) FROM payment_links WHERE razorpay_link_id = $1", id).first {
            return try linkRecord(found)
        }
        guard let referenceID, !referenceID.isEmpty else { return nil }
        return try c.query("SELECT \(linkColumns) FROM payment_links WHERE reference_id = $1", referenceID).first.map(linkRecord)
    }

    public static func link(_ c: Connection, orderID: String) throws -> PaymentLinkRecord? {
        try c.query("SELECT \(linkColumns) FROM payment_links WHERE razorpay_order_id = $1", orderID).first.map(linkRecord)
    }

    /// The milestone's current link (the latest attempt).
    public static func currentLink(_ c: Connection, milestoneID: Int64) throws -> PaymentLinkRecord? {
        try c.query("SELECT \(linkColumns) FROM payment_links WHERE milestone_id = $1 ORDER BY attempt DESC LIMIT 1", milestoneID)
            .first.map(linkRecord)
    }

    /// The booking's links that may still take money (being created, created, partly paid), oldest first.
    public static func openLinks(_ c: Connection, bookingID: Int64) throws -> [PaymentLinkRecord] {
        try c.query("""
            SELECT \(linkColumns.split(separator: ",").map { "l." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM payment_links l JOIN payment_milestones m ON m.id = l.milestone_id
            WHERE m.booking_id = $1 AND l.status IN ('creating', 'created', 'partially_paid') ORDER BY l.id
            """, bookingID).map(linkRecord)
    }

    /// Live links of open bookings whose order we have not learnt yet (no payment reported on them),
    /// newest first: where an untied failed attempt can have come from.
    public static func linksAwaitingOrder(_ c: Connection, limit: Int) throws -> [PaymentLinkRecord] {
        try c.query("""
            SELECT \(linkColumns.split(separator: ",").map { "l." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM payment_links l JOIN payment_milestones m ON m.id = l.milestone_id JOIN bookings b ON b.id = m.booking_id
            WHERE l.status IN ('created', 'partially_paid') AND l.razorpay_link_id IS NOT NULL AND l.razorpay_order_id IS NULL
              AND b.state NOT IN ('cancelled', 'completed')
            ORDER BY l.id DESC LIMIT $1
            """, limit).map(linkRecord)
    }

    /// Records what an event says about a link: its status only moves forward, its paid amount only grows.
    public static func recordLinkState(_ c: Connection, link: PaymentLinkRecord, razorpayLinkID: String, reported: PaymentLinkStatus,
                                       amountPaid: Money, orderID: String?) throws {
        let status = link.status.advanced(to: reported)
        try c.execute("""
            UPDATE payment_links SET status = $2, amount_paid_paise = GREATEST(amount_paid_paise, $3),
                razorpay_link_id = COALESCE(razorpay_link_id, $4), razorpay_order_id = COALESCE(razorpay_order_id, $5), updated_at = now()
            WHERE id = $1
            """, link.id, status.rawValue, amountPaid.paise, razorpayLinkID, orderID)
    }

    // MARK: Payments

    /// Inserts or updates a payment. `captured` (and `refunded`) are sticky; the milestone and
    /// link, once known, are kept.
    @discardableResult
    public static func upsertPayment(_ c: Connection, _ p: ReportedPayment, milestoneID: Int64?, paymentLinkID: Int64?) throws -> PaymentRecord {
        let row = try c.query("""
            INSERT INTO payments (razorpay_payment_id, milestone_id, payment_link_id, razorpay_order_id, amount_paise, currency, status,
                                  method, error_code, error_description, captured_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $7 IN ('captured', 'refunded') THEN now() END)
            ON CONFLICT (razorpay_payment_id) DO UPDATE SET
                milestone_id = COALESCE(payments.milestone_id, EXCLUDED.milestone_id),
                payment_link_id = COALESCE(payments.payment_link_id, EXCLUDED.payment_link_id),
                razorpay_order_id = COALESCE(payments.razorpay_order_id, EXCLUDED.razorpay_order_id),
                status = CASE
                    WHEN payments.status = 'refunded' OR EXCLUDED.status = 'refunded' THEN 'refunded'
                    WHEN payments.status = 'captured' OR EXCLUDED.status = 'captured' THEN 'captured'
                    WHEN payments.status = 'authorized' AND EXCLUDED.status = 'failed' THEN 'failed'
                    ELSE EXCLUDED.status END,
                method = COALESCE(EXCLUDED.method, payments.method),
                error_code = CASE WHEN EXCLUDED.status = 'failed' THEN EXCLUDED.error_code ELSE payments.error_code END,
                error_description = CASE WHEN EXCLUDED.status = 'failed' THEN EXCLUDED.error_description ELSE payments.error_description END,
                captured_at = COALESCE(payments.captured_at, EXCLUDED.captured_at),
                updated_at = now()
            RETURNING id, razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at
            """, p.razorpayPaymentID, milestoneID, paymentLinkID, p.orderID, p.amount.paise, p.currency, p.status, p.method,
            p.errorCode, p.errorDescription).first!
        return try paymentRecord(row)
    }

    public static func payment(_ c: Connection, razorpayPaymentID: String) throws -> PaymentRecord? {
        try c.query("SELECT id, razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at FROM payments WHERE razorpay_payment_id = $1",
                    razorpayPaymentID).first.map(paymentRecord)
    }

    /// Captured payments of the milestone not yet counted towards it, oldest first; `currency`
    /// filters out money in another currency (the caller flags those).
    public static func uncountedPayments(_ c: Connection, milestoneID: Int64) throws -> [PaymentRecord] {
        try c.query("""
            SELECT id, razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at FROM payments
            WHERE milestone_id = $1 AND counted_at IS NULL AND status IN ('captured', 'refunded') ORDER BY id
            """, milestoneID).map(paymentRecord)
    }

    /// Marks the payment counted; false if it already was (a concurrent settlement won).
    public static func markCounted(_ c: Connection, paymentID: Int64) throws -> Bool {
        try c.execute("UPDATE payments SET counted_at = now() WHERE id = $1 AND counted_at IS NULL", paymentID) > 0
    }

    // MARK: Refunds

    /// Records a refund; returns true when it is new or newly processed.
    @discardableResult
    public static func upsertRefund(_ c: Connection, razorpayRefundID: String, razorpayPaymentID: String, amount: Money, currency: String,
                                    status: String) throws -> Bool {
        try c.execute("""
            INSERT INTO refunds (razorpay_refund_id, razorpay_payment_id, amount_paise, currency, status) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (razorpay_refund_id) DO UPDATE SET
                status = CASE WHEN refunds.status = 'processed' THEN 'processed' ELSE EXCLUDED.status END, updated_at = now()
            WHERE refunds.status <> 'processed'
            """, razorpayRefundID, razorpayPaymentID, amount.paise, currency, status) > 0
    }

    /// Processed refunds of the milestone's payments not yet applied to it.
    public static func unappliedRefunds(_ c: Connection, milestoneID: Int64) throws -> [(id: Int64, refundID: String, paymentID: String, amount: Money)] {
        try c.query("""
            SELECT r.id, r.razorpay_refund_id, r.razorpay_payment_id, r.amount_paise FROM refunds r
            JOIN payments p ON p.razorpay_payment_id = r.razorpay_payment_id
            WHERE p.milestone_id = $1 AND p.counted_at IS NOT NULL AND r.status = 'processed' AND r.applied_at IS NULL ORDER BY r.id
            """, milestoneID).map { row in
            (try row.decode("id"), try row.decode("razorpay_refund_id"), try row.decode("razorpay_payment_id"),
             Money(paise: try row.decode("amount_paise")))
        }
    }

    public static func markApplied(_ c: Connection, refundID: Int64) throws -> Bool {
        try c.execute("UPDATE refunds SET applied_at = now() WHERE id = $1 AND applied_at IS NULL", refundID) > 0
    }

    static func linkRecord(_ row: Row) throws -> PaymentLinkRecord {
        let statusText: String = try row.decode("status")
        guard let status = PaymentLinkStatus(rawValue: statusText) else {
            throw PostgresError(kind: .decoding, message: "payment link row has status \(statusText)")
        }
        return PaymentLinkRecord(id: try row.decode("id"), milestoneID: try row.decode("milestone_id"), attempt: try row.decode("attempt"),
                                 referenceID: try row.decode("reference_id"), razorpayLinkID: try row.decode("razorpay_link_id"),
                                 shortURL: try row.decode("short_url"), amount: Money(paise: try row.decode("amount_paise")),
                                 status: status, orderID: try row.decode("razorpay_order_id"))
    }

    static func paymentRecord(_ row: Row) throws -> PaymentRecord {
        PaymentRecord(id: try row.decode("id"), razorpayPaymentID: try row.decode("razorpay_payment_id"),
                      milestoneID: try row.decode("milestone_id"), amount: Money(paise: try row.decode("amount_paise")),
                      currency: try row.decode("currency"), status: try row.decode("status"), capturedAt: try row.decode("captured_at"))
    }
}
