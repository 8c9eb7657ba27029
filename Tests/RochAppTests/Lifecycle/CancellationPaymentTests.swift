import Foundation
import RochApp
import RochCore
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// Money and links around a cancelled booking, and over-payment: every surprise is flagged for
/// the team (the milestone's flag, an audit row, an accounts task), never accepted silently.
@Suite struct CancellationPaymentTests {
    func flagTasks(_ f: PaymentFixture) throws -> [String] {
        try f.strings("SELECT title AS v FROM tasks WHERE booking_id = $1 AND assignee_role = 'accounts' AND title LIKE 'Check payment%' ORDER BY id",
                      f.bookingID)
    }

    @Test func cancellingTheBookingCancelsItsOpenLinksAtRazorpay() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        let link = try f.currentLinkID(1)
        try f.fire(.cancel, reason: "client chose another date")
        #expect(try f.count("SELECT 1 FROM jobs WHERE kind = 'cancel_payment_links' AND status = 'queued'") == 1)
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())

        #expect(f.fake.link(id: link)?.status == "cancelled")
        #expect(f.fake.apiRequests.contains { $0.method == "POST" && $0.path == "/v1/payment_links/\(link)/cancel" })
        #expect(throws: (any Error).self) { try f.fake.pay(linkID: link) }   // the client can no longer pay it
        #expect(try f.strings("SELECT status AS v FROM payment_links") == ["cancelled"])
        #expect(try f.milestone(1).status == .cancelled)
        #expect(try f.milestone(1).flag == nil)
        // Razorpay's own webhook for it, arriving later, changes nothing.
        let webhook = try #require(f.fake.events.last { $0.event == "payment_link.cancelled" })
        #expect(await f.deliver(webhook).status == 200)
        #expect(try f.milestone(1).status == .cancelled)
        // Running the job again (a retry after a crash) does not call Razorpay again.
        let calls = f.fake.apiRequests.count
        try await CancelPaymentLinksJob().run(JobRecord(id: 0, kind: CancelPaymentLinksJob.kind,
                                                        payload: JSONB("{\"booking_id\":\"\(f.bookingID)\"}"), attempts: 1), context: f.context)
        #expect(f.fake.apiRequests.count == calls)
    }

    @Test func aLinkRazorpayMadeForAWorkerThatCrashedBeforeStoringItIsFoundByReferenceAndCancelled() async throws {
        let f = try await PaymentFixture()   // the deposit's link job is queued, not run
        let m = try f.milestone(1)
        _ = try f.context.database.withConnectionSync { c in
            try PaymentLedgerRepository.reserveLink(c, milestoneID: m.id, attempt: 1, referenceID: m.publicID, amount: m.amount,
                                                    expireBy: Date().addingTimeInterval(7 * 86_400))
        }
        let client = RazorpayClient(configuration: .init(apiBase: f.fake.apiBase, keyID: PaymentFixture.keyID, keySecret: PaymentFixture.keySecret))
        let made = try await client.createPaymentLink(PaymentLinkRequest(amount: m.amount.paise, referenceID: m.publicID))
        try f.fire(.cancel, reason: "client chose another planner")
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())
        #expect(f.fake.link(id: made.id)?.status == "cancelled")
        #expect(try f.strings("SELECT status || ' ' || coalesce(razorpay_link_id, '-') AS v FROM payment_links") == ["cancelled \(made.id)"])
        // The queued link job then finds a cancelled booking and makes nothing.
        try await f.runQueuedLinkJobs()
        #expect(f.fake.allLinks.count == 1)
        #expect(try f.outbox("payment_link_issued").isEmpty)
    }

    @Test func aLaterPaymentLinkPaidForACancelledLinkIsCountedAndFlagged() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        try await f.payDeposit()
        let balance = try f.milestone(2)
        try f.fire(.cancel, reason: "family emergency")
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())
        #expect(f.fake.link(id: balance.razorpayLinkID!)?.status == "cancelled")
        #expect(try f.milestone(2).status == .cancelled)
        // A payment in flight when the link was cancelled: Razorpay reports the link paid after all.
        let cancelled = try #require(f.fake.events.last { $0.event == "payment_link.cancelled" })
        let paid = try SignedEvent.edited(cancelled) { json in
            json["event"] = "payment_link.paid"
            json["contains"] = ["payment_link", "payment"]
            json.editEntity("payment_link") { $0["status"] = "paid"; $0["amount_paid"] = balance.amount.paise }
            var payload = json["payload"] as! [String: Any]
            payload["payment"] = ["entity": ["id": "pay_AfterCancel00001", "entity": "payment", "amount": balance.amount.paise, "currency": "INR",
                                             "status": "captured", "captured": true, "method": "upi", "order_id": NSNull(),
                                             "created_at": 1_770_000_000] as [String: Any]]
            json["payload"] = payload
        }
        #expect(await f.deliver(paid).status == 200)

        let m = try f.milestone(2)
        #expect(m.amountPaid == balance.amount)
        #expect(m.flag?.contains("after the booking was cancelled") == true)
        #expect(try flagTasks(f).contains { $0.contains("Balance") && $0.contains("after the booking was cancelled") })
        #expect(try f.count("SELECT 1 FROM audit_log WHERE action = 'payment.flagged' AND details->>'flag' LIKE '%after the booking was cancelled%'") == 1)
        #expect(try f.bookingState() == .cancelled)
        #expect(try f.count("SELECT 1 FROM invoices WHERE milestone_id = $1", m.id) == 1)   // the money was received: a receipt
    }

    @Test func aDepositPaidAfterCancellationIsFlagged() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        // The client pays just as the team cancels; Razorpay's webhooks arrive afterwards.
        let paid = try f.fake.pay(linkID: try f.currentLinkID(1))
        try f.fire(.cancel, reason: "duplicate enquiry")
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        let m = try f.milestone(1)
        #expect(m.status == .paid)
        #expect(m.flag?.contains("after the booking was cancelled") == true)
        #expect(try flagTasks(f).count == 1)
        #expect(try f.bookingState() == .cancelled)   // never confirmed by a late deposit
        #expect(try f.outbox("booking_confirmed").isEmpty)
        // The cancel job finds no link left to cancel and changes nothing more.
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())
        #expect(try f.milestone(1).status == .paid)
        #expect(try flagTasks(f).count == 1)
    }

    @Test func aBalancePaidAfterCancellationIsFlaggedEvenBeforeItsWebhookArrives() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        try await f.payDeposit()
        let paid = try f.fake.pay(linkID: try f.currentLinkID(2))   // webhooks not delivered yet
        try f.fire(.cancel, reason: "venue closed")
        // Razorpay refuses to cancel a paid link: the job fetches it, records the payment and flags it.
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())
        var m = try f.milestone(2)
        #expect(m.status == .paid)
        #expect(m.flag?.contains("paid towards the Balance after the booking was cancelled") == true)
        // The late webhooks count nothing twice and raise nothing new.
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        m = try f.milestone(2)
        #expect(m.amountPaid == m.amount)
        #expect(try f.count("SELECT 1 FROM invoices WHERE milestone_id = $1", m.id) == 1)
        #expect(try flagTasks(f).count == 1)
    }

    @Test func aPartlyPaidLinkThatRazorpayWillNotCancelIsFlaggedForTheTeam() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        try await f.payDeposit()
        let link = try f.currentLinkID(2)
        let part = try f.fake.pay(linkID: link, amount: 10_000_000)
        #expect(await f.deliver(all: part.deliveries) == [200, 200])
        try f.fire(.cancel, reason: "postponed indefinitely")
        try await f.runQueuedJobs(CancelPaymentLinksJob.kind, CancelPaymentLinksJob())
        #expect(f.fake.link(id: link)?.status == "partially_paid")
        #expect(try f.milestone(2).flag?.contains("does not cancel a partly paid link") == true)
    }

    @Test func anOverpaymentIsCountedAndFlagged() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        let deposit = try f.milestone(1)
        let paid = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        // A second capture on the same order (the client paid twice, e.g. a retried UPI collect).
        let again = try SignedEvent.edited(paid.deliveries[0]) { json in
            json.editEntity("payment") { $0["id"] = "pay_SecondCapture0001"; $0["amount"] = 1_000_000 }
        }
        #expect(await f.deliver(again).status == 200)
        let m = try f.milestone(1)
        #expect(m.amountPaid == deposit.amount + Money(paise: 1_000_000))
        #expect(m.status == .paid)
        #expect(m.flag?.hasPrefix("Overpaid") == true)
        #expect(m.flag?.contains("₹10,000 extra") == true)
        #expect(try flagTasks(f).count == 1)
    }
}
