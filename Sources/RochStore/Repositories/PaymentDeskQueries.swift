import Foundation
import RochCore

/// What the payments desk shows for one booking: its milestones, each with its current link and
/// the money that came in against it (Razorpay or offline), receipts and refunds.
public struct PaymentDesk: Sendable {
    public var bookingID: Int64
    public var publicID: String
    public var state: BookingState
    public var clientName: String
    public var eventDate: CalendarDay
    public var milestones: [Milestone]

    public struct Milestone: Sendable {
        public var record: PaymentMilestoneRecord
        public var currentLink: PaymentLinkRecord?
        public var payments: [Payment]
    }

    public struct Payment: Sendable {
        public var id: Int64
        public var providerID: String
        public var amount: Money
        public var status: String
        public var method: String?
        public var isOffline: Bool
        public var reference: String?
        public var receivedOn: CalendarDay?
        public var at: Date
        public var receiptNumber: String?
        public var receiptToken: String?
        /// Refunds Razorpay has confirmed, and those still waiting for its webhook.
        public var refunded: Money
        public var refundsPending: Money
        public var refunds: [Refund]

        /// What may still be refunded: the payment less every refund not failed.
        public var refundable: Money {
            let left = amount - refunded - refundsPending
            return left.isNegative ? .zero : left
        }
    }

    public struct Refund: Sendable {
        public var razorpayRefundID: String
        public var amount: Money
        public var status: String
        public var reason: String?
        public var at: Date
    }
}

/// Reads for the payments desk and the one write that is not Razorpay's: an offline payment.
public enum PaymentDeskQueries {
    public static func load(_ c: Connection, publicID: String) throws -> PaymentDesk? {
        guard let row = try c.query("""
            SELECT b.id, b.public_id, b.state, b.event_date::text AS event_date, cl.name
            FROM bookings b JOIN clients cl ON cl.id = b.client_id WHERE b.public_id = $1
            """, publicID).first else { return nil }
        let bookingID: Int64 = try row.decode("id")
        let stateText: String = try row.decode("state")
        guard let state = BookingState(rawValue: stateText), let day = CalendarDay(try row.decode("event_date") as String) else {
            throw PostgresError(kind: .decoding, message: "booking \(publicID) has state \(stateText)")
        }
        var milestones: [PaymentDesk.Milestone] = []
        for m in try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID) {
            milestones.append(PaymentDesk.Milestone(record: m, currentLink: try PaymentLedgerRepository.currentLink(c, milestoneID: m.id),
                                                    payments: try payments(c, milestoneID: m.id)))
        }
        return PaymentDesk(bookingID: bookingID, publicID: try row.decode("public_id"), state: state, clientName: try row.decode("name"),
                           eventDate: day, milestones: milestones)
    }

    /// Money received against the milestone (captured, or captured and later refunded), oldest first.
    static func payments(_ c: Connection, milestoneID: Int64) throws -> [PaymentDesk.Payment] {
        let refunds = try c.query("""
            SELECT r.razorpay_refund_id, r.razorpay_payment_id, r.amount_paise, r.status, r.reason, r.created_at
            FROM refunds r JOIN payments p ON p.razorpay_payment_id = r.razorpay_payment_id
            WHERE p.milestone_id = $1 ORDER BY r.id
            """, milestoneID).map { row -> (String, PaymentDesk.Refund) in
            (try row.decode("razorpay_payment_id"),
             PaymentDesk.Refund(razorpayRefundID: try row.decode("razorpay_refund_id"), amount: Money(paise: try row.decode("amount_paise")),
                                status: try row.decode("status"), reason: try row.decode("reason"), at: try row.decode("created_at")))
        }
        return try c.query("""
            SELECT p.id, p.razorpay_payment_id, p.amount_paise, p.status, p.method, p.source, p.offline_reference,
                   p.received_on::text AS received_on, COALESCE(p.captured_at, p.created_at) AS at, i.number, i.public_token
            FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id
            WHERE p.milestone_id = $1 AND p.status IN ('captured', 'refunded')
            ORDER BY COALESCE(p.captured_at, p.created_at), p.id
            """, milestoneID).map { row in
            let providerID: String = try row.decode("razorpay_payment_id")
            let mine = refunds.filter { $0.0 == providerID }.map(\.1)
            let source: String = try row.decode("source")
            return PaymentDesk.Payment(
                id: try row.decode("id"), providerID: providerID, amount: Money(paise: try row.decode("amount_paise")),
                status: try row.decode("status"), method: try row.decode("method"), isOffline: source == "offline",
                reference: try row.decode("offline_reference"), receivedOn: (try row.decode("received_on") as String?).flatMap { CalendarDay($0) },
                at: try row.decode("at"), receiptNumber: try row.decode("number"), receiptToken: try row.decode("public_token"),
                refunded: mine.filter { $0.status == "processed" }.reduce(.zero) { $0 + $1.amount },
                refundsPending: mine.filter { $0.status == "pending" }.reduce(.zero) { $0 + $1.amount },
                refunds: mine)
        }
    }

    /// Records money the team received outside Razorpay as a captured payment of the milestone,
    /// not yet counted (settling counts it). `key` is the form's one-time key: the same key again
    /// (a double submit) inserts nothing and answers nil.
    public static func recordOffline(_ c: Connection, key: String, milestoneID: Int64, payment: OfflinePayment, currency: String,
                                     staffID: Int64) throws -> PaymentRecord? {
        guard let row = try c.query("""
            INSERT INTO payments (razorpay_payment_id, milestone_id, amount_paise, currency, status, method, captured_at,
                                  source, offline_reference, received_on, recorded_by)
            VALUES ($1, $2, $3, $4, 'captured', $5, now(), 'offline', $6, $7::date, $8)
            ON CONFLICT (razorpay_payment_id) DO NOTHING
            RETURNING id, razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at
            """, offlineID(key: key), milestoneID, payment.amount.paise, currency, payment.method.rawValue, payment.reference,
            payment.receivedOn.description, staffID).first else { return nil }
        return try PaymentLedgerRepository.paymentRecord(row)
    }

    /// Our id for an offline payment recorded with the form key `key`.
    public static func offlineID(key: String) -> String { "offline_" + key }
}

extension PaymentDeskQueries {
    /// A refund the team started: stored as Razorpay answered (a webhook may already have stored it,
    /// and a processed one stays processed), with who asked and why.
    public static func recordRequestedRefund(_ c: Connection, refundID: String, paymentID: String, amount: Money, currency: String,
                                             status: String, staffID: Int64, reason: String) throws {
        try PaymentLedgerRepository.upsertRefund(c, razorpayRefundID: refundID, razorpayPaymentID: paymentID, amount: amount,
                                                 currency: currency, status: status)
        try c.execute("UPDATE refunds SET requested_by = $2, reason = $3 WHERE razorpay_refund_id = $1", refundID, staffID, reason)
    }
}
