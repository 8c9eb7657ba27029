import RochCore

/// A tax invoice for a supply of event services (CGST Rules, rule 46): both GSTINs, the number, SAC
/// codes, the place of supply, the tax split and the amount in words.
public struct TaxInvoiceDetails: Sendable {
    public var number: String
    public var issuedOn: CalendarDay
    public var letterhead: Letterhead
    public var client: Party
    public var placeOfSupply: GSTState
    public var lines: [InvoiceLine]
    /// "Wedding · 14 Feb 2027 · Udaipur" and the booking's reference.
    public var event: String
    public var bookingReference: String
    public var createdAt: String

    public init(number: String, issuedOn: CalendarDay, letterhead: Letterhead, client: Party, placeOfSupply: GSTState, lines: [InvoiceLine],
                event: String, bookingReference: String, createdAt: String) {
        self.number = number; self.issuedOn = issuedOn; self.letterhead = letterhead; self.client = client; self.placeOfSupply = placeOfSupply
        self.lines = lines; self.event = event; self.bookingReference = bookingReference; self.createdAt = createdAt
    }

    public var supply: SupplyKind { .between(business: letterhead.state, placeOfSupply: placeOfSupply) }
    public var computation: TaxComputation { TaxComputation(lines: lines, supply: supply) }
}

/// The credit note for a refund or a cancelled invoice, naming the invoice it corrects.
public struct CreditNoteDetails: Sendable {
    public var number: String
    public var issuedOn: CalendarDay
    public var invoice: TaxInvoiceDetails
    public var reason: String
    /// The credit: `invoice.computation.reversal()` for the whole invoice, or `creditForRefund`.
    public var computation: TaxComputation
    public var createdAt: String

    public init(number: String, issuedOn: CalendarDay, invoice: TaxInvoiceDetails, reason: String, computation: TaxComputation, createdAt: String) {
        self.number = number; self.issuedOn = issuedOn; self.invoice = invoice; self.reason = reason; self.computation = computation; self.createdAt = createdAt
    }
}

extension PrintedDocument {
    public static func taxInvoice(_ i: TaxInvoiceDetails) -> PrintedDocument { taxInvoice(i, computation: i.computation) }

    /// An invoice whose figures were computed elsewhere (a payment's GST-inclusive amount,
    /// `TaxComputation.inclusive`) instead of from `i.lines`.
    public static func taxInvoice(_ i: TaxInvoiceDetails, computation c: TaxComputation) -> PrintedDocument {
        return PrintedDocument(
            kind: .taxInvoice, title: "Tax Invoice", number: i.number, letterhead: i.letterhead, partyHeading: "BILLED TO", party: i.client,
            details: [.init("Invoice number", i.number, emphasised: true), .init("Invoice date", PrintFormat.date(i.issuedOn)),
                      .init("Place of supply", i.placeOfSupply.description), .init("Supply", supplyText(c.supply)),
                      .init("Booking", i.bookingReference), .init("Event", i.event)],
            columns: taxColumns(c.supply), rows: taxRows(c, sign: 1), totals: taxTotals(c, sign: 1),
            amountInWords: AmountInWords.rupees(c.totals.total),
            footer: ["Tax is not payable on reverse charge basis.",
                     c.supply == .intraState
                        ? "GST is computed per line, rounded to the paisa (halves up); CGST is half of it (rounded down) and SGST the rest."
                        : "GST is computed per line, rounded to the paisa (halves up), and charged as integrated tax.",
                     "This is a computer-generated invoice from \(i.letterhead.name) and needs no signature."],
            createdAt: i.createdAt)
    }

    public static func creditNote(_ n: CreditNoteDetails) -> PrintedDocument {
        let c = n.computation
        return PrintedDocument(
            kind: .creditNote, title: "Credit Note", number: n.number, letterhead: n.invoice.letterhead, partyHeading: "ISSUED TO", party: n.invoice.client,
            details: [.init("Credit note number", n.number, emphasised: true), .init("Date", PrintFormat.date(n.issuedOn)),
                      .init("Against invoice", "\(n.invoice.number) of \(PrintFormat.date(n.invoice.issuedOn))", emphasised: true),
                      .init("Place of supply", n.invoice.placeOfSupply.description), .init("Reason", n.reason),
                      .init("Booking", n.invoice.bookingReference)],
            columns: taxColumns(c.supply), rows: taxRows(c, sign: -1), totals: taxTotals(c, sign: -1),
            amountInWords: AmountInWords.rupees(-c.totals.total),
            footer: ["This credit note reduces the taxable value and the tax of the invoice named above by the amounts shown.",
                     "This is a computer-generated document from \(n.invoice.letterhead.name) and needs no signature."],
            createdAt: n.createdAt)
    }

    static func supplyText(_ s: SupplyKind) -> String { s == .intraState ? "Within the state (CGST + SGST)" : "Inter-state (IGST)" }

    static func taxColumns(_ supply: SupplyKind) -> [Column] {
        var columns: [Column] = [.init("#", weight: 0.3), .init("Description", weight: supply == .intraState ? 2.0 : 3.3), .init("SAC", weight: 0.9),
                                 .init("Qty", weight: 0.55, .right), .init("Rate", weight: 1.3, .right), .init("Taxable value", weight: 1.45, .right)]
        columns += supply == .intraState ? [.init("CGST", weight: 1.3, .right), .init("SGST", weight: 1.3, .right)] : [.init("IGST", weight: 1.3, .right)]
        columns.append(.init("Amount", weight: 1.45, .right))
        return columns
    }

    /// Credit notes print the credited amounts as positive figures under their title.
    static func taxRows(_ c: TaxComputation, sign: Int64) -> [[String]] {
        c.lines.enumerated().map { index, l in
            let m = { (x: Money) in PrintFormat.money(x * sign) }
            var row = [String(index + 1), l.line.description, l.line.sac, String(l.line.quantity * sign), m(l.line.unitPrice), m(l.taxableValue)]
            row += c.supply == .intraState
                ? ["\(m(l.cgst))\n@ \(PrintFormat.rate(l.line.rateBasisPoints / 2))", "\(m(l.sgst))\n@ \(PrintFormat.rate(l.line.rateBasisPoints - l.line.rateBasisPoints / 2))"]
                : ["\(m(l.igst))\n@ \(PrintFormat.rate(l.line.rateBasisPoints))"]
            row.append(m(l.total))
            return row
        }
    }

    static func taxTotals(_ c: TaxComputation, sign: Int64) -> [Line] {
        let t = c.totals
        var lines = [Line("Taxable value", PrintFormat.money(t.taxableValue * sign))]
        if c.supply == .intraState {
            lines += [Line("CGST", PrintFormat.money(t.cgst * sign)), Line("SGST", PrintFormat.money(t.sgst * sign))]
        } else {
            lines.append(Line("IGST", PrintFormat.money(t.igst * sign)))
        }
        lines.append(Line(sign < 0 ? "Total credit" : "Total", PrintFormat.money(t.total * sign), emphasised: true))
        return lines
    }
}
