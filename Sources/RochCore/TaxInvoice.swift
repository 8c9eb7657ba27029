/// One line of a proposal, invoice or credit note: a service, how many, the price of one and its GST rate.
public struct InvoiceLine: Sendable, Hashable, Codable {
    public var description: String
    /// Services Accounting Code; event management is 998596.
    public var sac: String
    /// Whole units (days, plates, hours); negative only on a credit note.
    public var quantity: Int64
    /// Price of one unit before GST.
    public var unitPrice: Money
    /// GST rate in basis points (1800 = 18%).
    public var rateBasisPoints: Int64

    public static let eventManagementSAC = "998596"

    public init(description: String, sac: String = InvoiceLine.eventManagementSAC, quantity: Int64 = 1, unitPrice: Money,
                rateBasisPoints: Int64 = GST.standardRateBasisPoints) {
        self.description = description
        self.sac = sac
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.rateBasisPoints = rateBasisPoints
    }

    /// A rate given in whole percent (18 -> 1800 bp).
    public init(description: String, sac: String = InvoiceLine.eventManagementSAC, quantity: Int64 = 1, unitPrice: Money, ratePercent: Int64) {
        self.init(description: description, sac: sac, quantity: quantity, unitPrice: unitPrice, rateBasisPoints: ratePercent * 100)
    }

    /// Quantity × unit price, exact.
    public var taxableValue: Money { unitPrice * quantity }
}

/// How a supply is taxed: within the business's state (CGST + SGST) or across states (IGST).
public enum SupplyKind: String, Sendable, Hashable, Codable {
    case intraState = "intra_state"
    case interState = "inter_state"

    public static func between(business: GSTState, placeOfSupply: GSTState) -> SupplyKind {
        business == placeOfSupply ? .intraState : .interState
    }
}

/// One line's taxable value and tax, rounded per line (see `TaxComputation.line`).
public struct TaxedLine: Sendable, Hashable, Codable {
    public let line: InvoiceLine
    public let taxableValue: Money
    public let cgst: Money
    public let sgst: Money
    public let igst: Money

    public var tax: Money { cgst + sgst + igst }
    public var total: Money { taxableValue + tax }
}

/// The sums of an invoice: each is the exact sum of the lines' figures.
public struct TaxTotals: Sendable, Hashable, Codable {
    public let taxableValue: Money
    public let cgst: Money
    public let sgst: Money
    public let igst: Money

    public var tax: Money { cgst + sgst + igst }
    /// The amount payable: no round-off to whole rupees is applied, so it is exactly taxable + tax.
    public var total: Money { taxableValue + tax }
}

/// GST on a list of lines. The rules, so an accountant can check any figure by hand:
/// - Each line's tax is round(taxable value × rate), halves away from zero, computed per line
///   (not on the invoice total), so every printed line adds up on its own.
/// - Within the state the line's tax is split into CGST = tax ÷ 2 rounded toward zero and
///   SGST = the rest: when the tax has an odd paisa, SGST carries it (as `GSTBreakdown` does).
/// - Across states the whole tax is IGST.
/// - Totals are plain sums of the lines; there is no round-off line.
public struct TaxComputation: Sendable, Hashable, Codable {
    public let supply: SupplyKind
    public let lines: [TaxedLine]

    public init(lines: [InvoiceLine], supply: SupplyKind) {
        self.supply = supply
        self.lines = lines.map { TaxComputation.line($0, supply: supply) }
    }

    public static func line(_ line: InvoiceLine, supply: SupplyKind) -> TaxedLine {
        precondition(line.rateBasisPoints >= 0, "GST rate cannot be negative")
        let taxable = line.taxableValue
        let tax = taxable.percent(basisPoints: line.rateBasisPoints)
        switch supply {
        case .intraState:
            let cgst = Money(paise: tax.paise / 2)
            return TaxedLine(line: line, taxableValue: taxable, cgst: cgst, sgst: tax - cgst, igst: .zero)
        case .interState:
            return TaxedLine(line: line, taxableValue: taxable, cgst: .zero, sgst: .zero, igst: tax)
        }
    }

    public var totals: TaxTotals {
        TaxTotals(taxableValue: lines.reduce(.zero) { $0 + $1.taxableValue }, cgst: lines.reduce(.zero) { $0 + $1.cgst },
                  sgst: lines.reduce(.zero) { $0 + $1.sgst }, igst: lines.reduce(.zero) { $0 + $1.igst })
    }

    /// The credit note that cancels this invoice: every line's quantity negated, so each figure
    /// (taxable value, CGST, SGST, IGST, total) is exactly the invoice's with the sign turned, because
    /// rounding halves away from zero is symmetric.
    public func reversal() -> TaxComputation {
        TaxComputation(lines: lines.map {
            var l = $0.line
            l.quantity = -l.quantity
            return l
        }, supply: supply)
    }

    /// A credit note for part of a payment (a refund of `gross`, GST included) at one rate: the
    /// taxable value is round(gross ÷ (1 + rate)) and the tax the rest, so the credit note's total
    /// is exactly −gross; the split of that tax follows the same rule as a line.
    public static func creditForRefund(gross: Money, description: String, sac: String = InvoiceLine.eventManagementSAC,
                                       rateBasisPoints: Int64, supply: SupplyKind) -> TaxComputation {
        inclusive(gross: -gross, description: description, sac: sac, rateBasisPoints: rateBasisPoints, supply: supply)
    }

    /// The tax invoice for a payment of `gross` (GST included) at one rate: taxable value
    /// round(gross ÷ (1 + rate)), tax the rest, so the invoice's total is exactly what was paid (a
    /// line's own rule could miss it by a paisa). A refund of the whole payment credits exactly this.
    public static func inclusive(gross: Money, description: String, sac: String = InvoiceLine.eventManagementSAC,
                                 rateBasisPoints: Int64, supply: SupplyKind) -> TaxComputation {
        let split = GST.split(gross: gross, rateBasisPoints: rateBasisPoints)
        let cgst = supply == .intraState ? Money(paise: split.tax.paise / 2) : .zero
        let line = InvoiceLine(description: description, sac: sac, quantity: 1, unitPrice: split.net, rateBasisPoints: rateBasisPoints)
        let taxed = TaxedLine(line: line, taxableValue: split.net, cgst: cgst,
                              sgst: supply == .intraState ? split.tax - cgst : .zero,
                              igst: supply == .interState ? split.tax : .zero)
        return TaxComputation(supply: supply, taxedLines: [taxed])
    }

    init(supply: SupplyKind, taxedLines: [TaxedLine]) {
        self.supply = supply
        self.lines = taxedLines
    }
}
