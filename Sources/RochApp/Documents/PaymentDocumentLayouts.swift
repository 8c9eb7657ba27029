import Foundation
import RochCore
import RochDocuments
import RochStore

/// What a payment's tax invoice, receipt and credit note print, from the recorded facts.
struct PaymentDocumentLayouts: Sendable {
    let letterhead: Letterhead
    let createdAt: String
    let invoicePolicy: TaxInvoicePolicy

    init(configuration: Configuration, now: Date = Date()) {
        var letterhead = Letterhead.rochEvents(gstin: configuration.businessGSTIN)
        // The business is registered where its GSTIN says (the demo's placeholder 00... keeps the letterhead's state).
        if let state = configuration.businessGSTIN.flatMap(GSTState.init(gstin:)) { letterhead.state = state }
        self.letterhead = letterhead
        invoicePolicy = configuration.taxInvoicePolicy
        let format = ISO8601DateFormatter()
        format.timeZone = IST.timeZone
        createdAt = format.string(from: now)
    }

    /// Section 12(7): a registered client's state, else the event's; a city not in
    /// `GSTState.ofCity`'s list is taken to be in the business's own state.
    func placeOfSupply(_ f: PaymentDocumentFacts) -> GSTState {
        PlaceOfSupply.forEventServices(clientGSTIN: f.clientGSTIN, eventState: GSTState.ofCity(f.city) ?? letterhead.state)
    }

    func client(_ f: PaymentDocumentFacts) -> Party {
        Party(name: f.clientName, phone: f.clientPhone, email: f.clientEmail, gstin: f.clientGSTIN)
    }

    func event(_ f: PaymentDocumentFacts) -> String {
        "\(EventType(rawValue: f.eventType)?.label ?? f.eventType) · \(NotificationFormat.date(f.eventDate)) · \(f.city)"
    }

    func invoiceDetails(_ f: PaymentDocumentFacts, number: String, issuedOn: CalendarDay) -> TaxInvoiceDetails {
        TaxInvoiceDetails(number: number, issuedOn: issuedOn, letterhead: letterhead, client: client(f), placeOfSupply: placeOfSupply(f),
                          lines: [], event: event(f), bookingReference: f.bookingPublicID, createdAt: createdAt)
    }

    /// The invoice for `gross` (GST included) at the proposal's rate: its total is exactly what was paid.
    func taxInvoice(_ f: PaymentDocumentFacts, gross: Money, number: String) -> PrintedDocument {
        let details = invoiceDetails(f, number: number, issuedOn: f.receivedOn)
        let computation = TaxComputation.inclusive(gross: gross, description: "Event management services: \(f.milestoneLabel), \(event(f))",
                                                   rateBasisPoints: f.gstRateBP, supply: details.supply)
        return .taxInvoice(details, computation: computation)
    }

    func receipt(_ f: PaymentDocumentFacts, invoiceNumber: String?, number: String) -> PrintedDocument {
        .receipt(ReceiptDetails(number: number, receivedOn: f.receivedOn, letterhead: letterhead, client: client(f), amount: f.amount,
                                milestone: f.milestoneLabel, paymentReference: "Razorpay \(f.razorpayPaymentID)", invoiceNumber: invoiceNumber,
                                bookingReference: f.bookingPublicID, createdAt: createdAt))
    }

    func creditNote(_ r: RefundDocumentFacts, invoice: DocumentRecord, number: String) -> PrintedDocument {
        let details = invoiceDetails(r.payment, number: invoice.number, issuedOn: IST.day(of: invoice.issuedAt))
        let computation = TaxComputation.creditForRefund(gross: r.amount, description: "Refund of \(r.payment.milestoneLabel) (Razorpay \(r.razorpayRefundID))",
                                                         rateBasisPoints: r.payment.gstRateBP, supply: details.supply)
        return .creditNote(CreditNoteDetails(number: number, issuedOn: IST.day(of: Date()), invoice: details,
                                             reason: "Refund \(r.razorpayRefundID) of payment \(r.payment.razorpayPaymentID)",
                                             computation: computation, createdAt: createdAt))
    }
}
