import Foundation
import RochApp
import RochCore
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// `payment.failed` tells the client, with a fresh way to pay (FailedPaymentFollowUp).
@Suite struct FailedPaymentMessageTests {
    /// A deposit partly paid (so Razorpay has told us the link's order), then a failed attempt on the rest.
    func failedAttemptAfterAPartPayment(_ f: PaymentFixture) async throws -> RazorpayWebhookDelivery {
        try await f.runQueuedLinkJobs()
        let part = try f.fake.pay(linkID: try f.currentLinkID(1), amount: 5_000_000)
        #expect(await f.deliver(all: part.deliveries) == [200, 200])
        return try f.fake.failPayment(linkID: try f.currentLinkID(1))
    }

    @Test func aFailedPaymentQueuesTheClientMessageWithTheLiveLinkAndEveryParameter() async throws {
        let f = try await PaymentFixture()
        let failed = try await failedAttemptAfterAPartPayment(f)
        let before = Date()
        #expect(await f.deliver(failed).status == 200)

        let messages = try f.messages(.paymentFailed)
        #expect(messages.map { "\($0.role):\($0.channel)" }.sorted() == ["client:email", "client:whatsapp"])
        let m = try f.milestone(1)
        for message in messages {
            #expect(message.parameters["payment_link"] == m.shortURL)
            #expect(message.parameters["amount"] == m.outstanding.inr)
            #expect(message.parameters["milestone_label"] == "Deposit")
            #expect(message.parameters["failure_reason"] == "Payment processing failed because of incorrect OTP")
            #expect(message.parameters["due_date"] == NotificationFormat.date(m.dueOn))
            #expect(message.parameters["client_name"] == "Ananya Rao")
            // Every parameter the catalogue's wording uses is there: it renders for both channels.
            let rendered = try NotificationCatalogue.render(moment: .paymentFailed, recipient: .client, parameters: message.parameters)
            #expect(rendered.whatsAppParameters.allSatisfy { !$0.isEmpty })
            #expect(rendered.emailText.contains(m.shortURL!))
            // It waits a little: Razorpay may still capture the same attempt.
            #expect(message.due >= before.addingTimeInterval(FailedPaymentFollowUp.grace - 60))
            #expect(message.status == "queued")
        }
        #expect(try f.strings("SELECT outcome AS v FROM webhook_deliveries WHERE event_id = $1", failed.eventID)
                    .first?.contains("payment_failed queued with the current link") == true)
        // Redelivered: still one message per channel.
        #expect(await f.deliver(failed).status == 200)
        #expect(try f.messages(.paymentFailed).count == 2)
    }

    @Test func aPaymentThatArrivesAfterTheFailureWithdrawsTheMessage() async throws {
        let f = try await PaymentFixture()
        let failed = try await failedAttemptAfterAPartPayment(f)
        #expect(await f.deliver(failed).status == 200)
        let rest = try f.fake.pay(linkID: try f.currentLinkID(1))
        #expect(await f.deliver(all: rest.deliveries) == [200, 200])
        #expect(try f.messages(.paymentFailed).map(\.status) == ["cancelled", "cancelled"])
    }

    @Test func aFailureOnALinkThatCanNoLongerBePaidGetsANewLinkInTheMessage() async throws {
        let f = try await PaymentFixture()
        let failed = try await failedAttemptAfterAPartPayment(f)
        let old = try f.currentLinkID(1)
        #expect(await f.deliver(try f.fake.expire(linkID: old)).status == 200)
        #expect(await f.deliver(failed).status == 200)   // the failure report arrives after the expiry
        #expect(try f.messages(.paymentFailed).isEmpty)
        try await f.runQueuedLinkJobs()
        let m = try f.milestone(1)
        #expect(m.razorpayLinkID != old && m.status == .partiallyPaid)
        let messages = try f.messages(.paymentFailed)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.parameters["payment_link"] == m.shortURL && $0.parameters["amount"] == m.outstanding.inr })
        // The new link is announced by payment_failed alone, not a second message.
        #expect(try f.outbox("payment_link_issued").count == 2)   // the first link only
    }

    @Test func aFailedFirstAttemptOnAFreshLinkIsTiedByTheWorkerAndTheClientIsTold() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        let link = try f.currentLinkID(1)
        let failed = try f.fake.failPayment(linkID: link)
        #expect(await f.deliver(failed).status == 200)
        // Nobody has paid on the link, so its order is new to us: the webhook cannot tie the attempt.
        #expect(try f.messages(.paymentFailed).isEmpty)
        #expect(try f.count("SELECT 1 FROM jobs WHERE kind = 'tie_failed_payment' AND status = 'queued'") == 1)
        try await f.runQueuedJobs(TieFailedPaymentJob.kind, TieFailedPaymentJob())

        let m = try f.milestone(1)
        #expect(try f.count("SELECT 1 FROM payments WHERE milestone_id = $1 AND status = 'failed' AND error_code = 'BAD_REQUEST_ERROR'", m.id) == 1)
        #expect(f.fake.link(id: link)?.orderID != nil)
        #expect(try f.strings("SELECT razorpay_order_id AS v FROM payment_links WHERE razorpay_link_id = $1", link) == [f.fake.link(id: link)!.orderID!])
        let messages = try f.messages(.paymentFailed)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.parameters["payment_link"] == m.shortURL && $0.parameters["amount"] == m.amount.inr
                && $0.parameters["failure_reason"] == "Payment processing failed because of incorrect OTP" })
        // The client then pays on the same link: the attempt's order was learnt, the message withdrawn.
        let paid = try f.fake.pay(linkID: link)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        #expect(try f.messages(.paymentFailed).allSatisfy { $0.status == "cancelled" })
        #expect(try f.milestone(1).status == .paid)
    }

    @Test func aFailedAttemptOnNoneOfOurLinksIsLeftAlone() async throws {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        let stranger = try SignedEvent.edited(try f.fake.failPayment(linkID: try f.currentLinkID(1))) { json in
            json.editEntity("payment") { $0["order_id"] = "order_SomeoneElses001"; $0["id"] = "pay_SomeoneElses0001" }
        }
        #expect(await f.deliver(stranger).status == 200)
        try await f.runQueuedJobs(TieFailedPaymentJob.kind, TieFailedPaymentJob())
        #expect(try f.messages(.paymentFailed).isEmpty)
        #expect(try f.count("SELECT 1 FROM payments WHERE razorpay_payment_id = 'pay_SomeoneElses0001' AND milestone_id IS NULL") == 1)
    }

    @Test func aFailureOnACancelledBookingTellsTheClientNothing() async throws {
        let f = try await PaymentFixture()
        let failed = try await failedAttemptAfterAPartPayment(f)
        try f.fire(.cancel, reason: "client withdrew")
        #expect(await f.deliver(failed).status == 200)
        #expect(try f.messages(.paymentFailed).isEmpty)
    }
}
