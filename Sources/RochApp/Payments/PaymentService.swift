import Foundation
import RochCore
import RochHTTP
import RochStore

/// What the admin dashboard and the portal call: create a proposal with its payment schedule,
/// list a booking's milestones (with receipts), re-issue an expired link. Links themselves are
/// only ever created by the worker (`PaymentLinkJob`), never inside a web request.
public struct PaymentService: Sendable {
    let context: AppContext

    public init(context: AppContext) { self.context = context }

    /// A milestone as the portal and the dashboard show it.
    public struct Milestone: Sendable, Codable, Equatable {
        public var id: Int64
        public var publicID: String
        public var sequence: Int
        public var label: String
        public var amount: Money
        public var amountPaid: Money
        public var amountRefunded: Money
        public var dueOn: CalendarDay
        public var status: PaymentMilestoneStatus
        public var statusLabel: String
        /// The Razorpay link, only while it can be paid.
        public var payURL: String?
        /// For the team: why it is not moving ('pending: Razorpay not configured').
        public var note: String?
        /// For the team: something that does not add up.
        public var flag: String?
        public var receipts: [Receipt]
    }

    public struct Receipt: Sendable, Codable, Equatable {
        public var number: String
        public var amount: Money
        public var issuedOn: String
        public var url: String
    }

    public struct CreatedProposal: Sendable, Equatable {
        public var proposalID: Int64
        public var publicID: String
        public var milestones: [Milestone]
    }

    /// Creates the booking's proposal (superseding any earlier one) with milestones from `plan`,
    /// scheduled from today (in India) to the event date. 404 unknown booking, 409 once the
    /// proposal has been sent, 422 with the plan's problems.
    public func createProposal(bookingID: Int64, total: Money, gstRateBP: Int64 = GST.standardRateBasisPoints,
                               plan: PaymentPlan = .standard, actor: String, summary: String = "", now: Date = Date()) async throws -> CreatedProposal {
        let site = context.configuration.siteURL
        return try await context.database.transaction { c in
            try Self.createProposal(c, bookingID: bookingID, total: total, gstRateBP: gstRateBP, plan: plan, actor: actor,
                                    summary: summary, site: site, today: IST.day(of: now))
        }
    }

    /// The same, inside the caller's transaction.
    public static func createProposal(_ c: Connection, bookingID: Int64, total: Money, gstRateBP: Int64, plan: PaymentPlan, actor: String,
                                      summary: String, site: String, today: CalendarDay) throws -> CreatedProposal {
        guard let booking = try BookingRepository.lock(c, id: bookingID) else { throw HTTPError.notFound("There is no such booking.") }
        guard booking.state == .enquiry || booking.state == .discussion else {
            throw HTTPError.conflict("The proposal was already sent (the booking is \(booking.state.label)); it can no longer be replaced here.",
                                     code: "proposal_locked")
        }
        guard (0...10_000).contains(gstRateBP) else {
            throw HTTPError.unprocessable("The GST rate is not valid.", fields: ["gst_rate": "Give a rate between 0% and 100% (18% is standard)."])
        }
        let scheduled: [ScheduledMilestone]
        do { scheduled = try plan.schedule(total: total, acceptedOn: today, eventDate: booking.eventDate) } catch let error as PaymentPlanError {
            throw HTTPError.unprocessable("The payment plan does not work for this booking.", fields: ["plan": error.description])
        }
        try PaymentMilestoneRepository.supersedeProposals(c, bookingID: booking.id)
        let publicID = PublicID.make()
        let newMilestones = zip(scheduled, plan.milestones).map { s, planned in
            NewPaymentMilestone(publicID: PublicID.make(), scheduled: s, dueRule: Self.dueRule(planned.due))
        }
        let staffID = actor.hasPrefix("staff:") ? Int64(actor.dropFirst(6)) : nil
        let proposalID = try PaymentMilestoneRepository.insertProposal(c, bookingID: booking.id, publicID: publicID, total: total,
                                                                       gstRateBP: gstRateBP, plan: try JSONB(encoding: plan),
                                                                       createdBy: staffID, milestones: newMilestones)
        if !summary.isEmpty { try c.execute("UPDATE proposals SET summary = $2 WHERE id = $1", proposalID, summary) }
        try TeamRepository.audit(c, actor: actor, action: "proposal.created", entity: "booking", entityID: booking.publicID,
                                 details: ["proposal": publicID, "total_paise": String(total.paise),
                                           "milestones": scheduled.map { "\($0.label) \($0.amount.inr) due \($0.dueOn)" }.joined(separator: "; ")])
        return CreatedProposal(proposalID: proposalID, publicID: publicID, milestones: try milestones(c, bookingID: booking.id, site: site))
    }

    /// The booking's current schedule, in order, with receipts.
    public func milestones(bookingID: Int64) async throws -> [Milestone] {
        let site = context.configuration.siteURL
        return try await context.database.withConnection { c in try Self.milestones(c, bookingID: bookingID, site: site) }
    }

    public static func milestones(_ c: Connection, bookingID: Int64, site: String) throws -> [Milestone] {
        try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID).map { m in
            let payable: Set<PaymentMilestoneStatus> = [.linkIssued, .partiallyPaid]
            return Milestone(id: m.id, publicID: m.publicID, sequence: m.sequence, label: m.label, amount: m.amount, amountPaid: m.amountPaid,
                             amountRefunded: m.amountRefunded, dueOn: m.dueOn, status: m.status, statusLabel: m.status.label,
                             payURL: payable.contains(m.status) ? m.shortURL : nil, note: m.note, flag: m.flag,
                             receipts: try InvoiceRepository.forMilestone(c, milestoneID: m.id).map {
                                 Receipt(number: $0.number, amount: Money(paise: $0.amount), issuedOn: $0.issuedOn,
                                         url: PaymentSettlement.receiptURL(site: site, token: $0.publicToken))
                             })
        }
    }

    /// Asks the worker for a new link for a milestone whose link expired or was cancelled (or that
    /// is still pending, e.g. after Razorpay was configured). Clicking twice queues one job.
    public func reissueLink(milestoneID: Int64, actor: String) async throws {
        try await context.database.transaction { c in
            guard let m = try PaymentMilestoneRepository.lock(c, id: milestoneID) else { throw HTTPError.notFound("There is no such payment milestone.") }
            let current: Bool = try c.query("SELECT status <> 'superseded' AS current FROM proposals WHERE id = $1", m.proposalID).first!.decode("current")
            guard current else { throw HTTPError.conflict("This milestone belongs to a superseded proposal.", code: "superseded") }
            guard [.pending, .expired, .cancelled].contains(m.status) else {
                throw HTTPError.conflict("The \(m.label) is \(m.status.label.lowercased()): there is nothing to re-issue.", code: "link_live")
            }
            let attempt = try PaymentLedgerRepository.linkCount(c, milestoneID: m.id) + 1
            try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind, idempotencyKey: "create_payment_link:milestone:\(m.id):\(attempt)",
                                            payload: try JSONB(encoding: ["booking_id": String(m.bookingID), "milestones": m.publicID]))
            try PaymentMilestoneRepository.setNote(c, id: m.id, note: "new link requested by \(actor)")
            try TeamRepository.audit(c, actor: actor, action: "payment_link.reissue_requested", entity: "payment_milestone", entityID: m.publicID)
        }
    }

    static func dueRule(_ due: MilestoneDue) -> String {
        switch due {
        case .onAcceptance: return "on_acceptance"
        case .daysAfterAcceptance(let n): return "days_after_acceptance:\(n)"
        case .daysBeforeEvent(let n): return "days_before_event:\(n)"
        case .on(let day): return "on:\(day)"
        }
    }
}
