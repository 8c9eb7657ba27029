import Foundation
import RochCore
import RochIntegrations
import RochStore

/// Worker job `tie_failed_payment` {payment_id, order_id, error_code, error_description}: a `payment.failed`
/// for a link nobody has paid on yet names an order we have never seen (no link event reported it),
/// so the webhook could not tell whose it is. The job fetches the live links still waiting for their
/// order (newest first, at most `limit`) until one shows that order, records it on the link, ties
/// the payment to its milestone and follows up as the webhook would (`payment_failed` to the client).
/// Finding none is not an error: the attempt was not on one of our open links.
public struct TieFailedPaymentJob: JobHandler {
    public static let kind = "tie_failed_payment"
    public var kind: String { Self.kind }
    let limit: Int

    public init(limit: Int = 50) { self.limit = limit }

    public func run(_ job: JobRecord, context: AppContext) async throws {
        struct Payload: Decodable { var payment_id: String; var order_id: String; var error_code: String?; var error_description: String? }
        guard let payload = try? job.payload.decode(Payload.self), !payload.payment_id.isEmpty, !payload.order_id.isEmpty else {
            throw JobFailure.permanent(reason: "payload needs payment_id and order_id, got \(job.payload.text)")
        }
        guard let razorpay = context.configuration.razorpay else {
            throw JobFailure.permanent(reason: "Razorpay is not configured")
        }
        let client = RazorpayClient(configuration: .init(apiBase: razorpay.apiBase, keyID: razorpay.keyID, keySecret: razorpay.keySecret))
        let limit = self.limit
        let candidates = try await context.database.withConnection { c in try PaymentLedgerRepository.linksAwaitingOrder(c, limit: limit) }
        for link in candidates {
            guard let id = link.razorpayLinkID else { continue }
            let fetched: PaymentLink
            switch await CancelPaymentLinksJob.call({ () async throws(RazorpayError) -> PaymentLink in try await client.fetchPaymentLink(id: id) }) {
            case .success(let l): fetched = l
            case .failure(let error): throw CancelPaymentLinksJob.failure(error, link)
            }
            guard fetched.orderID == payload.order_id else { continue }
            let configuration = context.configuration
            try await context.database.transaction { c in
                try PaymentLedgerRepository.recordLinkState(c, link: link, razorpayLinkID: id,
                                                            reported: PaymentLinkStatus(rawValue: fetched.status.rawValue) ?? .created,
                                                            amountPaid: Money(paise: fetched.amountPaid), orderID: payload.order_id)
                guard let stored = try PaymentLedgerRepository.payment(c, razorpayPaymentID: payload.payment_id) else { return }
                let tied = try PaymentLedgerRepository.upsertPayment(
                    c, ReportedPayment(razorpayPaymentID: stored.razorpayPaymentID, orderID: payload.order_id, amount: stored.amount,
                                       currency: stored.currency, status: stored.status, method: nil,
                                       errorCode: payload.error_code.flatMap { $0.isEmpty ? nil : $0 },
                                       errorDescription: payload.error_description.flatMap { $0.isEmpty ? nil : $0 }),
                    milestoneID: link.milestoneID, paymentLinkID: link.id)
                _ = try FailedPaymentMessages(configuration).follow(up: tied, errorDescription: payload.error_description,
                                                                    milestoneID: link.milestoneID, c, now: Date())
            }
            return
        }
    }
}
