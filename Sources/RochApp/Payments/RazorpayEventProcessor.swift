import Foundation
import RochCore
import RochIntegrations
import RochStore

/// Applies one verified Razorpay event in the caller's transaction. Each event only adds facts
/// (a link's furthest status, a captured payment, a processed refund) and then settles the
/// milestone, so any order of arrival ends in the same state.
struct RazorpayEventProcessor {
    let settlement: PaymentSettlement

    init(configuration: Configuration) { settlement = PaymentSettlement(configuration: configuration) }

    /// The events that change money or links; the rest are stored and acknowledged.
    static let handled: Set<String> = [
        "payment_link.paid", "payment_link.partially_paid", "payment_link.expired", "payment_link.cancelled",
        "payment.captured", "payment.authorized", "payment.failed", "refund.processed", "refund.created", "refund.failed",
    ]

    /// Returns the outcome kept on the delivery row.
    func apply(_ event: RazorpayEvent, on c: Connection, now: Date = Date()) throws -> String {
        switch event.event {
        case _ where !Self.handled.contains(event.event):
            return "ignored: \(event.event) is not an event we act on"
        case "payment_link.paid", "payment_link.partially_paid", "payment_link.expired", "payment_link.cancelled":
            return try linkEvent(event, c, now: now)
        case "payment.captured", "payment.authorized", "payment.failed":
            return try paymentEvent(event, c, now: now)
        case "refund.processed", "refund.created", "refund.failed":
            return try refundEvent(event, c, now: now)
        default:
            return "ignored: \(event.event) is not an event we act on"
        }
    }

    private func linkEvent(_ event: RazorpayEvent, _ c: Connection, now: Date) throws -> String {
        guard let link = event.payload.paymentLink?.entity else { return "ignored: \(event.event) without a payment_link entity" }
        guard let ours = try PaymentLedgerRepository.link(c, razorpayLinkID: link.id, referenceID: link.referenceID),
              let milestone = try PaymentMilestoneRepository.lock(c, id: ours.milestoneID) else {
            return "ignored: payment link \(link.id) (reference \(link.referenceID ?? "none")) was not made by us"
        }
        if link.currency != milestone.currency {
            try settlement.raiseFlag(c, milestone, "Razorpay link \(link.id) is in \(link.currency), not \(milestone.currency).")
        }
        if link.amount != ours.amount.paise {
            try settlement.raiseFlag(c, milestone, "Razorpay link \(link.id) asks for \(Money(paise: link.amount).inr) but we issued it for \(ours.amount.inr).")
        }
        let reported = PaymentLinkStatus(rawValue: link.status.rawValue) ?? .created
        let orderID = event.payload.order?.entity.id ?? event.payload.payment?.entity.orderID
        try PaymentLedgerRepository.recordLinkState(c, link: ours, razorpayLinkID: link.id, reported: reported,
                                                    amountPaid: Money(paise: link.amountPaid), orderID: orderID)
        if ours.razorpayLinkID == nil, let current = try PaymentLedgerRepository.currentLink(c, milestoneID: milestone.id), current.id == ours.id {
            // The worker crashed before storing the link: the webhook knows it now.
            try PaymentMilestoneRepository.setCurrentLink(c, id: milestone.id, razorpayLinkID: link.id, shortURL: link.shortURL)
        }
        if let p = event.payload.payment?.entity, p.amount > 0 {
            try PaymentLedgerRepository.upsertPayment(c, Self.reported(p), milestoneID: milestone.id, paymentLinkID: ours.id)
        }
        for p in link.payments ?? [] where (p.status ?? "captured") == "captured" && p.amount > 0 {
            try PaymentLedgerRepository.upsertPayment(c, ReportedPayment(razorpayPaymentID: p.paymentID, orderID: orderID,
                                                                         amount: Money(paise: p.amount), currency: link.currency,
                                                                         status: "captured", method: p.method),
                                                      milestoneID: milestone.id, paymentLinkID: ours.id)
        }
        return try outcome(event, milestone: milestone, c, now: now)
    }

    private func paymentEvent(_ event: RazorpayEvent, _ c: Connection, now: Date) throws -> String {
        guard let p = event.payload.payment?.entity else { return "ignored: \(event.event) without a payment entity" }
        guard p.amount > 0 else { return "ignored: payment \(p.id) has no amount" }
        guard let found = try milestoneOf(paymentID: p.id, orderID: p.orderID, c) else {
            // payment.captured often arrives before payment_link.paid: keep it; the link event ties it to its milestone.
            try PaymentLedgerRepository.upsertPayment(c, Self.reported(p), milestoneID: nil, paymentLinkID: nil)
            if event.event == "payment.failed", let order = p.orderID, !order.isEmpty {
                // A failed first attempt: no link event will name its order, so the worker asks Razorpay whose it is.
                try OutboxRepository.enqueueJob(c, kind: TieFailedPaymentJob.kind, idempotencyKey: "\(TieFailedPaymentJob.kind):\(p.id)",
                                                payload: try JSONB(encoding: ["payment_id": p.id, "order_id": order, "error_code": p.errorCode ?? "",
                                                                              "error_description": p.errorDescription ?? ""]))
                return "recorded: payment \(p.id) failed, not yet tied to a milestone; the worker looks up its link"
            }
            return "recorded: payment \(p.id) \(p.status), not yet tied to a milestone"
        }
        let stored = try PaymentLedgerRepository.upsertPayment(c, Self.reported(p), milestoneID: found.milestone.id, paymentLinkID: found.linkID)
        var text = try outcome(event, milestone: found.milestone, c, now: now)
        if event.event == "payment.failed" {
            text += "; " + (try FailedPaymentMessages(settlement.configuration).follow(up: stored, errorDescription: p.errorDescription,
                                                                                     milestoneID: found.milestone.id, c, now: now))
        }
        return text
    }

    private func refundEvent(_ event: RazorpayEvent, _ c: Connection, now: Date) throws -> String {
        guard let r = event.payload.refund?.entity else { return "ignored: \(event.event) without a refund entity" }
        guard r.amount > 0, ["pending", "processed", "failed"].contains(r.status) else { return "ignored: refund \(r.id) is \(r.status) of \(r.amount)" }
        let found = try milestoneOf(paymentID: r.paymentID, orderID: event.payload.payment?.entity.orderID, c)
        if let p = event.payload.payment?.entity, p.amount > 0 {
            // A refund implies the payment was captured, even if that event has not arrived yet.
            var reported = Self.reported(p)
            if reported.status == "failed" || reported.status == "authorized" { reported.status = "captured" }
            try PaymentLedgerRepository.upsertPayment(c, reported, milestoneID: found?.milestone.id, paymentLinkID: found?.linkID)
        }
        try PaymentLedgerRepository.upsertRefund(c, razorpayRefundID: r.id, razorpayPaymentID: r.paymentID, amount: Money(paise: r.amount),
                                                 currency: r.currency, status: r.status)
        guard let found else { return "recorded: refund \(r.id) \(r.status), payment \(r.paymentID) not yet tied to a milestone" }
        return try outcome(event, milestone: found.milestone, c, now: now)
    }

    /// The milestone (locked) a payment belongs to: known from an earlier event, or by the order its link created.
    private func milestoneOf(paymentID: String, orderID: String?, _ c: Connection) throws -> (milestone: PaymentMilestoneRecord, linkID: Int64?)? {
        var milestoneID: Int64?
        var linkID: Int64?
        if let existing = try PaymentLedgerRepository.payment(c, razorpayPaymentID: paymentID), let id = existing.milestoneID {
            milestoneID = id
        } else if let orderID, !orderID.isEmpty, let link = try PaymentLedgerRepository.link(c, orderID: orderID) {
            milestoneID = link.milestoneID
            linkID = link.id
        }
        guard let id = milestoneID, let milestone = try PaymentMilestoneRepository.lock(c, id: id) else { return nil }
        return (milestone, linkID)
    }

    private func outcome(_ event: RazorpayEvent, milestone: PaymentMilestoneRecord, _ c: Connection, now: Date) throws -> String {
        guard let result = try settlement.settle(c, milestoneID: milestone.id, now: now) else {
            return "ignored: milestone \(milestone.publicID) has no booking"
        }
        var text = "processed: \(event.event) for milestone \(milestone.publicID): \(milestone.status.rawValue) -> \(result.status.rawValue)"
        if !result.counted.isEmpty { text += "; counted \(result.counted.joined(separator: ", "))" }
        if !result.refunds.isEmpty { text += "; refunded \(result.refunds.joined(separator: ", "))" }
        if result.confirmedBooking { text += "; booking confirmed" }
        return text
    }

    static func reported(_ p: RazorpayEvent.PaymentEntity) -> ReportedPayment {
        let status: String
        switch p.status {
        case "captured", "refunded", "failed": status = p.status
        default: status = p.captured == true ? "captured" : "authorized"
        }
        return ReportedPayment(razorpayPaymentID: p.id, orderID: p.orderID, amount: Money(paise: p.amount), currency: p.currency,
                               status: status, method: p.method, errorCode: p.errorCode, errorDescription: p.errorDescription)
    }
}
