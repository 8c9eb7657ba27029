import Foundation
import RochCore
import RochIntegrations
import RochStore

/// Worker job `cancel_payment_links` {booking_id, milestone_id?}: queued by the lifecycle when a
/// booking is cancelled (`BookingAction.cancelPaymentLinks`), or by the payments desk for one
/// milestone's link (`milestone_id`). Every link of the booking that may still take
/// money is cancelled at Razorpay (`POST /v1/payment_links/{id}/cancel`) and the answer is
/// recorded and settled as a webhook would be. Razorpay refuses to cancel a link that is no longer
/// `created`: the job then fetches it and records what it is, so money that arrived in the
/// meantime is counted and flagged (paid after cancellation), and a partly paid link, which stays
/// payable, is flagged for the team. Idempotent: a cancelled link is not asked again.
public struct CancelPaymentLinksJob: JobHandler {
    public static let kind = "cancel_payment_links"
    public var kind: String { Self.kind }

    public init() {}

    public func run(_ job: JobRecord, context: AppContext) async throws {
        struct Payload: Decodable { var booking_id: String; var milestone_id: String? }
        guard let payload = try? job.payload.decode(Payload.self), let bookingID = Int64(payload.booking_id),
              payload.milestone_id == nil || Int64(payload.milestone_id!) != nil else {
            throw JobFailure.permanent(reason: "payload needs booking_id (and perhaps milestone_id), got \(job.payload.text)")
        }
        let milestoneID = payload.milestone_id.flatMap { Int64($0) }
        let links = try await context.database.withConnection { c in try PaymentLedgerRepository.openLinks(c, bookingID: bookingID) }
            .filter { milestoneID == nil || $0.milestoneID == milestoneID }
        guard !links.isEmpty else { return }
        guard let razorpay = context.configuration.razorpay else {
            // Links exist, so Razorpay was configured when they were made: wait until it is again.
            throw JobFailure.retry(reason: "Razorpay is not configured: \(links.count) link(s) of booking \(bookingID) cannot be cancelled yet", after: 3_600)
        }
        let client = RazorpayClient(configuration: .init(apiBase: razorpay.apiBase, keyID: razorpay.keyID, keySecret: razorpay.keySecret))
        for link in links {
            guard let known = try await Self.cancel(link, client: client) else { continue }
            try await context.database.transaction { c in try Self.record(known, for: link, c, configuration: context.configuration) }
        }
    }

    /// Razorpay's view of the link after asking it to cancel; nil when Razorpay never made it.
    static func cancel(_ link: PaymentLinkRecord, client: RazorpayClient) async throws -> PaymentLink? {
        var razorpayID = link.razorpayLinkID
        if razorpayID == nil {
            // Reserved by a worker that may have crashed after Razorpay made it: find it by reference.
            switch await Self.call({ () async throws(RazorpayError) -> PaymentLink? in try await client.paymentLink(referenceID: link.referenceID) }) {
            case .success(let found?): razorpayID = found.id
            case .success(nil): return nil
            case .failure(let error): throw Self.failure(error, link)
            }
        }
        guard let id = razorpayID else { return nil }
        switch await Self.call({ () async throws(RazorpayError) -> PaymentLink in try await client.cancelPaymentLink(id: id) }) {
        case .success(let cancelled): return cancelled
        case .failure(let error) where error.isRetryable: throw Self.failure(error, link)
        case .failure:
            // Not cancellable any more (paid, partly paid, expired, already cancelled): learn what it is.
            switch await Self.call({ () async throws(RazorpayError) -> PaymentLink in try await client.fetchPaymentLink(id: id) }) {
            case .success(let fetched): return fetched
            case .failure(let error): throw Self.failure(error, link)
            }
        }
    }

    /// Stores Razorpay's answer for the link and settles its milestone, in one transaction.
    static func record(_ known: PaymentLink, for link: PaymentLinkRecord, _ c: Connection, configuration: Configuration) throws {
        let settlement = PaymentSettlement(configuration: configuration)
        guard let m = try PaymentMilestoneRepository.lock(c, id: link.milestoneID) else { return }
        if link.razorpayLinkID == nil { try PaymentLedgerRepository.confirmLink(c, id: link.id, razorpayLinkID: known.id, shortURL: known.shortURL) }
        try PaymentLedgerRepository.recordLinkState(c, link: link, razorpayLinkID: known.id,
                                                    reported: PaymentLinkStatus(rawValue: known.status.rawValue) ?? .created,
                                                    amountPaid: Money(paise: known.amountPaid), orderID: nil)
        for p in known.payments ?? [] where (p.status ?? "captured") == "captured" && p.amount > 0 {
            try PaymentLedgerRepository.upsertPayment(c, ReportedPayment(razorpayPaymentID: p.paymentID, orderID: nil, amount: Money(paise: p.amount),
                                                                         currency: known.currency, status: "captured", method: p.method),
                                                      milestoneID: m.id, paymentLinkID: link.id)
        }
        if known.status == .partiallyPaid {
            try settlement.raiseFlag(c, m, "The booking is cancelled but Razorpay does not cancel a partly paid link: \(known.shortURL) can still take the rest of the \(m.label). Refund anything paid after the cancellation.")
        }
        _ = try settlement.settle(c, milestoneID: m.id)
        try TeamRepository.audit(c, actor: "worker", action: "payment_link.cancel", entity: "payment_milestone", entityID: m.publicID,
                                 details: ["link": known.id, "status": known.status.rawValue])
    }

    static func call<T: Sendable>(_ body: @Sendable () async throws(RazorpayError) -> T) async -> Result<T, RazorpayError> {
        do throws(RazorpayError) { return .success(try await body()) } catch { return .failure(error) }
    }

    static func failure(_ error: RazorpayError, _ link: PaymentLinkRecord) -> JobFailure {
        error.isRetryable ? .retry(reason: "link \(link.referenceID): \(error.description)", after: nil)
            : .permanent(reason: "link \(link.referenceID): \(error.description)")
    }
}
