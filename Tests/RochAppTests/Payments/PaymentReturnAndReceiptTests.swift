import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// The browser's return from Razorpay and the printable receipt.
@Suite struct PaymentReturnAndReceiptTests {
    let f: PaymentFixture

    init() async throws {
        f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
    }

    func query(_ items: [(name: String, value: String)]) -> String {
        items.map { "\(FormData.encodeComponent($0.name))=\(FormData.encodeComponent($0.value))" }.joined(separator: "&")
    }

    @Test func aSignedReturnRedirectsToThePortalAsConfirmingAndMarksNothingPaid() async throws {
        let link = try f.currentLinkID()
        let paid = try f.fake.pay(linkID: link)
        let response = await f.get("/return", query: query(try f.fake.callbackQueryItems(linkID: link, paymentID: paid.paymentID)))
        #expect(response.status == 303)
        #expect(response.headers["location"] == "/portal/?payment=confirming&milestone=\(try f.milestone(1).publicID)")
        #expect(try f.milestone(1).status == .linkIssued)   // only the webhook marks money as paid
        #expect(try f.count("SELECT 1 FROM payments") == 0)
    }

    @Test func aTamperedOrIncompleteReturnShowsAClearPage() async throws {
        let link = try f.currentLinkID()
        let paid = try f.fake.pay(linkID: link, amount: 5_000_000)
        var items = try f.fake.callbackQueryItems(linkID: link, paymentID: paid.paymentID)
        items = items.map { $0.name == "razorpay_payment_link_status" ? ($0.name, "paid") : $0 }   // claims "paid" for a partial payment
        let tampered = await f.get("/return", query: query(items))
        #expect(tampered.status == 400)
        #expect(tampered.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(tampered.text.contains("could not verify"))
        #expect(tampered.text.contains("do not need to pay again"))
        let incomplete = await f.get("/return", query: "razorpay_payment_id=pay_1")
        #expect(incomplete.status == 400)
        #expect(incomplete.text.contains("razorpay_payment_link_id is missing"))
        let otherSecret = try f.fake.callbackQueryItems(linkID: link, paymentID: paid.paymentID).map { item -> (name: String, value: String) in
            guard item.name == "razorpay_signature" else { return item }
            return (item.name, WebhookSignature.signRazorpayPaymentLinkCallback(paymentLinkID: link, referenceID: try! f.milestone(1).publicID,
                                                                                 status: "partially_paid", paymentID: paid.paymentID, keySecret: "not_ours"))
        }
        #expect(await f.get("/return", query: query(otherSecret)).status == 400)
    }

    @Test func theReceiptShowsTheBusinessClientEventMilestoneGSTSplitAndPayment() async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        _ = await f.deliver(all: paid.deliveries)
        let receipts = try await f.payments.milestones(bookingID: f.bookingID)[0].receipts
        let receipt = try #require(receipts.first)
        #expect(receipt.url.hasPrefix("https://rochevents.test/api/razorpay-webhook/receipt/"))
        let token = String(receipt.url.split(separator: "/").last!)
        let page = await f.get("/receipt/\(token)")
        #expect(page.status == 200)
        #expect(page.headers["cache-control"] == "private, no-store")
        let html = page.text
        let split = GST.split(gross: Money(rupees: 150_000), rateBasisPoints: 1_800)
        for expected in ["Roch Events", "GSTIN: \(PaymentFixture.gstin)", receipt.number, "Ananya Rao", "Wedding", "Bengaluru", "Deposit",
                         paid.paymentID, split.net.inrWithPaise, split.cgst.inrWithPaise, split.sgst.inrWithPaise,
                         Money(rupees: 150_000).inrWithPaise, "CGST @ 9%", "IST"] {
            #expect(html.contains(expected), "receipt lacks \(expected)")
        }
        #expect(split.net + split.cgst + split.sgst == Money(rupees: 150_000))
        // The shipped CSP blocks inline style and handlers: the page links its stylesheet and print script.
        #expect(inlineCodeTheCSPBlocks(html) == [])
        #expect(html.contains(#"<script src="/js/print.js" defer></script>"#) && html.contains("data-print"))
        #expect(await f.get("/receipt/\(String(token.reversed()))").status == 404)
    }
}

/// Receipt numbers: one counter row per financial year, taken in the issuing transaction.
@Suite struct InvoiceNumberingTests {
    @Test func numbersAreGapFreeEvenWhenIssuingTransactionsRollBack() async throws {
        let context = try await offCooperativePool { try TestApp.context(poolSize: 8) }
        _ = try context.database.withConnectionSync { try $0.execute("CREATE TABLE issued (n integer)") }
        struct Abandoned: Error {}
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    _ = try? await context.database.transaction { c in
                        let n = try InvoiceRepository.nextSequence(c, prefix: "RE", financialYear: "2026-27")
                        try c.execute("INSERT INTO issued VALUES ($1)", n)
                        if i % 3 == 0 { throw Abandoned() }
                    }
                }
            }
        }
        let issued = try context.database.withConnectionSync { c in
            try c.query("SELECT n FROM issued ORDER BY n").map { try $0.decode("n", as: Int.self) }
        }
        #expect(issued == Array(1...26))
        let other = try context.database.withConnectionSync { try InvoiceRepository.nextSequence($0, prefix: "RE", financialYear: "2027-28") }
        #expect(other == 1)
    }
}
