import Foundation
import RochCore
import RochDocuments
import RochStore

/// Worker job `issue_payment_documents` {receipt_id}: queued by `PaymentSettlement` for each counted
/// payment (webhook, link job or any other path that settles). Issues the tax invoice (per payment,
/// or per milestone once paid in full: TAX_INVOICE_PER) and the receipt PDF under the receipt row's
/// own number, then, in the receipt's transaction, queues `payment_received` with the invoice's
/// portal link: the message exists only once the document it links does. Idempotent through
/// `documents.source`.
public struct PaymentDocumentsJob: JobHandler {
    public static let kind = "issue_payment_documents"
    public var kind: String { Self.kind }

    public init() {}

    /// Queued in the settling transaction, once per receipt row.
    static func enqueue(_ c: Connection, receiptID: Int64) throws {
        try DocumentJobPayload.enqueue(c, kind: kind, key: "receipt_id", id: receiptID)
    }

    public func run(_ job: JobRecord, context: AppContext) async throws {
        let receiptID = try DocumentJobPayload.id(job, key: "receipt_id")
        guard let facts = try await context.database.withConnection({ c in try DocumentFacts.payment(c, receiptID: receiptID) }) else {
            throw JobFailure.permanent(reason: "no receipt \(receiptID)")
        }
        let configuration = context.configuration
        let issuer = DocumentIssuer(context: context)
        let print = PaymentDocumentLayouts(configuration: configuration)
        let plan = PaymentDocumentPlan.forPayment(policy: configuration.taxInvoicePolicy, paymentID: facts.paymentID, paymentAmount: facts.amount,
                                                  receiptID: facts.receiptID, milestoneID: facts.milestoneID,
                                                  milestoneAmount: facts.milestoneAmount, milestonePaid: facts.milestonePaid)
        let invoice: DocumentRecord?
        if let due = plan.invoice {
            invoice = try await issuer.issue(.init(kind: .taxInvoice, bookingID: facts.bookingID, clientID: facts.clientID, total: due.gross,
                                                   source: due.source),
                                             on: facts.receivedOn, layout: { print.taxInvoice(facts, gross: due.gross, number: $0) })
        } else {
            invoice = try await context.database.withConnection { c in try DocumentRepository.find(c, source: plan.invoiceSource) }
        }
        let invoiceNumber = invoice?.number, invoiceID = invoice?.id, invoicePublicID = invoice?.publicID
        let site = configuration.siteURL
        let notifier = BookingNotifier(configuration: configuration)
        _ = try await issuer.issue(
            .init(kind: .receipt, bookingID: facts.bookingID, clientID: facts.clientID, referencesID: invoiceID, total: facts.amount,
                  source: plan.receiptSource, number: facts.receiptNumber),
            on: facts.receivedOn, layout: { print.receipt(facts, invoiceNumber: invoiceNumber, number: $0) },
            then: { c, receipt in
                guard let booking = try BookingRepository.find(c, id: facts.bookingID) else { return }
                try notifier.notify(c, moment: .paymentReceived, booking: booking, occurrence: "payment:\(facts.paymentID)", extra: [
                    "milestone_label": facts.milestoneLabel, "amount": facts.amount.inr, "receipt_number": facts.receiptNumber,
                    "invoice_link": PortalDocuments.url(site: site, publicID: invoicePublicID ?? receipt.publicID),
                ])
            })
    }
}

/// A processed refund's credit note, naming the tax invoice of the payment it gives back (job
/// `issue_credit_note` {refund_id}, queued by `PaymentSettlement` when it applies the refund). Waits
/// (retries) while that invoice is not issued yet.
public struct CreditNoteJob: JobHandler {
    public static let kind = "issue_credit_note"
    public var kind: String { Self.kind }

    public init() {}

    static func enqueue(_ c: Connection, refundID: Int64) throws {
        try DocumentJobPayload.enqueue(c, kind: kind, key: "refund_id", id: refundID)
    }

    public func run(_ job: JobRecord, context: AppContext) async throws {
        let refundID = try DocumentJobPayload.id(job, key: "refund_id")
        let configuration = context.configuration
        let found = try await context.database.withConnection { c -> (RefundDocumentFacts, DocumentRecord?)? in
            guard let facts = try DocumentFacts.refund(c, refundID: refundID) else { return nil }
            let p = facts.payment
            let invoice = try DocumentRepository.find(c, source: PaymentDocumentPlan.invoiceSource(paymentID: p.paymentID))
                ?? DocumentRepository.find(c, source: PaymentDocumentPlan.invoiceSource(milestoneID: p.milestoneID))
            return (facts, invoice)
        }
        guard let (facts, invoice) = found else { throw JobFailure.permanent(reason: "no refund \(refundID) of a counted payment") }
        guard let invoice else {
            throw JobFailure.retry(reason: "the tax invoice for payment \(facts.payment.razorpayPaymentID) is not issued yet", after: 60)
        }
        let print = PaymentDocumentLayouts(configuration: configuration)
        _ = try await DocumentIssuer(context: context).issue(
            .init(kind: .creditNote, bookingID: facts.payment.bookingID, clientID: facts.payment.clientID, referencesID: invoice.id,
                  total: Money.zero - facts.amount, source: "refund:\(facts.razorpayRefundID)"),
            on: IST.day(of: Date()), layout: { print.creditNote(facts, invoice: invoice, number: $0) })
    }
}
