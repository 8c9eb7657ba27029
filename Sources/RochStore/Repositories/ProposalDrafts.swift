import Foundation
import RochCore

/// A booking's current (not superseded) proposal as the editor and the client's page read it.
public struct StoredProposal: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var status: String
    public var summary: String
    public var total: Money
    public var lines: [ProposalLine]
    /// In plan order; a milestone with money received is locked.
    public var milestones: [ProposalMilestone]

    public var draft: ProposalDraft { ProposalDraft(summary: summary, lines: lines, milestones: milestones) }
}

/// The proposal editor's writes and reads (lines in `proposals.lines`, the plan in `payment_milestones`).
public enum ProposalDrafts {
    /// The booking's current proposal; `publicID` picks one (e.g. the client's link), else the latest.
    public static func current(_ c: Connection, bookingID: Int64, publicID: String? = nil, clientVisibleOnly: Bool = false) throws -> StoredProposal? {
        guard let row = try c.query("""
            SELECT id, public_id, status, summary, total_paise, lines::text AS lines FROM proposals
            WHERE booking_id = $1 AND ($2::text IS NULL OR public_id = $2)
              AND (CASE WHEN $3 THEN status IN ('sent', 'accepted') ELSE status <> 'superseded' END)
            ORDER BY id DESC LIMIT 1
            """, bookingID, publicID, clientVisibleOnly).first else { return nil }
        let id: Int64 = try row.decode("id")
        let lines = try JSONDecoder().decode([ProposalLine].self, from: Data((try row.decode("lines", as: String.self)).utf8))
        let milestones = try c.query("""
            SELECT label, amount_paise, due_on::text AS due_on, amount_paid_paise FROM payment_milestones WHERE proposal_id = $1 ORDER BY sequence
            """, id).map { m in
            ProposalMilestone(label: try m.decode("label"), amount: Money(paise: try m.decode("amount_paise")),
                              dueOn: CalendarDay(try m.decode("due_on", as: String.self))!, isLocked: try m.decode("amount_paid_paise", as: Int64.self) > 0)
        }
        return StoredProposal(id: id, publicID: try row.decode("public_id"), status: try row.decode("status"), summary: try row.decode("summary"),
                              total: Money(paise: try row.decode("total_paise")), lines: lines, milestones: milestones)
    }

    /// Stores `draft` as the booking's new draft proposal, superseding the current one (its unpaid
    /// milestones are cancelled). The caller has validated the draft and holds the booking's lock.
    @discardableResult
    public static func saveDraft(_ c: Connection, bookingID: Int64, draft: ProposalDraft, today: CalendarDay, eventDate: CalendarDay,
                                 createdBy: Int64?, makeID: () -> String) throws -> String {
        try PaymentMilestoneRepository.supersedeProposals(c, bookingID: bookingID)
        let publicID = makeID()
        let milestones = draft.milestones.enumerated().map { i, m in
            NewPaymentMilestone(publicID: makeID(), scheduled: ScheduledMilestone(sequence: i + 1, label: m.label, amount: m.amount, dueOn: m.dueOn),
                                dueRule: ProposalDraft.dueRule(m, index: i, today: today, eventDate: eventDate))
        }
        let id = try PaymentMilestoneRepository.insertProposal(c, bookingID: bookingID, publicID: publicID, total: draft.totals.total,
                                                               gstRateBP: draft.lines.first?.rateBasisPoints ?? GST.standardRateBasisPoints,
                                                               plan: try JSONB(encoding: draft.milestones), createdBy: createdBy, milestones: milestones)
        try c.execute("UPDATE proposals SET lines = $2::jsonb, summary = $3 WHERE id = $1", id, try JSONB(encoding: draft.lines), draft.summary)
        return publicID
    }
}
