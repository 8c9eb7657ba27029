import RochCore

/// A payment receipt: what was received, how, towards which milestone and invoice.
public struct ReceiptDetails: Sendable {
    public var number: String
    public var receivedOn: CalendarDay
    public var letterhead: Letterhead
    public var client: Party
    public var amount: Money
    /// "Deposit (30%)".
    public var milestone: String
    /// "Razorpay pay_29QQoUBi66xm2f".
    public var paymentReference: String
    public var invoiceNumber: String?
    public var bookingReference: String
    public var createdAt: String

    public init(number: String, receivedOn: CalendarDay, letterhead: Letterhead, client: Party, amount: Money, milestone: String,
                paymentReference: String, invoiceNumber: String?, bookingReference: String, createdAt: String) {
        self.number = number; self.receivedOn = receivedOn; self.letterhead = letterhead; self.client = client; self.amount = amount
        self.milestone = milestone; self.paymentReference = paymentReference; self.invoiceNumber = invoiceNumber
        self.bookingReference = bookingReference; self.createdAt = createdAt
    }
}

/// A proposal: the lines with GST, the payment plan, the terms and until when it holds.
public struct ProposalDetails: Sendable {
    public var number: String
    public var issuedOn: CalendarDay
    public var validUntil: CalendarDay
    public var letterhead: Letterhead
    public var client: Party
    public var placeOfSupply: GSTState
    public var lines: [InvoiceLine]
    public var event: String
    /// (label, amount, due) for each milestone of the plan.
    public var paymentPlan: [(label: String, amount: Money, due: CalendarDay)]
    public var terms: [String]
    public var createdAt: String

    public init(number: String, issuedOn: CalendarDay, validUntil: CalendarDay, letterhead: Letterhead, client: Party, placeOfSupply: GSTState,
                lines: [InvoiceLine], event: String, paymentPlan: [(label: String, amount: Money, due: CalendarDay)], terms: [String], createdAt: String) {
        self.number = number; self.issuedOn = issuedOn; self.validUntil = validUntil; self.letterhead = letterhead; self.client = client
        self.placeOfSupply = placeOfSupply; self.lines = lines; self.event = event; self.paymentPlan = paymentPlan; self.terms = terms
        self.createdAt = createdAt
    }
}

/// A voucher for a payment made to a vendor for a booking.
public struct VendorVoucherDetails: Sendable {
    public var number: String
    public var paidOn: CalendarDay
    public var letterhead: Letterhead
    public var vendor: Party
    public var service: String
    public var amount: Money
    public var paymentReference: String
    public var bookingReference: String
    public var createdAt: String

    public init(number: String, paidOn: CalendarDay, letterhead: Letterhead, vendor: Party, service: String, amount: Money,
                paymentReference: String, bookingReference: String, createdAt: String) {
        self.number = number; self.paidOn = paidOn; self.letterhead = letterhead; self.vendor = vendor; self.service = service
        self.amount = amount; self.paymentReference = paymentReference; self.bookingReference = bookingReference; self.createdAt = createdAt
    }
}

extension PrintedDocument {
    public static func receipt(_ r: ReceiptDetails) -> PrintedDocument {
        var details: [Line] = [.init("Receipt number", r.number, emphasised: true), .init("Received on", PrintFormat.date(r.receivedOn)),
                               .init("Booking", r.bookingReference), .init("Payment", r.paymentReference)]
        if let invoice = r.invoiceNumber { details.append(.init("Against invoice", invoice, emphasised: true)) }
        return PrintedDocument(
            kind: .receipt, title: "Payment Receipt", number: r.number, letterhead: r.letterhead, partyHeading: "RECEIVED FROM", party: r.client,
            details: details, columns: [.init("Towards", weight: 3), .init("Amount received", weight: 1.4, .right)],
            rows: [[r.milestone, PrintFormat.money(r.amount)]], totals: [Line("Total received", PrintFormat.money(r.amount), emphasised: true)],
            amountInWords: AmountInWords.rupees(r.amount),
            footer: ["Thank you. The tax invoice for this payment carries the GST details.",
                     "This is a computer-generated receipt from \(r.letterhead.name) and needs no signature."],
            createdAt: r.createdAt)
    }

    public static func proposal(_ p: ProposalDetails) -> PrintedDocument {
        proposal(p, computation: TaxComputation(lines: p.lines, supply: .between(business: p.letterhead.state, placeOfSupply: p.placeOfSupply)))
    }

    /// A proposal whose figures were computed elsewhere (a GST-inclusive total, `TaxComputation.inclusive`).
    public static func proposal(_ p: ProposalDetails, computation c: TaxComputation) -> PrintedDocument {
        return PrintedDocument(
            kind: .proposal, title: "Proposal", number: p.number, letterhead: p.letterhead, partyHeading: "PREPARED FOR", party: p.client,
            details: [.init("Proposal number", p.number, emphasised: true), .init("Date", PrintFormat.date(p.issuedOn)),
                      .init("Valid until", PrintFormat.date(p.validUntil), emphasised: true), .init("Event", p.event),
                      .init("Place of supply", p.placeOfSupply.description)],
            columns: taxColumns(c.supply), rows: taxRows(c, sign: 1), totals: taxTotals(c, sign: 1),
            amountInWords: AmountInWords.rupees(c.totals.total),
            sections: [("Payment plan", p.paymentPlan.map { "\($0.label): \(PrintFormat.money($0.amount)), due \(PrintFormat.date($0.due))" }),
                       ("Terms", p.terms)],
            footer: ["A proposal is not a tax invoice. Prices hold until the date above; a revised proposal replaces this one.",
                     "\(p.letterhead.name) · \(p.letterhead.phone) · \(p.letterhead.email)"],
            createdAt: p.createdAt)
    }

    public static func vendorVoucher(_ v: VendorVoucherDetails) -> PrintedDocument {
        PrintedDocument(
            kind: .vendorVoucher, title: "Payment Voucher", number: v.number, letterhead: v.letterhead, partyHeading: "PAID TO", party: v.vendor,
            details: [.init("Voucher number", v.number, emphasised: true), .init("Paid on", PrintFormat.date(v.paidOn)),
                      .init("Booking", v.bookingReference), .init("Payment", v.paymentReference)],
            columns: [.init("For", weight: 3), .init("Amount paid", weight: 1.4, .right)],
            rows: [[v.service, PrintFormat.money(v.amount)]], totals: [Line("Total paid", PrintFormat.money(v.amount), emphasised: true)],
            amountInWords: AmountInWords.rupees(v.amount),
            sections: [("Acknowledgement", ["Received the above amount in full for the services named.", "Vendor's signature: ______________________"])],
            footer: ["Payment voucher of \(v.letterhead.name) for its accounts."],
            createdAt: v.createdAt)
    }
}
