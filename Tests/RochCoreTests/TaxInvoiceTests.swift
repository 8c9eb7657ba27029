import Testing
@testable import RochCore

/// Hand-worked GST examples (figures checked on paper, in paise) and sums that must always be exact.
struct TaxInvoiceTests {
    let maharashtra = GSTState(code: 27)!, karnataka = GSTState(code: 29)!
    /// Decor ₹1,00,000; 250 plates at ₹1,199.99; a 5% item of ₹333.33.
    let lines = [
        InvoiceLine(description: "Decor package", unitPrice: Money(rupees: 1_00_000), ratePercent: 18),
        InvoiceLine(description: "Catering, per plate", quantity: 250, unitPrice: Money(paise: 119_999), ratePercent: 18),
        InvoiceLine(description: "Printed menu cards", sac: "998912", unitPrice: Money(paise: 33_333), rateBasisPoints: 500),
    ]

    @Test func intraStateSplitsEachLinesTaxIntoCGSTAndSGSTWithTheOddPaisaOnSGST() {
        let invoice = TaxComputation(lines: lines, supply: .between(business: maharashtra, placeOfSupply: maharashtra))
        #expect(invoice.supply == .intraState)
        // 2,99,997.50 × 18% = 53,999.55: odd paise, CGST 26,999.77, SGST 26,999.78
        #expect(invoice.lines[1].taxableValue == Money(paise: 29_999_750))
        #expect(invoice.lines[1].cgst == Money(paise: 2_699_977))
        #expect(invoice.lines[1].sgst == Money(paise: 2_699_978))
        // 333.33 × 5% = 16.6665 -> 16.67 (rounded per line), CGST 8.33, SGST 8.34
        #expect(invoice.lines[2].cgst == Money(paise: 833))
        #expect(invoice.lines[2].sgst == Money(paise: 834))
        #expect(invoice.lines.allSatisfy { $0.igst == .zero })
        let t = invoice.totals
        #expect(t.taxableValue == Money(paise: 40_033_083))
        #expect(t.cgst == Money(paise: 3_600_810))
        #expect(t.sgst == Money(paise: 3_600_812))
        #expect(t.igst == .zero)
        #expect(t.total == Money(paise: 47_234_705))
        #expect(AmountInWords.rupees(t.total) == "Rupees Four Lakh Seventy-Two Thousand Three Hundred Forty-Seven and Five Paise Only")
    }

    @Test func interStateChargesTheWholeTaxAsIGST() {
        let place = PlaceOfSupply.forEventServices(clientGSTIN: "29AABCT1332L1ZV", eventState: maharashtra)
        #expect(place == karnataka)
        let invoice = TaxComputation(lines: lines, supply: .between(business: maharashtra, placeOfSupply: place))
        #expect(invoice.supply == .interState)
        let t = invoice.totals
        #expect(t.cgst == .zero && t.sgst == .zero)
        #expect(t.igst == Money(paise: 7_201_622))
        #expect(t.total == Money(paise: 47_234_705))
    }

    @Test func placeOfSupplyIsTheEventsStateForAnUnregisteredClient() {
        #expect(PlaceOfSupply.forEventServices(clientGSTIN: nil, eventState: karnataka) == karnataka)
        #expect(PlaceOfSupply.forEventServices(clientGSTIN: "not a gstin", eventState: karnataka) == karnataka)
        #expect(PlaceOfSupply.forEventServices(clientGSTIN: "27AAPFR1234K1Z5", eventState: karnataka) == maharashtra)
        #expect(maharashtra.description == "27-Maharashtra")
        #expect(GSTState(code: 28) == nil)
        #expect(GSTState(gstin: "36AAPFR1234K1Z5")?.name == "Telangana")
    }

    @Test func taxIsRoundedPerLineNotOnTheTotal() {
        // ₹10.25 × 18% = 1.845 -> 1.85 on each line; on the sum 20.50 × 18% would be 3.69.
        let line = InvoiceLine(description: "Token", unitPrice: Money(paise: 1_025), ratePercent: 18)
        let invoice = TaxComputation(lines: [line, line], supply: .interState)
        #expect(invoice.totals.igst == Money(paise: 370))
    }

    @Test func aCreditNoteReversesEveryFigureOfTheInvoiceExactly() {
        let invoice = TaxComputation(lines: lines, supply: .intraState)
        let credit = invoice.reversal()
        #expect(credit.totals.taxableValue == -invoice.totals.taxableValue)
        #expect(credit.totals.cgst == -invoice.totals.cgst)
        #expect(credit.totals.sgst == -invoice.totals.sgst)
        #expect(credit.totals.total == Money(paise: -47_234_705))
        #expect(zip(credit.lines, invoice.lines).allSatisfy { $0.cgst == -$1.cgst && $0.sgst == -$1.sgst })
        #expect(AmountInWords.rupees(credit.totals.total).hasPrefix("Minus Rupees Four Lakh"))
    }

    @Test func aRefundCreditNoteTotalsExactlyTheRefundedAmount() {
        // ₹10,000 refunded at 18%: taxable 8,474.58, tax 1,525.42 -> CGST 762.71, SGST 762.71
        let credit = TaxComputation.creditForRefund(gross: Money(rupees: 10_000), description: "Refund", rateBasisPoints: 1_800, supply: .intraState)
        #expect(credit.totals.taxableValue == Money(paise: -847_458))
        #expect(credit.totals.cgst == Money(paise: -76_271))
        #expect(credit.totals.sgst == Money(paise: -76_271))
        #expect(credit.totals.total == Money(rupees: -10_000))
    }

    @Test func sumsAreExactForRandomInvoices() {
        var rng = SplitMix64(seed: 19)
        for _ in 0..<2_000 {
            let lines = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                InvoiceLine(description: "x", quantity: Int64.random(in: 1...500, using: &rng),
                            unitPrice: Money(paise: Int64.random(in: 1...50_00_000_00, using: &rng)),
                            rateBasisPoints: [0, 500, 1_200, 1_800, 2_800, Int64.random(in: 0...3_000, using: &rng)].randomElement(using: &rng)!)
            }
            let intra = TaxComputation(lines: lines, supply: .intraState), inter = TaxComputation(lines: lines, supply: .interState)
            for (a, b) in zip(intra.lines, inter.lines) {
                #expect(a.cgst + a.sgst == b.igst)                       // the split never loses a paisa
                #expect(a.sgst.paise - a.cgst.paise == b.igst.paise % 2) // halves differ only by the odd paisa
                #expect(b.igst == a.taxableValue.percent(basisPoints: a.line.rateBasisPoints))
            }
            #expect(intra.totals.total == inter.totals.total)
            #expect(intra.totals.total == intra.lines.reduce(.zero) { $0 + $1.total })
            #expect(intra.totals.tax == intra.totals.cgst + intra.totals.sgst)
            let credit = intra.reversal()
            #expect(credit.totals.total == -intra.totals.total && credit.totals.cgst == -intra.totals.cgst && credit.totals.sgst == -intra.totals.sgst)
            let refund = Money(paise: Int64.random(in: 1...intra.totals.total.paise, using: &rng))
            let partial = TaxComputation.creditForRefund(gross: refund, description: "r", rateBasisPoints: 1_800,
                                                         supply: Bool.random(using: &rng) ? .intraState : .interState)
            #expect(partial.totals.total == -refund)
        }
    }
}

struct AmountInWordsTests {
    @Test func readsIndianNumberingWithLakhAndCrore() {
        #expect(AmountInWords.rupees(Money(paise: 12_345_670)) == "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy Paise Only")
        #expect(AmountInWords.rupees(Money(rupees: 1_00_00_000)) == "Rupees One Crore Only")
        #expect(AmountInWords.rupees(Money(rupees: 12_34_56_789)) == "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine Only")
        #expect(AmountInWords.rupees(Money(rupees: 1_00_000_00_00_000)) == "Rupees One Lakh Crore Only")
        #expect(AmountInWords.rupees(Money(rupees: 101)) == "Rupees One Hundred One Only")
        #expect(AmountInWords.rupees(Money(rupees: 19)) == "Rupees Nineteen Only")
        #expect(AmountInWords.rupees(Money(paise: 50)) == "Fifty Paise Only")
        #expect(AmountInWords.rupees(.zero) == "Rupees Zero Only")
        #expect(AmountInWords.rupees(Money(paise: -1_000_01)) == "Minus Rupees One Thousand and One Paise Only")
    }

    @Test func wordsReadBackToTheSameNumber() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5_000 {
            let n = UInt64.random(in: 0...(UInt64(Int64.max) / 100), using: &rng) >> UInt64.random(in: 0...56, using: &rng)
            #expect(Self.readBack(AmountInWords.words(n)) == n, "\(n): \(AmountInWords.words(n))")
        }
    }

    /// A reader of the words, independent of the writer: units add up, scales multiply what came before them.
    static func readBack(_ text: String) -> UInt64 {
        let small: [String: UInt64] = ["Zero": 0, "One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5, "Six": 6, "Seven": 7, "Eight": 8,
                                       "Nine": 9, "Ten": 10, "Eleven": 11, "Twelve": 12, "Thirteen": 13, "Fourteen": 14, "Fifteen": 15,
                                       "Sixteen": 16, "Seventeen": 17, "Eighteen": 18, "Nineteen": 19, "Twenty": 20, "Thirty": 30,
                                       "Forty": 40, "Fifty": 50, "Sixty": 60, "Seventy": 70, "Eighty": 80, "Ninety": 90]
        var total: UInt64 = 0, group: UInt64 = 0
        for word in text.split(separator: " ") {
            switch word {
            case "Hundred": group *= 100
            case "Thousand": total += group * 1_000; group = 0
            case "Lakh": total += group * 1_00_000; group = 0
            case "Crore": total = (total + group) * 1_00_00_000; group = 0
            default: group += word.split(separator: "-").reduce(0) { $0 + small[String($1)]! }
            }
        }
        return total + group
    }
}

struct DocumentSeriesTests {
    @Test func eachKindHasItsOwnPrefixAndReceiptsKeepRE() {
        let series = DocumentSeries()
        #expect(series.number(for: .taxInvoice, year: FinancialYear(startYear: 2026), sequence: 7) == "INV/2026-27/0007")
        #expect(series.prefix(for: .receipt) == "RE")
        #expect(Set(DocumentKind.allCases.map(series.prefix(for:))).count == DocumentKind.allCases.count)
    }

    @Test func documentSeriesOverridesNamedKindsOnly() throws {
        let series = try DocumentSeries.parse("tax_invoice=TI, credit_note=CRN").get()
        #expect(series.prefix(for: .taxInvoice) == "TI")
        #expect(series.prefix(for: .creditNote) == "CRN")
        #expect(series.prefix(for: .proposal) == "PR")
        #expect(series.number(for: .creditNote, year: FinancialYear(startYear: 2026), sequence: 1).count <= 16)
    }

    @Test func documentSeriesRefusesSharedOrOverlongPrefixesNamingEachProblem() {
        guard case .failure(let error) = DocumentSeries.parse("tax_invoice=RE,proposal=PROPOSAL,memo=M") else {
            Issue.record("expected problems"); return
        }
        #expect(error.problems.count == 3)
        #expect(error.problems.contains { $0.contains("'memo=M'") })
        #expect(error.problems.contains { $0.contains("PROPOSAL") && $0.contains("16 characters") })
        #expect(error.problems.contains { $0.contains("receipt and tax_invoice") })
    }
}
