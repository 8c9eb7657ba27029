import Foundation
import RochCore
import RochIntegrations
import RochStore

/// A refund the team starts from the payments desk: validated against what remains refundable,
/// asked of Razorpay (`POST /v1/payments/{id}/refund`, idempotent on the form's key so a double
/// submit or a retry never refunds twice), then recorded as pending with who asked and why.
/// Razorpay's `refund.processed` webhook confirms it (RazorpayEventProcessor applies it to the
/// milestone, the client's timeline says so); `refund.failed` makes the money refundable again.
struct PaymentRefunds {
    let context: AppContext
    let actions: PaymentDeskActions

    /// What the form sent.
    struct FormFields {
        var payment: String
        var key: String
        var amount: String?
        var reason: String?
    }

    func start(bookingPublicID: String, fields: FormFields) async throws -> PaymentDeskActions.Outcome? {
        guard PaymentDeskActions.isFormKey(fields.key) else {
            return PaymentDeskActions.refused("form", "The form is incomplete. Reload the page and start the refund again.")
        }
        // 1. What may be refunded, read and checked before anyone is asked.
        struct Target: Sendable { var payment: PaymentDesk.Payment; var milestone: PaymentMilestoneRecord }
        let found: Result<Target, ValidationErrors>? = try await context.database.withConnection { c in
            guard let desk = try PaymentDeskQueries.load(c, publicID: bookingPublicID) else { return nil }
            for m in desk.milestones {
                if let p = m.payments.first(where: { $0.providerID == fields.payment }) {
                    guard !p.isOffline else {
                        return .failure(ValidationErrors(fields: ["form": "Money received outside Razorpay is refunded outside it too (by bank transfer)."]))
                    }
                    return .success(Target(payment: p, milestone: m.record))
                }
            }
            return .failure(ValidationErrors(fields: ["form": "That payment is not one of this booking's. Reload the page."]))
        }
        guard let found else { return nil }
        let target: Target
        switch found {
        case .failure(let errors): return .refused(errors)
        case .success(let t): target = t
        }
        let entry: RefundRequestEntry
        switch RefundForm.validate(amount: fields.amount, reason: fields.reason, refundable: target.payment.refundable) {
        case .failure(let errors): return .refused(errors)
        case .success(let e): entry = e
        }
        guard let razorpay = context.configuration.razorpay else {
            return PaymentDeskActions.refused("form", "Razorpay is not configured here, so no refund can be started. Refund from Razorpay's dashboard.")
        }

        // 2. Ask Razorpay. The same key with the same body answers the same refund.
        let client = RazorpayClient(configuration: .init(apiBase: razorpay.apiBase, keyID: razorpay.keyID, keySecret: razorpay.keySecret))
        let request = RefundRequest(amount: entry.isFull ? nil : entry.amount.paise, speed: "normal",
                                    notes: ["booking": bookingPublicID, "milestone": target.milestone.publicID, "staff": String(actions.staffID)],
                                    receipt: "roch-" + String(fields.key.prefix(30)))
        let refund: RazorpayEvent.RefundEntity
        do throws(RazorpayError) {
            refund = try await client.refund(paymentID: target.payment.providerID, request, idempotencyKey: "roch-refund-" + fields.key)
        } catch {
            if error.field == "amount" { return PaymentDeskActions.refused("amount", "Razorpay refused the amount: \(error.message)") }
            return PaymentDeskActions.refused("form", error.isRetryable
                ? "Razorpay did not answer (\(error.message)). Nothing was refunded yet: send the form again in a minute."
                : "Razorpay refused the refund: \(error.message)")
        }

        // 3. Record it (the webhook may have been faster: the refund row is shared), and settle if already processed.
        let configuration = context.configuration
        let actor = actions.actor, client2 = actions.client, staffID = actions.staffID
        try await context.database.transaction { c in
            try PaymentDeskQueries.recordRequestedRefund(c, refundID: refund.id, paymentID: refund.paymentID, amount: Money(paise: refund.amount),
                                                         currency: refund.currency, status: refund.status, staffID: staffID, reason: entry.reason)
            try AuditLogQueries.record(c, actor: actor, action: "payment.refund_requested", entity: "payment_milestone", entityID: target.milestone.publicID,
                                       details: ["refund": refund.id, "payment": refund.paymentID, "amount_paise": String(refund.amount),
                                                 "status": refund.status, "reason": entry.reason],
                                       ip: client2.ip, userAgent: client2.userAgent)
            if refund.status == "processed" { _ = try PaymentSettlement(configuration: configuration).settle(c, milestoneID: target.milestone.id) }
        }
        return .done(.refundStarted)
    }
}
