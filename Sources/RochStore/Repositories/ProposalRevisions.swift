import Foundation
import RochCore

/// A sent proposal's revision, stored: the old proposal stays (marked superseded, never deleted),
/// the revision is stored `sent`, paid milestones move to it unchanged, and the replaced unpaid
/// ones are cancelled. The caller holds the booking's lock and decided `plan` with `ProposalRevision`.
public enum ProposalRevisions {
    /// Locks every milestone of the booking, in id order, before the caller locks the booking
    /// (the payment webhook's lock order: milestone, then booking).
    public static func lockMilestones(_ c: Connection, bookingID: Int64) throws {
        _ = try c.query("SELECT id FROM payment_milestones WHERE booking_id = $1 ORDER BY id FOR UPDATE", bookingID)
    }

    /// The current proposal's milestones as a revision needs them (locked for the transaction).
    public static func previous(_ c: Connection, proposalID: Int64) throws -> [ProposalRevision.Previous] {
        try c.query("""
            SELECT id, sequence, label, amount_paise, due_on::text AS due_on, amount_paid_paise FROM payment_milestones
            WHERE proposal_id = $1 AND status <> 'cancelled' ORDER BY sequence FOR UPDATE
            """, proposalID).map { m in
            let paid = Money(paise: try m.decode("amount_paid_paise"))
            return ProposalRevision.Previous(
                id: try m.decode("id"), sequence: try m.decode("sequence"),
                milestone: ProposalMilestone(label: try m.decode("label"), amount: Money(paise: try m.decode("amount_paise")),
                                             dueOn: CalendarDay(try m.decode("due_on", as: String.self))!, isLocked: paid.paise > 0),
                amountPaid: paid)
        }
    }

    /// Stores the revision; returns its id and public id.
    public static func store(_ c: Connection, bookingID: Int64, draft: ProposalDraft, plan: ProposalRevision.Plan, today: CalendarDay,
                             eventDate: CalendarDay, createdBy: Int64?, makeID: () -> String) throws -> (id: Int64, publicID: String) {
        try c.execute("UPDATE proposals SET status = 'superseded' WHERE booking_id = $1 AND status <> 'superseded'", bookingID)
        if !plan.replaced.isEmpty {
            try c.execute("""
                UPDATE payment_milestones SET status = 'cancelled', note = 'replaced by a revised proposal', updated_at = now()
                WHERE id = ANY($1::bigint[]) AND amount_paid_paise = 0
                """, plan.replaced)
        }
        let publicID = makeID()
        let created = plan.created.map { m in
            NewPaymentMilestone(publicID: makeID(), scheduled: ScheduledMilestone(sequence: m.sequence, label: m.milestone.label,
                                                                                  amount: m.milestone.amount, dueOn: m.milestone.dueOn),
                                dueRule: ProposalDraft.dueRule(m.milestone, index: m.sequence - 1, today: today, eventDate: eventDate))
        }
        let id = try PaymentMilestoneRepository.insertProposal(c, bookingID: bookingID, publicID: publicID, total: draft.totals.total,
                                                               gstRateBP: draft.lines.first?.rateBasisPoints ?? GST.standardRateBasisPoints,
                                                               plan: try JSONB(encoding: draft.milestones), createdBy: createdBy, milestones: created)
        try c.execute("UPDATE proposals SET lines = $2::jsonb, summary = $3, status = 'sent', sent_at = now() WHERE id = $1",
                      id, try JSONB(encoding: draft.lines), draft.summary)
        // Paid milestones (and their payments and receipts) belong to the revision from now on.
        for k in plan.kept {
            try c.execute("UPDATE payment_milestones SET proposal_id = $2, sequence = $3, updated_at = now() WHERE id = $1", k.id, id, k.sequence)
        }
        return (id, publicID)
    }

    /// True when the booking's client-visible proposal replaced an earlier one the client was sent.
    public static func isRevision(_ c: Connection, bookingID: Int64, proposalID: Int64) throws -> Bool {
        try c.query("""
            SELECT EXISTS (SELECT 1 FROM proposals WHERE booking_id = $1 AND id < $2 AND status = 'superseded' AND (sent_at IS NOT NULL OR accepted_at IS NOT NULL)) AS r
            """, bookingID, proposalID).first!.decode("r")
    }
}
