import Testing
@testable import RochCore

/// Which documents a payment gives birth to, the invoice for a GST-inclusive amount, place of supply
/// by city, and the accountant's export names and register.
struct DocumentRulesTests {
    @Test func aPaymentsInvoiceTotalsExactlyWhatWasPaidWithTheOddPaisaOnSGST() {
        // ₹100.10 at 18%: taxable = round(10010 ÷ 1.18) = round(8483.05) = 8483 paise; tax 1527 = CGST 763 + SGST 764.
        let c = TaxComputation.inclusive(gross: Money(paise: 10_010), description: "Deposit", rateBasisPoints: 1_800, supply: .intraState)
        #expect(c.totals.taxableValue == Money(paise: 8_483) && c.totals.cgst == Money(paise: 763) && c.totals.sgst == Money(paise: 764))
        #expect(c.totals.total == Money(paise: 10_010))
        // ₹1,50,000 across states: ₹1,27,118.64 + IGST ₹22,881.36.
        let igst = TaxComputation.inclusive(gross: Money(rupees: 1_50_000), description: "Deposit", rateBasisPoints: 1_800, supply: .interState)
        #expect(igst.totals.taxableValue == Money(paise: 12_711_864) && igst.totals.igst == Money(paise: 2_288_136) && igst.totals.cgst == .zero)
        // Refunding the whole payment credits every figure of its invoice exactly.
        let credit = TaxComputation.creditForRefund(gross: Money(paise: 10_010), description: "Refund", rateBasisPoints: 1_800, supply: .intraState)
        #expect(credit.totals == c.reversal().totals)
    }

    @Test func perPaymentEveryPaymentHasItsInvoicePerMilestoneOnlyThePaymentThatCompletesIt() {
        let each = PaymentDocumentPlan.forPayment(policy: .payment, paymentID: 7, paymentAmount: Money(rupees: 50_000), receiptID: 3,
                                                  milestoneID: 2, milestoneAmount: Money(rupees: 1_50_000), milestonePaid: Money(rupees: 50_000))
        #expect(each.invoice == .init(source: "payment:7:tax_invoice", gross: Money(rupees: 50_000)))
        #expect(each.invoiceSource == "payment:7:tax_invoice" && each.receiptSource == "receipt:3")
        let partial = PaymentDocumentPlan.forPayment(policy: .milestone, paymentID: 7, paymentAmount: Money(rupees: 50_000), receiptID: 3,
                                                     milestoneID: 2, milestoneAmount: Money(rupees: 1_50_000), milestonePaid: Money(rupees: 50_000))
        #expect(partial.invoice == nil && partial.invoiceSource == "milestone:2:tax_invoice")
        let completing = PaymentDocumentPlan.forPayment(policy: .milestone, paymentID: 8, paymentAmount: Money(rupees: 1_00_000), receiptID: 4,
                                                        milestoneID: 2, milestoneAmount: Money(rupees: 1_50_000), milestonePaid: Money(rupees: 1_50_000))
        #expect(completing.invoice == .init(source: "milestone:2:tax_invoice", gross: Money(rupees: 1_50_000)))
    }

    @Test func theEventsCityGivesItsStateForPlaceOfSupply() {
        #expect(GSTState.ofCity("Bengaluru")?.code == 29 && GSTState.ofCity("bangalore ")?.code == 29)
        #expect(GSTState.ofCity("New Delhi")?.code == 7 && GSTState.ofCity("Udaipur")?.code == 8 && GSTState.ofCity("Hyderabad")?.code == 36)
        #expect(GSTState.ofCity("Atlantis") == nil && GSTState.ofCity("") == nil)
    }

    @Test func theExportIsNamedByFinancialYearAndItsRegisterIsSafeCSV() {
        let year = FinancialYear(startYear: 2026)
        #expect(DocumentExport.fileName(year) == "documents-2026-27.zip")
        #expect(DocumentExport.year(fileName: "documents-2026-27.zip") == year)
        for bad in ["documents-2026-28.zip", "documents-2026-27.tar", "documents-.zip", "2026-27.zip", "documents-26-27.zip"] {
            #expect(DocumentExport.year(fileName: bad) == nil, "\(bad)")
        }
        #expect(DocumentExport.entryName(kind: .creditNote, number: "CN/2026-27/0003") == "credit-notes/CN-2026-27-0003.pdf")
        let day = CalendarDay(year: 2026, month: 12, day: 4)!
        let csv = DocumentExport.register([
            .init(kind: .taxInvoice, number: "INV/2026-27/0001", issuedOn: day, client: "Rao, \"Asha\"", total: Money(paise: 15_000_005), against: nil, sha256: "ab"),
            .init(kind: .creditNote, number: "CN/2026-27/0001", issuedOn: day, client: "=HYPERLINK(\"x\")", total: Money(paise: -1_000), against: "INV/2026-27/0001", sha256: "cd"),
        ])
        #expect(csv == "kind,number,date,client,total_inr,against_invoice,file,sha256\r\n"
                + "tax_invoice,INV/2026-27/0001,2026-12-04,\"Rao, \"\"Asha\"\"\",150000.05,,tax-invoices/INV-2026-27-0001.pdf,ab\r\n"
                + "credit_note,CN/2026-27/0001,2026-12-04,\"'=HYPERLINK(\"\"x\"\")\",-10.00,INV/2026-27/0001,credit-notes/CN-2026-27-0001.pdf,cd\r\n")
    }
}
