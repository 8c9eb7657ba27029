import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// TAX_INVOICE_PER=milestone: part payments get receipts; the payment that completes the milestone
/// brings one invoice for the milestone's whole amount, which the receipt and the message name.
@Suite struct MilestoneInvoiceTests {
    @Test func partPaymentsGetReceiptsAndTheCompletingPaymentTheMilestonesOneInvoice() async throws {
        let f = try await PaymentFixture(environment: ["TAX_INVOICE_PER": "milestone"])
        try await f.runQueuedLinkJobs()
        let fy = FinancialYear.containing(IST.day(of: Date())).label
        let deposit = try f.milestone(1)
        _ = await f.deliver(all: try f.fake.pay(linkID: deposit.razorpayLinkID!, amount: 5_000_000).deliveries)
        try await f.runQueuedDocumentJobs()
        let payments = "SELECT kind || ' ' || number || ' ' || total_paise || ' ' || (references_id IS NOT NULL) AS v FROM documents WHERE kind IN ('tax_invoice', 'receipt') ORDER BY id"
        #expect(try f.strings(payments) == ["receipt RE/\(fy)/0001 5000000 false"])
        // The first message links the receipt: there is no invoice yet.
        let firstLink = try f.strings("SELECT DISTINCT parameters->>'invoice_link' AS v FROM notifications WHERE moment = 'payment_received'")
        let receiptID = try f.strings("SELECT public_id AS v FROM documents WHERE kind = 'receipt'")
        #expect(firstLink == ["https://rochevents.test/api/portal/documents/\(receiptID.first ?? "")"])

        _ = await f.deliver(all: try f.fake.pay(linkID: deposit.razorpayLinkID!).deliveries)
        try await f.runQueuedDocumentJobs()
        let rest = deposit.amount.paise - 5_000_000
        #expect(try f.strings(payments) == ["receipt RE/\(fy)/0001 5000000 false", "tax_invoice INV/\(fy)/0001 \(deposit.amount.paise) false",
                                            "receipt RE/\(fy)/0002 \(rest) true"])
        #expect(try f.count("SELECT 1 FROM documents WHERE source = $1", "milestone:\(deposit.id):tax_invoice") == 1)
    }
}
