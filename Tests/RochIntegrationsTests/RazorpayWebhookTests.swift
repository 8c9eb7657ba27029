import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// Webhooks and callback redirects from the fake Razorpay verify and decode with our one model.
@Suite struct RazorpayWebhookTests {
    struct Setup {
        let receiver: FakeHTTPServer
        let fake: FakeRazorpayServer
        let client: RazorpayClient
        func shutdown() { fake.shutdown(); receiver.shutdown() }
    }

    func setUp() throws -> Setup {
        let receiver = try FakeHTTPServer { _ in .text(200, "") }
        var configuration = FakeRazorpayServer.Configuration(keyID: "rzp_test_roch", keySecret: "key-secret", webhookSecret: "hook-secret")
        configuration.webhookURL = "http://127.0.0.1:\(receiver.port)/api/razorpay-webhook"
        let fake = try FakeRazorpayServer(configuration: configuration)
        let client = RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "rzp_test_roch", keySecret: "key-secret"))
        return Setup(receiver: receiver, fake: fake, client: client)
    }

    func verifiedEvent(_ request: FakeHTTPRequest) throws -> RazorpayEvent {
        #expect(WebhookSignature.verifyRazorpay(body: request.body, signatureHex: request.header("X-Razorpay-Signature"), secret: "hook-secret"))
        #expect(!WebhookSignature.verifyRazorpay(body: request.body, signatureHex: request.header("X-Razorpay-Signature"), secret: "key-secret"))
        #expect(request.header("X-Razorpay-Event-Id")?.hasPrefix("evt_") == true)
        return try RazorpayEvent.decode(request.body)
    }

    @Test func aFullPaymentSendsPaymentCapturedThenPaymentLinkPaidWithLinkOrderAndPayment() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let link = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 125_000_00, referenceID: "pm_full"))
        let outcome = try s.fake.pay(linkID: link.id)
        #expect(try await s.fake.deliver(inOrder: outcome.deliveries) == [200, 200])

        let events = try s.receiver.requests.map(verifiedEvent)
        #expect(events.map(\.event) == ["payment.captured", "payment_link.paid"])
        let captured = events[0]
        #expect(captured.entity == "event" && captured.accountID?.hasPrefix("acc_") == true)
        #expect(captured.contains == ["payment"])
        #expect(captured.payload.payment?.entity.id == outcome.paymentID)
        #expect(captured.payload.payment?.entity.status == "captured")
        let paid = events[1]
        #expect(Set(paid.contains) == ["payment_link", "order", "payment"])
        #expect(paid.payload.paymentLink?.entity.id == link.id)
        #expect(paid.payload.paymentLink?.entity.status == .paid)
        #expect(paid.payload.paymentLink?.entity.amountPaid == 125_000_00)
        #expect(paid.payload.paymentLink?.entity.referenceID == "pm_full")
        #expect(paid.payload.order?.entity.status == "paid")
        #expect(paid.payload.order?.entity.amountDue == 0)
        #expect(paid.payload.payment?.entity.orderID == paid.payload.order?.entity.id)
        #expect(paid.createdAt > 0)
    }

    @Test func partialPaymentsMoveTheLinkThroughPartiallyPaidToPaid() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let link = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 1_000_00, referenceID: "pm_part", acceptPartial: true, firstMinPartialAmount: 300_00))
        let first = try s.fake.pay(linkID: link.id, amount: 400_00)
        let second = try s.fake.pay(linkID: link.id)
        #expect(first.linkStatus == "partially_paid" && second.linkStatus == "paid")
        #expect(throws: FakeRazorpayFailure.self) { try s.fake.pay(linkID: link.id, amount: 100) }
        _ = try await s.fake.deliver(inOrder: first.deliveries + second.deliveries)
        let events = try s.receiver.requests.map(verifiedEvent)
        #expect(events.map(\.event) == ["payment.captured", "payment_link.partially_paid", "payment.captured", "payment_link.paid"])
        #expect(events[1].payload.paymentLink?.entity.amountPaid == 400_00)
        #expect(events[3].payload.paymentLink?.entity.payments?.map(\.amount) == [400_00, 600_00])
    }

    @Test func theSameEventDeliveredConcurrentlyArrivesNTimesWithOneEventID() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let link = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_dup"))
        let paid = try s.fake.pay(linkID: link.id).deliveries[1]
        let statuses = try await s.fake.deliver(paid, times: 8)
        #expect(statuses == Array(repeating: 200, count: 8))
        #expect(s.receiver.requests.count == 8)
        #expect(Set(s.receiver.requests.compactMap { $0.header("X-Razorpay-Event-Id") }) == [paid.eventID])
        #expect(Set(s.receiver.requests.map(\.body)).count == 1)
    }

    @Test func eventsCanBeDeliveredOutOfOrder() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let link = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_order"))
        let outcome = try s.fake.pay(linkID: link.id)
        _ = try await s.fake.deliver(inOrder: outcome.deliveries.reversed())
        #expect(try s.receiver.requests.map(verifiedEvent).map(\.event) == ["payment_link.paid", "payment.captured"])
    }

    @Test func expiryCancellationFailureAndRefundEventsDecode() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let a = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_a"))
        let b = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_b"))
        let c = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_c"))
        let failed = try s.fake.failPayment(linkID: a.id)
        let expired = try s.fake.expire(linkID: a.id)
        _ = try await s.client.cancelPaymentLink(id: b.id)
        let cancelled = try #require(s.fake.events.last)
        let payment = try s.fake.pay(linkID: c.id)
        let refund = try s.fake.refund(paymentID: payment.paymentID, amount: 200_00)
        _ = try await s.fake.deliver(inOrder: [failed, expired, refund, cancelled])

        let events = try s.receiver.requests.map(verifiedEvent)
        #expect(events.map(\.event) == ["payment.failed", "payment_link.expired", "refund.processed", "payment_link.cancelled"])
        #expect(events[3].payload.paymentLink?.entity.id == b.id)
        #expect(events[3].payload.paymentLink?.entity.status == .cancelled)
        #expect(events[0].payload.payment?.entity.status == "failed")
        #expect(events[0].payload.payment?.entity.errorCode == "BAD_REQUEST_ERROR")
        #expect(events[1].payload.paymentLink?.entity.status == .expired)
        #expect(events[2].payload.refund?.entity.paymentID == payment.paymentID)
        #expect(events[2].payload.refund?.entity.amount == 200_00)
        #expect(events[2].payload.refund?.entity.status == "processed")
        #expect(s.fake.link(id: b.id)?.status == "cancelled")
    }

    @Test func automaticDeliverySendsEachStateChangesEventsInOrder() async throws {
        let receiver = try FakeHTTPServer { _ in .text(200, "") }
        defer { receiver.shutdown() }
        var configuration = FakeRazorpayServer.Configuration(keyID: "k", keySecret: "ks", webhookSecret: "ws")
        configuration.webhookURL = "http://127.0.0.1:\(receiver.port)/hook"
        configuration.deliverWebhooksAutomatically = true
        let fake = try FakeRazorpayServer(configuration: configuration)
        defer { fake.shutdown() }
        let client = RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "k", keySecret: "ks"))
        let link = try await client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_auto"))
        _ = try await client.cancelPaymentLink(id: link.id)
        await fake.waitForWebhooks()
        let events = try receiver.requests.map { try RazorpayEvent.decode($0.body) }
        #expect(events.map(\.event) == ["payment_link.cancelled"])
        #expect(fake.deliveries.map(\.status) == [200])
    }

    @Test func theCallbackRedirectIsSignedWithTheKeySecretOverLinkReferenceStatusAndPayment() async throws {
        let s = try setUp()
        defer { s.shutdown() }
        let link = try await s.client.createPaymentLink(PaymentLinkRequest(amount: 500_00, referenceID: "pm_cb", callbackURL: "https://roch.example/return?b=1"))
        let payment = try s.fake.pay(linkID: link.id)
        let items = Dictionary(uniqueKeysWithValues: try s.fake.callbackQueryItems(linkID: link.id, paymentID: payment.paymentID).map { ($0.name, $0.value) })
        #expect(items["razorpay_payment_link_status"] == "paid")
        #expect(items["razorpay_payment_link_reference_id"] == "pm_cb")
        #expect(WebhookSignature.verifyRazorpayPaymentLinkCallback(
            paymentLinkID: items["razorpay_payment_link_id"]!, referenceID: items["razorpay_payment_link_reference_id"]!,
            status: items["razorpay_payment_link_status"]!, paymentID: items["razorpay_payment_id"]!,
            signature: items["razorpay_signature"], keySecret: "key-secret"))
        #expect(!WebhookSignature.verifyRazorpayPaymentLinkCallback(
            paymentLinkID: link.id, referenceID: "pm_cb", status: "paid", paymentID: payment.paymentID,
            signature: items["razorpay_signature"], keySecret: "hook-secret"))
        let url = try s.fake.callbackURL(linkID: link.id, paymentID: payment.paymentID)
        #expect(url.hasPrefix("https://roch.example/return?b=1&razorpay_payment_id=\(payment.paymentID)&"))
    }

    @Test func thePythonSDKSampleEventDecodesWithOurModel() throws {
        let event = try RazorpayEvent.decode(Array(razorpayPythonWebhookBody.utf8))
        #expect(event.event == "payment.authorized")
        #expect(event.payload.payment?.entity.amount == 1_000_000)
        #expect(event.payload.paymentLink == nil)
    }
}
