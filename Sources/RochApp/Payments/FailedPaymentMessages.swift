import Foundation
import RochCore
import RochStore

/// Tells the client when a payment attempt failed (`payment.failed`) and gives them a fresh way to
/// pay, in the webhook's transaction: the milestone's current link while it can still be paid,
/// else a re-issued one (the link job sends the message once the new link exists). The message
/// waits `FailedPaymentFollowUp.grace` and is withdrawn if money arrives meanwhile
/// (PaymentSettlement), because Razorpay may still capture the same attempt.
struct FailedPaymentMessages {
    let configuration: Configuration

    init(_ configuration: Configuration) { self.configuration = configuration }

    /// Returns what was done, for the webhook delivery's outcome.
    func follow(up payment: PaymentRecord, errorDescription: String?, milestoneID: Int64, _ c: Connection, now: Date) throws -> String {
        guard let m = try PaymentMilestoneRepository.lock(c, id: milestoneID), let booking = try BookingRepository.find(c, id: m.bookingID) else {
            return "no client message: milestone not found"
        }
        let link = try PaymentLedgerRepository.currentLink(c, milestoneID: m.id)
        let decision = FailedPaymentFollowUp.decide(bookingClosed: booking.state.isFinal, milestone: m.status, currentLink: link?.status,
                                                    paymentStatus: payment.status)
        let reason = FailedPaymentFollowUp.reason(errorDescription: errorDescription)
        switch decision {
        case .nothing(let why):
            return "no client message: \(why)"
        case .offerCurrentLink:
            guard let url = link?.shortURL ?? m.shortURL else { fallthrough }
            try notify(c, booking: booking, milestone: m, paymentID: payment.razorpayPaymentID, reason: reason, link: url, now: now)
            return "payment_failed queued with the current link"
        case .reissueLink:
            let attempt = try PaymentLedgerRepository.linkCount(c, milestoneID: m.id) + 1
            try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind,
                                            idempotencyKey: "create_payment_link:milestone:\(m.id):\(attempt):failed:\(payment.razorpayPaymentID)",
                                            payload: try JSONB(encoding: ["booking_id": String(booking.id), "milestones": m.publicID,
                                                                          "failed_payment": payment.razorpayPaymentID, "failure_reason": reason]))
            return "new link requested for payment_failed"
        }
    }

    /// Queues `payment_failed` to the client (once per failed payment).
    func notify(_ c: Connection, booking: BookingRecord, milestone m: PaymentMilestoneRecord, paymentID: String, reason: String,
                link: String, now: Date) throws {
        try BookingNotifier(configuration: configuration).notify(
            c, moment: .paymentFailed, booking: booking, occurrence: "payment:\(paymentID)",
            extra: ["milestone_label": m.label, "amount": m.outstanding.inr, "due_date": NotificationFormat.date(m.dueOn),
                    "failure_reason": reason, "payment_link": link, "milestone_sequence": String(m.sequence)],
            dueAt: now.addingTimeInterval(FailedPaymentFollowUp.grace))
    }
}
