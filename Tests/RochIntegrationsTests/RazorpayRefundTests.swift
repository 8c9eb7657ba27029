import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// The refunds client against the fake Razorpay account's refunds API.
@Suite struct RazorpayRefundTests {
    let fake: FakeRazorpayServer
    let paymentID: String

    init() async throws {
        let fake = try FakeRazorpayServer(configuration: .init(keyID: "rzp_test_roch", keySecret: "key-secret", webhookSecret: "hook-secret"))
        let link = try await RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "rzp_test_roch", keySecret: "key-secret"))
            .createPaymentLink(RazorpayClientTests.request(amount: 1_00_000_00))
        paymentID = try fake.pay(linkID: link.id).paymentID
        self.fake = fake
    }

    func client(secret: String = "key-secret") -> RazorpayClient {
        RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "rzp_test_roch", keySecret: secret,
                                            retry: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(5))))
    }

    @Test func aPartialRefundIsPendingAndSendsTheDocumentedRequest() async throws {
        defer { fake.shutdown() }
        let refund = try await client().refund(paymentID: paymentID, RefundRequest(amount: 40_000_00, notes: ["booking": "bk_1"], receipt: "roch-r1"),
                                               idempotencyKey: "roch-refund-abcdefghij")
        #expect(refund.id.hasPrefix("rfnd_"))
        #expect(refund.status == "pending")
        #expect(refund.amount == 40_000_00 && refund.paymentID == paymentID)
        let sent = try #require(fake.apiRequests.last)
        #expect(sent.method == "POST" && sent.path == "/v1/payments/\(paymentID)/refund")
        #expect(sent.header("X-Refund-Idempotency") == "roch-refund-abcdefghij")
        #expect(sent.header("Authorization") == "Basic " + Data("rzp_test_roch:key-secret".utf8).base64EncodedString())
        let json = try #require(sent.jsonObject)
        #expect(json["amount"] as? Int == 40_000_00 && json["speed"] as? String == "normal" && json["receipt"] as? String == "roch-r1")
        #expect(fake.events.last?.event == "refund.created")
    }

    @Test func moreThanRemainsIsABadRequestOnTheAmount() async throws {
        defer { fake.shutdown() }
        _ = try await client().refund(paymentID: paymentID, RefundRequest(amount: 60_000_00), idempotencyKey: "roch-refund-first00001")
        do {
            _ = try await client().refund(paymentID: paymentID, RefundRequest(amount: 40_000_01), idempotencyKey: "roch-refund-second0001")
            Issue.record("a refund beyond what remains was accepted")
        } catch {
            #expect(error.httpStatus == 400 && error.code == "BAD_REQUEST_ERROR" && error.field == "amount")
        }
        // Omitting the amount refunds exactly what remains.
        let rest = try await client().refund(paymentID: paymentID, RefundRequest(amount: nil), idempotencyKey: "roch-refund-third00001")
        #expect(rest.amount == 40_000_00)
    }

    @Test func theSameKeyAnswersTheSameRefundAndADifferentBodyIsRefused() async throws {
        defer { fake.shutdown() }
        let request = RefundRequest(amount: 10_000_00)
        let first = try await client().refund(paymentID: paymentID, request, idempotencyKey: "roch-refund-retry00001")
        let again = try await client().refund(paymentID: paymentID, request, idempotencyKey: "roch-refund-retry00001")
        #expect(first.id == again.id)
        #expect(fake.allRefunds.count == 1)
        await #expect(throws: RazorpayError.self) {
            try await client().refund(paymentID: paymentID, RefundRequest(amount: 20_000_00), idempotencyKey: "roch-refund-retry00001")
        }
        #expect(fake.allRefunds.count == 1)
    }

    @Test func aBadKeyIsRefusedAndNothingIsRefunded() async throws {
        defer { fake.shutdown() }
        do {
            _ = try await client(secret: "wrong").refund(paymentID: paymentID, RefundRequest(amount: 100_00), idempotencyKey: "roch-refund-badkey0001")
            Issue.record("a wrong key was accepted")
        } catch {
            #expect(error.isAuthenticationFailure && error.message == "The api key provided is invalid")
        }
        #expect(fake.allRefunds.isEmpty)
    }

    @Test func settlingARefundSendsASignedWebhookAndAFailedOneFreesTheMoney() async throws {
        defer { fake.shutdown() }
        let refund = try await client().refund(paymentID: paymentID, RefundRequest(amount: nil), idempotencyKey: "roch-refund-settle0001")
        let failed = try fake.processRefund(id: refund.id, fail: true)
        #expect(failed.event == "refund.failed")
        #expect(WebhookSignature.verifyRazorpay(body: failed.body, signatureHex: failed.signature, secret: "hook-secret"))
        let event = try RazorpayEvent.decode(failed.body)
        #expect(event.payload.refund?.entity.status == "failed" && event.payload.refund?.entity.amount == 1_00_000_00)
        let second = try await client().refund(paymentID: paymentID, RefundRequest(amount: nil), idempotencyKey: "roch-refund-settle0002")
        #expect(second.amount == 1_00_000_00)
        #expect(try fake.processRefund(id: second.id).event == "refund.processed")
        #expect(fake.refund(id: second.id)?.status == "processed")
    }
}

/// The fake's checkout page (for `make dev`): a person pays a link and the signed webhooks follow.
@Suite struct FakeRazorpayCheckoutTests {
    @Test func payingOnTheCheckoutPageSettlesTheLinkAndReturnsToTheCallback() async throws {
        var configuration = FakeRazorpayServer.Configuration(keyID: "rzp_test_roch", keySecret: "key-secret", webhookSecret: "hook-secret")
        configuration.servesCheckout = true
        let fake = try FakeRazorpayServer(configuration: configuration)
        defer { fake.shutdown() }
        let client = RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "rzp_test_roch", keySecret: "key-secret"))
        let link = try await client.createPaymentLink(RazorpayClientTests.request(amount: 25_000_00))
        #expect(link.shortURL.hasPrefix(fake.apiBase + "/i/"))
        let http = HTTPClient()
        let page = try await http.send(HTTPRequest(method: "GET", url: link.shortURL))
        #expect(page.status == 200 && page.bodyText.contains("₹25000.00"))
        let paid = try await http.send(HTTPRequest(method: "POST", url: link.shortURL + "/pay"))
        #expect(paid.status == 303)
        let location = try #require(paid.headers.first { $0.name.lowercased() == "location" }?.value)
        #expect(location.hasPrefix("https://roch.example/portal/payment-return?razorpay_payment_id=pay_"))
        #expect(try await client.fetchPaymentLink(id: link.id).status == .paid)
        #expect(fake.events.map(\.event) == ["payment.captured", "payment_link.paid"])
    }
}
