import Foundation
import RochCore
import RochDocuments
import RochStore

/// Worker job `issue_proposal_document` {proposal_id}: the PDF of a proposal when it is sent (queued
/// by the lifecycle's `markProposalSent`, in the sending transaction). The `proposal_sent` message
/// links the portal, where the PDF appears once issued.
public struct ProposalDocumentJob: JobHandler {
    public static let kind = "issue_proposal_document"
    public var kind: String { Self.kind }
    /// How long a proposal's prices hold after it is sent.
    static let validityDays = 14

    public init() {}

    static func enqueue(_ c: Connection, proposalID: Int64) throws {
        try DocumentJobPayload.enqueue(c, kind: kind, key: "proposal_id", id: proposalID)
    }

    public func run(_ job: JobRecord, context: AppContext) async throws {
        let proposalID = try DocumentJobPayload.id(job, key: "proposal_id")
        guard let facts = try await context.database.withConnection({ c in try DocumentFacts.proposal(c, proposalID: proposalID) }) else {
            throw JobFailure.permanent(reason: "no proposal \(proposalID)")
        }
        let print = PaymentDocumentLayouts(configuration: context.configuration)
        let sentOn = IST.day(of: facts.sentAt)
        _ = try await DocumentIssuer(context: context).issue(
            .init(kind: .proposal, bookingID: facts.bookingID, clientID: facts.clientID, total: facts.total, source: "proposal:\(proposalID)"),
            on: sentOn, layout: { print.proposal(facts, issuedOn: sentOn, validUntil: sentOn.adding(days: Self.validityDays), number: $0) })
    }
}

/// Worker job `issue_vendor_voucher` {vendor_payment_id}: the voucher for a payment made to a vendor
/// (queued by `VendorPayables.record`, in the recording transaction, whatever records it).
public struct VendorVoucherJob: JobHandler {
    public static let kind = VendorPayables.voucherJobKind
    public var kind: String { Self.kind }

    public init() {}

    public func run(_ job: JobRecord, context: AppContext) async throws {
        let paymentID = try DocumentJobPayload.id(job, key: "vendor_payment_id")
        guard let facts = try await context.database.withConnection({ c in try DocumentFacts.vendorPayment(c, paymentID: paymentID) }) else {
            throw JobFailure.permanent(reason: "no vendor payment \(paymentID)")
        }
        let print = PaymentDocumentLayouts(configuration: context.configuration)
        _ = try await DocumentIssuer(context: context).issue(
            .init(kind: .vendorVoucher, bookingID: facts.bookingID, vendorID: facts.vendorID, total: facts.amount, source: "vendor_payment:\(paymentID)"),
            on: facts.paidOn, layout: { print.vendorVoucher(facts, number: $0) })
    }
}

extension PaymentDocumentLayouts {
    /// One line for the whole proposal at its GST rate, so the printed total is exactly the proposal's.
    func proposal(_ f: ProposalDocumentFacts, issuedOn: CalendarDay, validUntil: CalendarDay, number: String) -> PrintedDocument {
        let place = PlaceOfSupply.forEventServices(clientGSTIN: f.clientGSTIN, eventState: GSTState.ofCity(f.city) ?? letterhead.state)
        let event = "\(EventType(rawValue: f.eventType)?.label ?? f.eventType) · \(NotificationFormat.date(f.eventDate)) · \(f.city)"
        let description = f.summary.isEmpty ? "Event management services: \(event)" : "Event management services: \(f.summary)"
        let computation = TaxComputation.inclusive(gross: f.total, description: description, rateBasisPoints: f.gstRateBP,
                                                   supply: .between(business: letterhead.state, placeOfSupply: place))
        let details = ProposalDetails(
            number: number, issuedOn: issuedOn, validUntil: validUntil, letterhead: letterhead,
            client: Party(name: f.clientName, phone: f.clientPhone, email: f.clientEmail, gstin: f.clientGSTIN), placeOfSupply: place,
            lines: [], event: event, paymentPlan: f.plan,
            terms: ["The deposit confirms the booking and reserves the date; each later payment is due on the date shown.",
                    invoicePolicy == .payment ? "A tax invoice is issued for each payment received."
                        : "A tax invoice is issued for each milestone of the plan once it is paid in full.",
                    "Cancellation and refunds follow the terms at \(letterhead.website)/terms/."],
            createdAt: createdAt)
        return .proposal(details, computation: computation)
    }

    func vendorVoucher(_ f: VendorPaymentDocumentFacts, number: String) -> PrintedDocument {
        let method = ["upi": "UPI", "bank_transfer": "Bank transfer", "cheque": "Cheque", "cash": "Cash"][f.method] ?? f.method
        return .vendorVoucher(VendorVoucherDetails(
            number: number, paidOn: f.paidOn, letterhead: letterhead,
            vendor: Party(name: f.vendorName, phone: f.vendorPhone, email: f.vendorEmail, gstin: f.vendorGSTIN), service: f.role,
            amount: f.amount, paymentReference: [method, f.reference].compactMap { $0 }.joined(separator: " "),
            bookingReference: f.bookingPublicID, createdAt: createdAt))
    }
}
