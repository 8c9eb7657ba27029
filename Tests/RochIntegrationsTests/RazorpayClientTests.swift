import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// The Payment Links client against the fake Razorpay account.
@Suite struct RazorpayClientTests {
    func makeFake() throws -> FakeRazorpayServer {
        try FakeRazorpayServer(configuration: .init(keyID: "rzp_test_roch", keySecret: "key-secret", webhookSecret: "hook-secret"))
    }

    func client(_ fake: FakeRazorpayServer, secret: String = "key-secret", retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5))) -> RazorpayClient {
        RazorpayClient(configuration: .init(apiBase: fake.apiBase, keyID: "rzp_test_roch", keySecret: secret, retry: retry))
    }

    static func request(_ reference: String = "pm_" + UUID().uuidString.prefix(8), amount: Int64 = 37_500_00) -> PaymentLinkRequest {
        PaymentLinkRequest(amount: amount, referenceID: reference, description: "Deposit (30%) for Mehta wedding",
                           customer: .init(name: "Ananya Mehta", email: "ananya@example.com", contact: "+919876543210"),
                           expireBy: Int64(Date().timeIntervalSince1970) + 7 * 86400, notes: ["booking": "bk_42"],
                           callbackURL: "https://roch.example/portal/payment-return")
    }

    @Test func createsALinkWithTheDocumentedBodyAndBasicAuth() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        let link = try await client(fake).createPaymentLink(Self.request("pm_dep_001"))
        #expect(link.id.hasPrefix("plink_"))
        #expect(link.status == .created)
        #expect(link.amount == 37_500_00 && link.amountPaid == 0)
        #expect(link.referenceID == "pm_dep_001")
        #expect(link.shortURL.hasPrefix("https://rzp.io/i/"))
        #expect(link.payments == nil)

        let sent = try #require(fake.apiRequests.first)
        #expect(sent.method == "POST" && sent.path == "/v1/payment_links")
        #expect(sent.header("Authorization") == "Basic " + Data("rzp_test_roch:key-secret".utf8).base64EncodedString())
        let json = try #require(sent.jsonObject)
        #expect(json["amount"] as? Int == 37_500_00)
        #expect(json["currency"] as? String == "INR")
        #expect(json["accept_partial"] as? Bool == false)
        #expect(json["first_min_partial_amount"] == nil)
        #expect(json["reference_id"] as? String == "pm_dep_001")
        #expect(json["reminder_enable"] as? Bool == false)
        #expect(json["callback_method"] as? String == "get")
        #expect(json["callback_url"] as? String == "https://roch.example/portal/payment-return")
        #expect((json["notify"] as? [String: Bool]) == ["sms": false, "email": false])
        #expect((json["customer"] as? [String: String])?["contact"] == "+919876543210")
        #expect((json["notes"] as? [String: String]) == ["booking": "bk_42"])
    }

    @Test func aBadKeyIs401WithRazorpaysDescriptionAndIsNotRetried() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        do {
            _ = try await client(fake, secret: "wrong").createPaymentLink(Self.request())
            Issue.record("expected 401")
        } catch {
            #expect(error.httpStatus == 401)
            #expect(error.code == "BAD_REQUEST_ERROR")
            #expect(error.message == "The api key provided is invalid")
            #expect(error.isAuthenticationFailure && !error.isRetryable)
        }
        #expect(fake.apiRequests.count == 1)
    }

    @Test(arguments: [
        ("amount", { @Sendable (r: inout PaymentLinkRequest) in r.amount = 99 }),
        ("reference_id", { @Sendable (r: inout PaymentLinkRequest) in r.referenceID = String(repeating: "r", count: 41) }),
        ("expire_by", { @Sendable (r: inout PaymentLinkRequest) in r.expireBy = Int64(Date().timeIntervalSince1970) + 10 * 60 }),
        ("description", { @Sendable (r: inout PaymentLinkRequest) in r.description = String(repeating: "d", count: 2049) }),
        ("notes", { @Sendable (r: inout PaymentLinkRequest) in r.notes = Dictionary(uniqueKeysWithValues: (1...16).map { ("k\($0)", "v") }) }),
        ("currency", { @Sendable (r: inout PaymentLinkRequest) in r.currency = "USD" }),
    ] as [(String, @Sendable (inout PaymentLinkRequest) -> Void)])
    func validationErrorsNameTheFieldAndAreNotRetried(field: String, breakIt: @Sendable (inout PaymentLinkRequest) -> Void) async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        var request = Self.request()
        breakIt(&request)
        do {
            _ = try await client(fake).createPaymentLink(request)
            Issue.record("expected a validation error for \(field)")
        } catch {
            #expect(error.httpStatus == 400)
            #expect(error.code == "BAD_REQUEST_ERROR")
            #expect(error.field == field)
            #expect(!error.message.isEmpty)
            #expect(!error.isRetryable)
        }
        #expect(fake.apiRequests.count == 1)
        #expect(fake.allLinks.isEmpty)
    }

    @Test func reusingAReferenceIDReturnsTheExistingLinkInsteadOfFailing() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        let first = try await client(fake).createPaymentLink(Self.request("pm_balance_7"))
        _ = try await client(fake).createPaymentLink(Self.request("pm_other"))
        let again = try await client(fake).createPaymentLink(Self.request("pm_balance_7"))
        #expect(again.id == first.id)
        #expect(fake.allLinks.count == 2)
        let lookup = try #require(fake.apiRequests.last)
        #expect(lookup.method == "GET" && lookup.path == "/v1/payment_links" && lookup.query["reference_id"] == "pm_balance_7")
        #expect(try await client(fake).paymentLink(referenceID: "pm_unknown") == nil)
    }

    @Test func serverErrorsAreRetriedAndCreateOnlyOneLink() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        fake.injectTransientFailures(2)
        let link = try await client(fake).createPaymentLink(Self.request())
        #expect(fake.apiRequests.count == 3)
        #expect(fake.allLinks.map(\.id) == [link.id])
    }

    @Test func serverErrorsBeyondTheBudgetSurfaceAsRetryable() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        fake.injectTransientFailures(3)
        do {
            _ = try await client(fake, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1))).fetchPaymentLink(id: "plink_x")
            Issue.record("expected a 500")
        } catch {
            #expect(error.httpStatus == 500 && error.code == "SERVER_ERROR" && error.isRetryable)
        }
        #expect(fake.apiRequests.count == 2)
    }

    @Test func fetchShowsPaymentsAndCancelStopsAnUnpaidLinkButNotAPartlyPaidOne() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        let c = client(fake)
        var partial = Self.request(amount: 100_000_00)
        partial = PaymentLinkRequest(amount: partial.amount, referenceID: partial.referenceID, acceptPartial: true, firstMinPartialAmount: 10_000_00)
        let link = try await c.createPaymentLink(partial)
        let payment = try fake.pay(linkID: link.id, amount: 40_000_00)
        let fetched = try await c.fetchPaymentLink(id: link.id)
        #expect(fetched.status == .partiallyPaid)
        #expect(fetched.amountPaid == 40_000_00)
        #expect(fetched.payments?.map(\.paymentID) == [payment.paymentID])

        // Razorpay cancels only links nobody has paid anything on.
        await #expect { try await c.cancelPaymentLink(id: link.id) } throws: { ($0 as? RazorpayError)?.httpStatus == 400 }
        #expect(try await c.fetchPaymentLink(id: link.id).status == .partiallyPaid)

        let unpaid = try await c.createPaymentLink(PaymentLinkRequest(amount: 50_000_00, referenceID: "ms_unpaid_cancel_0001"))
        let cancelled = try await c.cancelPaymentLink(id: unpaid.id)
        #expect(cancelled.status == .cancelled && cancelled.cancelledAt > 0)
        await #expect { try await c.cancelPaymentLink(id: unpaid.id) } throws: { ($0 as? RazorpayError)?.httpStatus == 400 }
        #expect(throws: (any Error).self) { try fake.pay(linkID: unpaid.id) }
        await #expect { try await c.fetchPaymentLink(id: "plink_doesnotexist") } throws: { ($0 as? RazorpayError)?.field == "id" }
    }

    @Test func aRazorpayThatNeverAnswersIsANetworkTimeout() async throws {
        let silent = try FakeHTTPServer { _ in nil }
        defer { silent.shutdown() }
        let client = RazorpayClient(configuration: .init(apiBase: "http://127.0.0.1:\(silent.port)", keyID: "k", keySecret: "s", retry: .never),
                                    http: HTTPClient(connectTimeout: .seconds(1), totalTimeout: .milliseconds(250)))
        do {
            _ = try await client.fetchPaymentLink(id: "plink_1")
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .network(.timeout) && error.isRetryable)
        }
    }
}
