import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// The payments desk (`/admin/bookings/<id>/payments`) against real PostgreSQL and the fake Razorpay.
@Suite(.serialized) struct PaymentDeskTests {
    @Test func theDeskShowsEachMilestoneWithItsLinkAndItsForms() async throws {
        let w = try await PaymentDeskWorld()
        let deposit = try w.fixture.milestone(1)
        let page = await w.get(w.desk)
        #expect(page.status == 200)
        #expect(page.text.contains(deposit.label))
        #expect(page.text.contains(deposit.shortURL!))
        #expect(page.text.contains("action=\"/admin/milestones/\(deposit.publicID)/remind\""))
        #expect(page.text.contains("action=\"/admin/bookings/\(w.publicID)/payments/cancel-link\""))
        #expect(page.text.contains("Record the payment"))
        let booking = await w.get("/admin/bookings/\(w.publicID)")
        #expect(booking.text.contains("href=\"/admin/bookings/\(w.publicID)/payments\""))
    }

    @Test func aBankTransferOfTheDepositSettlesItExactlyLikeAWebhook() async throws {
        let w = try await PaymentDeskWorld()
        let deposit = try w.fixture.milestone(1)
        let key = await w.offlineKey(deposit)
        let r = await w.submit("offline", [("milestone", deposit.publicID), ("key", key), ("method", "bank_transfer"),
                                           ("amount", String(deposit.amount.paise / 100) + "." + String(format: "%02lld", deposit.amount.paise % 100)),
                                           ("reference", "UTR HDFCN52026120400001"), ("received_on", IST.day(of: Date()).description)])
        #expect(r.status == 303)
        #expect(r.headers["location"]?.contains("done=recorded") == true)
        let settled = try w.fixture.milestone(1)
        #expect(settled.status == .paid)
        #expect(settled.amountPaid == deposit.amount)
        #expect(try w.fixture.bookingState() == .depositPaid)
        #expect(try w.fixture.count("SELECT 1 FROM invoices i JOIN payments p ON p.id = i.payment_id WHERE p.source = 'offline' AND p.method = 'bank_transfer'") == 1)
        // payment_received follows the invoice: the worker's document job issues it, then queues the message linking it
        #expect(try w.fixture.outbox("payment_received").isEmpty)
        try await w.fixture.runQueuedDocumentJobs()
        #expect(try w.fixture.outbox("payment_received").sorted() == ["client:email", "client:whatsapp", "team:whatsapp"])
        #expect(try w.fixture.outbox("booking_confirmed").contains("client:whatsapp"))
        #expect(try w.fixture.strings("SELECT actor AS v FROM audit_log WHERE action = 'payment.offline_recorded'") == ["staff:\(w.accountsID)"])
        // The deposit link is still live at Razorpay: it is cancelled so it cannot take the money twice.
        #expect(try w.jobs("cancel_payment_links").contains { $0.contains("\"milestone_id\": \"\(deposit.id)\"") || $0.contains("\"milestone_id\":\"\(deposit.id)\"") })
        let page = await w.get(w.desk + "?done=recorded")
        #expect(page.text.contains("The payment is recorded"))
        #expect(page.text.contains("UTR HDFCN52026120400001"))
        #expect(page.text.contains("RE/"))
    }

    @Test func aDoubleSubmitRecordsThePaymentOnce() async throws {
        let w = try await PaymentDeskWorld()
        let deposit = try w.fixture.milestone(1)
        let key = await w.offlineKey(deposit)
        let fields = [("milestone", deposit.publicID), ("key", key), ("method", "upi"), ("amount", "10000"),
                      ("reference", "UPI 4321"), ("received_on", IST.day(of: Date()).description)]
        let first = await w.submit("offline", fields)
        let second = await w.submit("offline", fields)
        #expect(first.headers["location"]?.contains("done=recorded") == true)
        #expect(second.headers["location"]?.contains("done=already-recorded") == true)
        #expect(try w.fixture.count("SELECT 1 FROM payments WHERE source = 'offline'") == 1)
        #expect(try w.fixture.count("SELECT 1 FROM invoices") == 1)
        #expect(try w.fixture.milestone(1).amountPaid == Money(rupees: 10_000))
        #expect(try w.fixture.milestone(1).status == .partiallyPaid)
    }

    @Test func badInputIsRefusedOnItsFieldAndWritesNothing() async throws {
        let w = try await PaymentDeskWorld()
        let deposit = try w.fixture.milestone(1)
        let before = try w.fixture.snapshot()
        let audits = try w.fixture.count("SELECT 1 FROM audit_log")
        let key = await w.offlineKey(deposit)
        let r = await w.submit("offline", [("milestone", deposit.publicID), ("key", key), ("method", "cheque"),
                                           ("amount", "99,99,99,999"), ("reference", ""), ("received_on", "2030-01-01")])
        #expect(r.status == 422)
        #expect(r.text.contains("aria-invalid=\"true\" aria-describedby=\"amount-\(deposit.publicID)-e\""))
        #expect(r.text.contains("id=\"reference-\(deposit.publicID)-e\">Enter the cheque number and bank"))
        #expect(r.text.contains("id=\"received_on-\(deposit.publicID)-e\">The date cannot be in the future"))
        #expect(r.text.contains("value=\"99,99,99,999\""))
        #expect(try w.fixture.snapshot() == before)
        #expect(try w.fixture.count("SELECT 1 FROM audit_log") == audits)

        let stranger = await w.submit("offline", [("milestone", "not-a-milestone-of-this-booking"), ("key", key), ("method", "cash"),
                                                  ("amount", "100"), ("received_on", IST.day(of: Date()).description)])
        #expect(stranger.status == 422)
        #expect(stranger.text.contains("not part of this booking"))
        #expect(try w.fixture.snapshot() == before)
    }

    @Test func onlyMoneyHandlersMayActAndOnlyByPost() async throws {
        let w = try await PaymentDeskWorld()
        let coordinator = AdminWorld.Browser()
        try await w.signIn(coordinator, "arjun@rochevents.in")
        let deposit = try w.fixture.milestone(1)
        #expect(await w.get(w.desk, coordinator).status == 200)
        #expect(await w.get(w.desk, coordinator).text.contains("Record the payment") == false)
        let refused = await w.submit("cancel-link", [("milestone", deposit.publicID)], as: coordinator)
        #expect(refused.status == 403)
        #expect(try w.jobs("cancel_payment_links").isEmpty)
        #expect(await w.get(w.desk + "/cancel-link").status == 405)
        #expect(await w.get(w.desk + "/refund-everything").status == 404)
        #expect(await w.get("/admin/bookings/nosuchbooking/payments").status == 404)
    }

    @Test func aCancelledLinkIsCancelledAtRazorpayAndANewOneCanBeIssued() async throws {
        let w = try await PaymentDeskWorld()
        let deposit = try w.fixture.milestone(1)
        let firstLink = deposit.razorpayLinkID!
        #expect(await w.submit("reissue-link", [("milestone", deposit.publicID)]).status == 422)   // its link is live

        #expect(await w.submit("cancel-link", [("milestone", deposit.publicID)]).headers["location"]?.contains("done=cancelling") == true)
        try await w.runCancelJobs()
        #expect(try w.fixture.milestone(1).status == .cancelled)
        #expect(try w.fixture.strings("SELECT status AS v FROM payment_links WHERE razorpay_link_id = $1", firstLink) == ["cancelled"])

        #expect(await w.submit("reissue-link", [("milestone", deposit.publicID)]).headers["location"]?.contains("done=reissued") == true)
        try await w.fixture.runQueuedLinkJobs()
        let reissued = try w.fixture.milestone(1)
        #expect(reissued.status == .linkIssued)
        #expect(reissued.razorpayLinkID != firstLink)
        #expect(try w.fixture.count("SELECT 1 FROM payment_links WHERE milestone_id = $1", deposit.id) == 2)
        #expect(try w.fixture.strings("SELECT action AS v FROM audit_log WHERE actor = $1 AND action LIKE 'payment%' ORDER BY id", "staff:\(w.accountsID)")
            == ["payment_link.cancel_requested", "payment_link.reissue_requested"])
    }
}

/// Refunds from the desk: Razorpay's refund API on the fake, confirmed by its signed webhook.
@Suite(.serialized) struct PaymentDeskRefundTests {
    /// The deposit paid on the fake and its webhooks delivered: the booking is confirmed.
    func paidDeposit() async throws -> (PaymentDeskWorld, String) {
        let w = try await PaymentDeskWorld()
        let outcome = try w.fixture.fake.pay(linkID: try w.fixture.currentLinkID(1))
        #expect(await w.fixture.deliver(all: outcome.deliveries) == [200, 200])
        #expect(try w.fixture.milestone(1).status == .paid)
        return (w, outcome.paymentID)
    }

    func refundKey(_ w: PaymentDeskWorld, _ paymentID: String) async -> String {
        let page = await w.get(w.desk).text
        guard let r = page.range(of: "name=\"payment\" value=\"\(paymentID)\">") else { return "" }
        return AdminWorld.hidden("key", in: String(page[r.upperBound...])) ?? ""
    }

    @Test func aPartialRefundIsPendingUntilRazorpaysWebhookConfirmsIt() async throws {
        let (w, paymentID) = try await paidDeposit()
        let deposit = try w.fixture.milestone(1)
        let key = await refundKey(w, paymentID)
        let r = await w.submit("refund", [("payment", paymentID), ("key", key), ("amount", "50000"), ("reason", "Cancelled 40 days out")])
        #expect(r.headers["location"]?.contains("done=refund-started") == true)
        let refund = try #require(w.fixture.fake.allRefunds.first)
        #expect(refund.amount == 50_000_00 && refund.paymentID == paymentID && refund.status == "pending")
        #expect(try w.fixture.strings("SELECT status || ':' || amount_paise || ':' || requested_by || ':' || reason AS v FROM refunds")
            == ["pending:5000000:\(w.accountsID):Cancelled 40 days out"])
        #expect(try w.fixture.milestone(1).amountRefunded == .zero)   // not until Razorpay confirms
        #expect(await w.get(w.desk).text.contains("Refund pending: ₹50,000"))

        // A double submit of the same form refunds nothing more.
        _ = await w.submit("refund", [("payment", paymentID), ("key", key), ("amount", "50000"), ("reason", "Cancelled 40 days out")])
        #expect(w.fixture.fake.allRefunds.count == 1)
        #expect(try w.fixture.count("SELECT 1 FROM refunds") == 1)

        let processed = try w.fixture.fake.processRefund(id: refund.id)
        #expect(await w.fixture.deliver(processed).status == 200)
        #expect(await w.fixture.deliver(processed).status == 200)   // at least once: applied once
        let after = try w.fixture.milestone(1)
        #expect(after.amountRefunded == Money(rupees: 50_000))
        #expect(after.amountPaid == deposit.amountPaid)
        #expect(try w.fixture.count("SELECT 1 FROM portal_events WHERE booking_id = $1 AND title LIKE 'Refund processed%'", w.fixture.bookingID) == 1)
        #expect(await w.get(w.desk).text.contains("Refunded: ₹50,000"))
    }

    @Test func aRefundBeyondWhatRemainsIsRefusedOnTheAmountAndAsksNobody() async throws {
        let (w, paymentID) = try await paidDeposit()
        let deposit = try w.fixture.milestone(1)
        let before = w.fixture.fake.apiRequests.count
        let r = await w.submit("refund", [("payment", paymentID), ("key", await refundKey(w, paymentID)),
                                          ("amount", String(deposit.amount.paise / 100 + 1)), ("reason", "too much")])
        #expect(r.status == 422)
        #expect(r.text.contains("can be refunded on this payment"))
        #expect(r.text.contains("aria-invalid=\"true\" aria-describedby=\"refund-amount-"))
        #expect(w.fixture.fake.apiRequests.count == before)
        #expect(try w.fixture.count("SELECT 1 FROM refunds") == 0)

        let missing = await w.submit("refund", [("payment", "pay_unknown0000001"), ("key", await refundKey(w, paymentID)),
                                                ("amount", "100"), ("reason", "x")])
        #expect(missing.status == 422 && missing.text.contains("not one of this booking"))
    }

    @Test func aRefundRazorpayRefusesShowsItsReason() async throws {
        let (w, paymentID) = try await paidDeposit()
        // Refunded in Razorpay's dashboard meanwhile (we have not heard yet): Razorpay refuses the second one.
        _ = try await RazorpayClient(configuration: .init(apiBase: w.fixture.fake.apiBase, keyID: PaymentFixture.keyID, keySecret: PaymentFixture.keySecret))
            .refund(paymentID: paymentID, RefundRequest(amount: nil), idempotencyKey: "dashboard-refund-0001")
        let r = await w.submit("refund", [("payment", paymentID), ("key", await refundKey(w, paymentID)), ("amount", "1000"), ("reason", "goodwill")])
        #expect(r.status == 422)
        #expect(r.text.contains("Razorpay refused the refund: The payment has been fully refunded already"))
        #expect(try w.fixture.count("SELECT 1 FROM refunds WHERE requested_by IS NOT NULL") == 0)
    }
}
