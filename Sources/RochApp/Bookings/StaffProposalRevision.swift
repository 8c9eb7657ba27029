import Foundation
import RochCore
import RochStore

/// Revising a proposal the client was already sent, in one transaction with its audit row: the
/// revision supersedes the old proposal (kept, never deleted), paid milestones are carried over
/// unchanged (`ProposalRevision.plan` refuses anything else), the replaced unpaid milestones'
/// live links are cancelled through the payments desk's cancel path, the links now due are
/// issued, the revision's PDF is queued, and the client sees it on the portal at once (timeline
/// entry) and is told (`proposal_sent`, once per revision).
public struct StaffProposalRevision: Sendable {
    let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Refused: the page says why (`fields` on the form, or a 409 for the booking's state).
    public struct Refused: Error, Sendable {
        public var status: Int
        public var fields: [String: String]
    }

    /// Stores `draft` (already checked with `ProposalDraft.problems`) as the revision; returns its public id.
    @discardableResult
    public func revise(_ c: Connection, bookingID: Int64, draft: ProposalDraft, seen: BookingState,
                       by actor: StaffActor, now: Date = Date()) throws -> String {
        try c.transaction { c in
            try ProposalRevisions.lockMilestones(c, bookingID: bookingID)
            guard let booking = try BookingRepository.lock(c, id: bookingID) else { throw BookingNotFound() }
            guard booking.state == seen else {
                throw Refused(status: 409, fields: ["form": "Nothing was saved: this booking is now \(booking.state.label), not \(seen.label) as your page showed."])
            }
            if let why = ProposalRevision.refusal(state: booking.state) { throw Refused(status: 409, fields: ["form": why]) }
            guard let current = try ProposalDrafts.current(c, bookingID: booking.id) else {
                throw Refused(status: 409, fields: ["form": "This booking has no proposal to revise."])
            }
            let previous = try ProposalRevisions.previous(c, proposalID: current.id)
            let plan: ProposalRevision.Plan
            switch ProposalRevision.plan(previous: previous, revised: draft.milestones) {
            case .success(let p): plan = p
            case .failure(let errors): throw Refused(status: 422, fields: errors.fields)
            }
            let revision = try ProposalRevisions.store(c, bookingID: booking.id, draft: draft, plan: plan, today: IST.day(of: now),
                                                      eventDate: booking.eventDate, createdBy: actor.staffID, makeID: PublicID.make)
            // The replaced milestones' live links: the payments desk's own cancel (queued, audited).
            let desk = PaymentDeskActions(configuration: configuration, staffID: actor.staffID, client: actor.client)
            for id in plan.replaced {
                guard let m = try PaymentMilestoneRepository.find(c, id: id),
                      let link = try PaymentLedgerRepository.currentLink(c, milestoneID: id), [.creating, .created].contains(link.status) else { continue }
                _ = try desk.cancelLink(c, bookingID: booking.id, milestonePublicID: m.publicID)
            }
            try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind, idempotencyKey: "\(PaymentLinkJob.kind):\(booking.id):revision:\(revision.publicID)",
                                            payload: try JSONB(encoding: ["booking_id": String(booking.id),
                                                                          "milestones": ProposalRevision.linksToIssue(state: booking.state)]))
            try ProposalDocumentJob.enqueue(c, proposalID: revision.id)
            let total = draft.totals.total
            try TimelineRepository.append(c, bookingID: booking.id, kind: "proposal", title: "Your proposal was revised",
                                          body: "The revised proposal's total is \(total.inr)"
                                            + (plan.paidSoFar.paise > 0 ? "; the \(plan.paidSoFar.inr) you have paid is counted, \(plan.stillToPay.inr) is still to pay." : ".")
                                            + " It replaces the earlier proposal.",
                                          data: try JSONB(encoding: ["proposal": revision.publicID, "revises": current.publicID]))
            try BookingNotifier(configuration: configuration).notify(
                c, moment: .proposalSent, booking: booking, occurrence: "revision:\(revision.publicID)",
                extra: ["total_amount": total.inr, "proposal_link": "\(configuration.siteURL)/portal/"])
            try AuditLogQueries.record(c, actor: actor.label, action: "staff.proposal_revised", entity: "booking", entityID: booking.publicID,
                                       details: ["proposal": revision.publicID, "revises": current.publicID, "total_paise": String(total.paise),
                                                 "kept": plan.kept.map { String($0.id) }.joined(separator: ","),
                                                 "replaced": plan.replaced.map(String.init).joined(separator: ","),
                                                 "milestones": draft.milestones.map { "\($0.label) \($0.amount.inr) due \($0.dueOn)" }.joined(separator: "; ")],
                                       ip: actor.client.ip, userAgent: actor.client.userAgent)
            return revision.publicID
        }
    }
}
