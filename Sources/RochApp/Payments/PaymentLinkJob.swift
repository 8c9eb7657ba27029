import Foundation
import RochCore
import RochIntegrations
import RochStore

/// Worker job `create_payment_link` {booking_id, milestones}: one Razorpay Payment Link per
/// milestone that needs one. `milestones` is "on_acceptance" (queued by the lifecycle when the
/// proposal is sent), "remaining" (queued when the deposit is paid) or a milestone's public id
/// (a re-issue). The link is reserved in our database before Razorpay is called, with
/// reference_id = the milestone's public id (`-N` for the Nth link), so a run that crashed
/// between create and store finds Razorpay's link again instead of making a second one.
public struct PaymentLinkJob: JobHandler {
    public static let kind = "create_payment_link"
    public var kind: String { Self.kind }
    public static let notConfiguredNote = "pending: Razorpay not configured"

    public init() {}

    public func run(_ job: JobRecord, context: AppContext) async throws {
        let payload: [String: String]
        do { payload = try job.payload.decode([String: String].self) } catch {
            throw JobFailure.permanent(reason: "payload is not {booking_id, milestones}: \(job.payload.text)")
        }
        guard let bookingID = payload["booking_id"].flatMap(Int64.init), let which = payload["milestones"] else {
            throw JobFailure.permanent(reason: "payload needs booking_id and milestones: \(job.payload.text)")
        }
        let db = context.database
        let targets = try await db.withConnection { c in try Self.targets(c, bookingID: bookingID, which: which) }
        guard let razorpay = context.configuration.razorpay else {
            try await db.transaction { c in
                for m in targets where m.status == .pending { try PaymentMilestoneRepository.setNote(c, id: m.id, note: Self.notConfiguredNote) }
            }
            return
        }
        let client = RazorpayClient(configuration: .init(apiBase: razorpay.apiBase, keyID: razorpay.keyID, keySecret: razorpay.keySecret))
        // A re-issue after a failed payment tells the client with `payment_failed` instead of `payment_link_issued`.
        let failure = payload["failed_payment"].map { (paymentID: $0, reason: payload["failure_reason"] ?? FailedPaymentFollowUp.reason(errorDescription: nil)) }
        for milestone in targets { try await issue(milestone.id, client: client, context: context, afterFailure: failure) }
    }

    /// The milestones `which` names that may need a link.
    static func targets(_ c: Connection, bookingID: Int64, which: String) throws -> [PaymentMilestoneRecord] {
        let all = try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID)
        switch which {
        case "on_acceptance": return all.filter { $0.dueRule == "on_acceptance" && $0.status == .pending }
        case "remaining": return all.filter { $0.status == .pending }
        default: return all.filter { $0.publicID == which && [.pending, .expired, .cancelled].contains($0.status) }
        }
    }

    private struct Reservation: Sendable {
        var link: PaymentLinkRecord
        var request: PaymentLinkRequest
    }

    func issue(_ milestoneID: Int64, client: RazorpayClient, context: AppContext,
               afterFailure failure: (paymentID: String, reason: String)? = nil) async throws {
        let site = context.configuration.siteURL
        let now = Date()
        // 1. Reserve (or find the reservation a crashed run left) and commit before calling Razorpay.
        let reservation: Reservation? = try await context.database.transaction { c in
            guard let m = try PaymentMilestoneRepository.lock(c, id: milestoneID),
                  let booking = try BookingRepository.find(c, id: m.bookingID), booking.state != .cancelled else { return nil }
            let link: PaymentLinkRecord
            if let unfinished = try PaymentLedgerRepository.unfinishedLink(c, milestoneID: m.id) {
                link = unfinished
            } else {
                guard [.pending, .expired, .cancelled].contains(m.status), m.outstanding.paise > 0 else { return nil }
                let attempt = try PaymentLedgerRepository.linkCount(c, milestoneID: m.id) + 1
                link = try PaymentLedgerRepository.reserveLink(c, milestoneID: m.id, attempt: attempt,
                                                               referenceID: attempt == 1 ? m.publicID : "\(m.publicID)-\(attempt)",
                                                               amount: m.outstanding, expireBy: Self.expiry(dueOn: m.dueOn, now: now))
            }
            let client = try ClientRepository.find(c, id: booking.clientID)
            let event = EventType(rawValue: booking.eventType)?.label ?? booking.eventType
            let expireBy: Int64 = try c.query("SELECT extract(epoch FROM expire_by)::bigint AS e FROM payment_links WHERE id = $1", link.id)
                .first!.decode("e")
            let request = PaymentLinkRequest(
                amount: link.amount.paise, referenceID: link.referenceID,
                description: "Roch Events: \(m.label) for your \(event) on \(NotificationFormat.date(booking.eventDate))",
                customer: .init(name: client?.name, email: client?.email, contact: client?.phone),
                expireBy: max(expireBy, Int64(now.timeIntervalSince1970) + 20 * 60),
                acceptPartial: true, firstMinPartialAmount: Self.firstMinimum(link.amount).paise,
                notes: ["milestone": m.publicID, "booking": booking.publicID],
                callbackURL: "\(site)/api/razorpay-webhook/return")
            return Reservation(link: link, request: request)
        }
        guard let reservation else { return }

        // 2. Ask Razorpay (a reused reference_id answers with the link it already made).
        let link: PaymentLink
        switch await Self.create(reservation.request, client: client) {
        case .success(let created): link = created
        case .failure(let error):
            if error.isRetryable { throw JobFailure.retry(reason: error.description, after: nil) }
            try await context.database.transaction { c in
                try PaymentMilestoneRepository.setNote(c, id: milestoneID, note: "link failed: \(error.message)")
                try TeamRepository.audit(c, actor: "worker", action: "payment_link.failed", entity: "payment_milestone",
                                         entityID: reservation.link.referenceID, details: ["error": error.description])
            }
            throw JobFailure.permanent(reason: error.description)
        }

        // 3. Store it, tell the client, settle (a recovered link may already have been paid).
        let configuration = context.configuration
        try await context.database.transaction { c in
            guard let m = try PaymentMilestoneRepository.lock(c, id: milestoneID),
                  let booking = try BookingRepository.find(c, id: m.bookingID) else { return }
            try PaymentLedgerRepository.confirmLink(c, id: reservation.link.id, razorpayLinkID: link.id, shortURL: link.shortURL)
            var stored = reservation.link
            stored.status = .created
            try PaymentLedgerRepository.recordLinkState(c, link: stored, razorpayLinkID: link.id,
                                                        reported: PaymentLinkStatus(rawValue: link.status.rawValue) ?? .created,
                                                        amountPaid: Money(paise: link.amountPaid), orderID: nil)
            try PaymentMilestoneRepository.setCurrentLink(c, id: m.id, razorpayLinkID: link.id, shortURL: link.shortURL)
            let settled = try PaymentSettlement(configuration: configuration).settle(c, milestoneID: m.id)
            if booking.state == .cancelled {
                // Cancelled while Razorpay was making the link: nobody is told, and the link is cancelled too.
                try OutboxRepository.enqueueJob(c, kind: CancelPaymentLinksJob.kind, idempotencyKey: "\(CancelPaymentLinksJob.kind):\(booking.id):link:\(reservation.link.id)",
                                                payload: try JSONB(encoding: ["booking_id": String(booking.id)]))
                return
            }
            guard settled?.status == .linkIssued || settled?.status == .partiallyPaid else { return }
            let amount = Money(paise: link.amount - link.amountPaid)
            if let failure {
                try FailedPaymentMessages(configuration).notify(c, booking: booking, milestone: m, paymentID: failure.paymentID,
                                                                reason: failure.reason, link: link.shortURL, now: now)
            } else {
                try BookingNotifier(configuration: configuration).notify(c, moment: .paymentLinkIssued, booking: booking,
                                                                         occurrence: "link:\(reservation.link.id)", extra: [
                    "milestone_label": m.label, "amount": amount.inr, "due_date": NotificationFormat.date(m.dueOn), "payment_link": link.shortURL,
                ])
            }
            try TimelineRepository.append(c, bookingID: booking.id, kind: "payment", title: "Payment link ready: \(m.label)",
                                          body: "Your \(m.label) of \(amount.inr) is due on \(NotificationFormat.date(m.dueOn)). Pay securely by UPI, card or net banking.",
                                          data: try JSONB(encoding: PaymentSettlement.timelineData(m, ["status": PaymentMilestoneStatus.linkIssued.rawValue,
                                                                                                        "pay_url": link.shortURL])))
            try TeamRepository.audit(c, actor: "worker", action: "payment_link.issued", entity: "payment_milestone", entityID: m.publicID,
                                     details: ["link": link.id, "reference": reservation.link.referenceID, "amount_paise": String(amount.paise)])
        }
    }

    static func create(_ request: PaymentLinkRequest, client: RazorpayClient) async -> Result<PaymentLink, RazorpayError> {
        do throws(RazorpayError) { return .success(try await client.createPaymentLink(request)) } catch { return .failure(error) }
    }

    /// Long enough to pay comfortably: the due day (end, in India) plus 3 days, at least a week
    /// from now, at most Razorpay's 6 months.
    static func expiry(dueOn: CalendarDay, now: Date) -> Date {
        let dueEnd = IST.instant(dueOn.adding(days: 3), TimeOfDay(hour: 23, minute: 59)!)
        let earliest = now.addingTimeInterval(7 * 86_400)
        let latest = now.addingTimeInterval(180 * 86_400)
        return min(max(dueEnd, earliest), latest)
    }

    /// Partial payments are allowed (UPI caps a payment at ₹1 lakh); the first must be at least a tenth.
    static func firstMinimum(_ amount: Money) -> Money {
        Money(paise: min(amount.paise, max(100, amount.paise / 10)))
    }
}
