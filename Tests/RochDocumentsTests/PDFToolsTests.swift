import Foundation
import RochCore
import RochTestSupport
import Testing
@testable import RochDocuments


/// The PDFs as real tools read them: structure (qpdf), text (pdftotext), pixels (pdftoppm).
@Suite(.serialized) struct PDFToolsTests {
    /// The PDF's text in reading order with line breaks and runs of spaces collapsed (wrapping is layout, not content).
    func render(_ document: PrintedDocument, name: String) throws -> (pdf: String, text: String) {
        let pdf = try testOutputDirectory("documents") + "/\(name).pdf"
        try PDFRenderer.render(document, to: pdf)
        let check = try runTool("qpdf", ["--check", pdf])
        #expect(check.status == 0, "qpdf --check \(name): \(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors found"))
        let text = try runTool("pdftotext", ["-enc", "UTF-8", pdf, "-"])
        #expect(text.status == 0)
        return (pdf, text.output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).joined(separator: " "))
    }

    @Test func anIntraStateTaxInvoiceShowsItsNumberGSTINCGSTAndSGSTAndTheAmountInWords() throws {
        let (pdf, text) = try render(.taxInvoice(Samples.invoice()), name: "tax-invoice-intra-state")
        #expect(text.contains("TAX INVOICE"))
        #expect(text.contains("INV/2026-27/0042"))
        #expect(text.contains("GSTIN: 29AAPFR1234K1Z5"))
        #expect(text.contains("29-Karnataka"))
        #expect(text.contains("998596"))
        // the hand-worked figures of TaxInvoiceTests: CGST ₹36,008.10, SGST ₹36,008.12, total ₹4,72,347.05
        #expect(text.contains("₹36,008.10") && text.contains("₹36,008.12"))
        #expect(text.contains("₹4,72,347.05"))
        #expect(!text.contains("IGST"))
        #expect(text.contains("Rupees Four Lakh Seventy-Two Thousand Three Hundred Forty-Seven and Five Paise Only"))
        #expect(text.contains("శ్రీనివాస్ రెడ్డి"))   // the Telugu name is real text in the PDF, not a picture
        let info = Dictionary(try runTool("pdfinfo", [pdf]).output.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { a, _ in a })
        #expect(info["Title"] == "Tax Invoice INV/2026-27/0042")
        #expect(info["Author"] == "Roch Events")
        #expect(info["Page size"] == "595.276 x 841.89 pts (A4)")
        #expect(info["CreationDate"] == "Fri Dec  4 05:00:00 2026 UTC")
        let png = try testOutputDirectory("documents") + "/tax-invoice-intra-state"
        let raster = try runTool("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, png])
        #expect(raster.status == 0 && FileManager.default.fileExists(atPath: png + ".png"))
    }

    @Test func anInterStateInvoiceToARegisteredClientChargesIGSTAndPrintsBothGSTINs() throws {
        let invoice = Samples.invoice(clientGSTIN: "36AABCS1429B1Z2", placeOfSupply: PlaceOfSupply.forEventServices(clientGSTIN: "36AABCS1429B1Z2", eventState: GSTState(code: 29)!))
        let (pdf, text) = try render(.taxInvoice(invoice), name: "tax-invoice-inter-state")
        #expect(text.contains("GSTIN: 29AAPFR1234K1Z5") && text.contains("GSTIN: 36AABCS1429B1Z2"))
        #expect(text.contains("36-Telangana"))
        #expect(text.contains("IGST") && text.contains("₹72,016.22"))
        #expect(!text.contains("CGST"))
        _ = try runTool("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, try testOutputDirectory("documents") + "/tax-invoice-inter-state"])
    }

    @Test func aCreditNoteNamesItsInvoiceAndCreditsTheSameFigures() throws {
        let invoice = Samples.invoice()
        let note = CreditNoteDetails(number: "CN/2026-27/0001", issuedOn: CalendarDay(year: 2027, month: 1, day: 10)!, invoice: invoice,
                                     reason: "Booking cancelled", computation: invoice.computation.reversal(), createdAt: "2027-01-10T12:00:00+05:30")
        let (pdf, text) = try render(.creditNote(note), name: "credit-note")
        #expect(text.contains("CREDIT NOTE") && text.contains("CN/2026-27/0001"))
        #expect(text.contains("INV/2026-27/0042 of 4 Dec 2026"))
        #expect(text.contains("₹4,72,347.05") && text.contains("₹36,008.12"))
        #expect(text.contains("Rupees Four Lakh Seventy-Two Thousand Three Hundred Forty-Seven and Five Paise Only"))
        #expect(!text.contains("Minus"))
        _ = try runTool("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, try testOutputDirectory("documents") + "/credit-note"])
    }
}

/// The other documents through the same tools.
@Suite(.serialized) struct OtherDocumentsPDFTests {
    func check(_ document: PrintedDocument, name: String) throws -> String {
        let pdf = try testOutputDirectory("documents") + "/\(name).pdf"
        try PDFRenderer.render(document, to: pdf)
        #expect(try runTool("qpdf", ["--check", pdf]).status == 0)
        _ = try runTool("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, try testOutputDirectory("documents") + "/\(name)"])
        return try runTool("pdftotext", ["-enc", "UTF-8", pdf, "-"]).output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).joined(separator: " ")
    }

    @Test func aReceiptShowsTheAmountTheMilestoneAndTheInvoiceItIsFor() throws {
        let text = try check(.receipt(ReceiptDetails(number: "RE/2026-27/0007", receivedOn: CalendarDay(year: 2026, month: 12, day: 5)!, letterhead: Samples.letterhead,
                                                     client: Samples.invoice().client, amount: Money(paise: 14_170_412), milestone: "Deposit (30%)",
                                                     paymentReference: "Razorpay pay_29QQoUBi66xm2f", invoiceNumber: "INV/2026-27/0042",
                                                     bookingReference: "bk_7Q2M9X", createdAt: "2026-12-05T09:00:00+05:30")), name: "receipt")
        #expect(text.contains("PAYMENT RECEIPT") && text.contains("RE/2026-27/0007") && text.contains("INV/2026-27/0042"))
        #expect(text.contains("₹1,41,704.12") && text.contains("Deposit (30%)"))
        #expect(text.contains("Rupees One Lakh Forty-One Thousand Seven Hundred Four and Twelve Paise Only"))
    }

    @Test func aProposalShowsLinesTaxPaymentPlanTermsAndValidity() throws {
        let invoice = Samples.invoice()
        let proposal = ProposalDetails(number: "PR/2026-27/0003", issuedOn: CalendarDay(year: 2026, month: 11, day: 20)!,
                                       validUntil: CalendarDay(year: 2026, month: 12, day: 4)!, letterhead: Samples.letterhead,
                                       client: Party(name: "अनन्या शर्मा (Ananya Sharma)", addressLines: ["Udaipur, Rajasthan"]),
                                       placeOfSupply: GSTState(code: 8)!, lines: invoice.lines, event: invoice.event,
                                       paymentPlan: [("Deposit (30%)", Money(paise: 14_170_412), CalendarDay(year: 2026, month: 12, day: 4)!),
                                                     ("Balance", Money(paise: 33_064_293), CalendarDay(year: 2027, month: 2, day: 7)!)],
                                       terms: ["Cancellation more than 60 days before the event: the deposit less 10% is refunded."],
                                       createdAt: "2026-11-20T11:00:00+05:30")
        let text = try check(.proposal(proposal), name: "proposal")
        #expect(text.contains("PROPOSAL") && text.contains("PR/2026-27/0003") && text.contains("Valid until") && text.contains("4 Dec 2026"))
        #expect(text.contains("08-Rajasthan") && text.contains("IGST") && text.contains("₹4,72,347.05"))
        #expect(text.contains("Balance: ₹3,30,642.93, due 7 Feb 2027"))
        #expect(text.contains("अनन्या शर्मा"))
    }

    @Test func aVendorVoucherShowsWhoWasPaidWhatAndForWhich() throws {
        let text = try check(.vendorVoucher(VendorVoucherDetails(number: "VV/2026-27/0011", paidOn: CalendarDay(year: 2027, month: 1, day: 15)!,
                                                                  letterhead: Samples.letterhead, vendor: Party(name: "Mysuru Floral Works", gstin: "29AAGFM5678Q1Z9"),
                                                                  service: "Floral decoration advance", amount: Money(rupees: 45_000),
                                                                  paymentReference: "NEFT UTR HDFC0000123", bookingReference: "bk_7Q2M9X",
                                                                  createdAt: "2027-01-15T16:00:00+05:30")), name: "vendor-voucher")
        #expect(text.contains("PAYMENT VOUCHER") && text.contains("VV/2026-27/0011") && text.contains("GSTIN: 29AAGFM5678Q1Z9"))
        #expect(text.contains("₹45,000.00") && text.contains("Rupees Forty-Five Thousand Only"))
    }
}
