import Foundation
import RochCore

/// One milestone of a booking's payment schedule, as stored.
public struct PaymentMilestoneRecord: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var proposalID: Int64
    public var bookingID: Int64
    public var sequence: Int
    public var label: String
    public var amount: Money
    public var currency: String
    public var dueOn: CalendarDay
    public var dueRule: String
    public var status: PaymentMilestoneStatus
    public var amountPaid: Money
    public var amountRefunded: Money
    public var razorpayLinkID: String?
    public var shortURL: String?
    public var note: String?
    public var flag: String?
    public var paidAt: Date?

    /// The first milestone, due on acceptance: paying it confirms the booking.
    public var isDeposit: Bool { sequence == 1 }
    /// What is still to pay (never negative).
    public var outstanding: Money { amount > amountPaid ? amount - amountPaid : .zero }
}

/// A milestone to create from a scheduled plan.
public struct NewPaymentMilestone: Sendable {
    public var publicID: String
    public var scheduled: ScheduledMilestone
    public var dueRule: String

    public init(publicID: String, scheduled: ScheduledMilestone, dueRule: String) {
        self.publicID = publicID
        self.scheduled = scheduled
        self.dueRule = dueRule
    }
}

public enum PaymentMilestoneRepository {
    static let columns = """
        id, public_id, proposal_id, booking_id, sequence, label, amount_paise, currency, due_on::text AS due_on, due_rule,
        status, amount_paid_paise, amount_refunded_paise, razorpay_link_id, short_url, note, flag, paid_at
        """

    /// Inserts a proposal (status draft) with its milestones; returns the proposal id.
    public static func insertProposal(_ c: Connection, bookingID: Int64, publicID: String, total: Money, gstRateBP: Int64,
                                      plan: JSONB, createdBy: Int64?, milestones: [NewPaymentMilestone]) throws -> Int64 {
        let proposalID: Int64 = try c.query("""
            INSERT INTO proposals (booking_id, public_id, total_paise, gst_rate_bp, plan, created_by)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id
            """, bookingID, publicID, total.paise, gstRateBP, plan, createdBy).first!.decode("id")
        for m in milestones {
            try c.execute("""
                INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8)
                """, m.publicID, proposalID, bookingID, m.scheduled.sequence, m.scheduled.label, m.scheduled.amount.paise,
                m.scheduled.dueOn.description, m.dueRule)
        }
        return proposalID
    }

    /// The proposal the client was just sent.
    public struct SentProposal: Sendable, Equatable {
        public var id: Int64
        public var publicID: String
        public var total: Money
        public var sentAt: Date
    }

    /// Marks the booking's current draft proposal `sent` (`sent_at` now) and returns it; a proposal
    /// already sent is returned as it is (firing twice changes nothing). nil when there is none.
    public static func markProposalSent(_ c: Connection, bookingID: Int64) throws -> SentProposal? {
        let row = try c.query("""
            UPDATE proposals SET status = 'sent', sent_at = COALESCE(sent_at, now())
            WHERE booking_id = $1 AND status = 'draft' RETURNING id, public_id, total_paise, sent_at
            """, bookingID).first ?? c.query("""
            SELECT id, public_id, total_paise, COALESCE(sent_at, created_at) AS sent_at FROM proposals
            WHERE booking_id = $1 AND status IN ('sent', 'accepted') ORDER BY id DESC LIMIT 1
            """, bookingID).first
        return try row.map { SentProposal(id: try $0.decode("id"), publicID: try $0.decode("public_id"),
                                          total: Money(paise: try $0.decode("total_paise")), sentAt: try $0.decode("sent_at")) }
    }

    /// Marks the booking's current proposals superseded and cancels their unpaid milestones.
    public static func supersedeProposals(_ c: Connection, bookingID: Int64) throws {
        try c.execute("UPDATE proposals SET status = 'superseded' WHERE booking_id = $1 AND status <> 'superseded'", bookingID)
        try c.execute("""
            UPDATE payment_milestones SET status = 'cancelled', note = 'superseded by a new proposal', updated_at = now()
            WHERE booking_id = $1 AND status IN ('pending', 'link_issued', 'expired') AND amount_paid_paise = 0
            """, bookingID)
    }

    public static func find(_ c: Connection, id: Int64) throws -> PaymentMilestoneRecord? {
        try c.query("SELECT \(columns) FROM payment_milestones WHERE id = $1", id).first.map(record)
    }

    public static func find(_ c: Connection, publicID: String) throws -> PaymentMilestoneRecord? {
        try c.query("SELECT \(columns) FROM payment_milestones WHERE public_id = $1", publicID).first.map(record)
    }

    /// Locks the milestone for the rest of the transaction. Lock order: milestone, then booking.
    public static func lock(_ c: Connection, id: Int64) throws -> PaymentMilestoneRecord? {
        try c.query("SELECT \(columns) FROM payment_milestones WHERE id = $1 FOR UPDATE", id).first.map(record)
    }

    /// The booking's milestones of its current (not superseded) proposal, in plan order.
    public static func forBooking(_ c: Connection, bookingID: Int64) throws -> [PaymentMilestoneRecord] {
        try c.query("""
            SELECT \(columns) FROM payment_milestones m
            WHERE booking_id = $1 AND EXISTS (SELECT 1 FROM proposals p WHERE p.id = m.proposal_id AND p.status <> 'superseded')
            ORDER BY sequence
            """, bookingID).map(record)
    }

    /// Saves what settling a milestone decided.
    public static func saveSettlement(_ c: Connection, id: Int64, status: PaymentMilestoneStatus, amountPaid: Money,
                                      amountRefunded: Money) throws {
        try c.execute("""
            UPDATE payment_milestones SET status = $2, amount_paid_paise = $3, amount_refunded_paise = $4,
                paid_at = CASE WHEN $2 = 'paid' AND paid_at IS NULL THEN now() ELSE paid_at END, updated_at = now()
            WHERE id = $1
            """, id, status.rawValue, amountPaid.paise, amountRefunded.paise)
    }

    /// Points the milestone at its current link.
    public static func setCurrentLink(_ c: Connection, id: Int64, razorpayLinkID: String, shortURL: String) throws {
        try c.execute("""
            UPDATE payment_milestones SET razorpay_link_id = $2, short_url = $3, note = NULL, updated_at = now() WHERE id = $1
            """, id, razorpayLinkID, shortURL)
    }

    public static func setNote(_ c: Connection, id: Int64, note: String?) throws {
        try c.execute("UPDATE payment_milestones SET note = $2, updated_at = now() WHERE id = $1", id, note)
    }

    /// Raises a flag for the team; returns false when the same flag is already up.
    @discardableResult
    public static func flag(_ c: Connection, id: Int64, message: String) throws -> Bool {
        try c.execute("""
            UPDATE payment_milestones SET flag = $2, flagged_at = now(), updated_at = now()
            WHERE id = $1 AND flag IS DISTINCT FROM $2
            """, id, message) > 0
    }

    static func record(_ row: Row) throws -> PaymentMilestoneRecord {
        let statusText: String = try row.decode("status")
        let dueText: String = try row.decode("due_on")
        guard let status = PaymentMilestoneStatus(rawValue: statusText), let due = CalendarDay(dueText) else {
            throw PostgresError(kind: .decoding, message: "payment milestone row has status \(statusText) / due \(dueText)")
        }
        return PaymentMilestoneRecord(
            id: try row.decode("id"), publicID: try row.decode("public_id"), proposalID: try row.decode("proposal_id"),
            bookingID: try row.decode("booking_id"), sequence: try row.decode("sequence"), label: try row.decode("label"),
            amount: Money(paise: try row.decode("amount_paise")), currency: try row.decode("currency"), dueOn: due,
            dueRule: try row.decode("due_rule"), status: status,
            amountPaid: Money(paise: try row.decode("amount_paid_paise")),
            amountRefunded: Money(paise: try row.decode("amount_refunded_paise")),
            razorpayLinkID: try row.decode("razorpay_link_id"), shortURL: try row.decode("short_url"),
            note: try row.decode("note"), flag: try row.decode("flag"), paidAt: try row.decode("paid_at"))
    }
}
