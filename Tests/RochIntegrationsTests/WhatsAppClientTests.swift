import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// The WhatsApp client against the fake Cloud API.
@Suite struct WhatsAppClientTests {
    static let templates = [
        FakeWhatsAppServer.Template(name: "booking_confirmed", language: "en", bodyParameterCount: 2),
        FakeWhatsAppServer.Template(name: "payment_received", bodyParameterCount: 1),
    ]

    func makeFake(_ adjust: (inout FakeWhatsAppServer.Configuration) -> Void = { _ in }) throws -> FakeWhatsAppServer {
        var configuration = FakeWhatsAppServer.Configuration(accessToken: "EAAG-test-token", phoneNumberID: "106540352242922",
                                                             appSecret: "app-secret", templates: Self.templates)
        adjust(&configuration)
        return try FakeWhatsAppServer(configuration: configuration)
    }

    func client(_ fake: FakeWhatsAppServer, token: String = "EAAG-test-token", phoneNumberID: String = "106540352242922",
                retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)), unit: Duration = .milliseconds(10),
                http: HTTPClient = HTTPClient()) -> WhatsAppClient {
        WhatsAppClient(configuration: .init(apiBase: fake.apiBase, phoneNumberID: phoneNumberID, accessToken: token,
                                            retry: retry, pairRateLimitBackoffUnit: unit), http: http)
    }

    @Test func acceptedTemplateReturnsTheWamidAndPostsTheDocumentedPayload() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        let result = try await client(fake).sendTemplate(to: "+919876543210", template: "booking_confirmed", language: "en",
                                                         bodyParameters: ["Ananya", "14 Feb 2027"])
        let accepted = try #require(fake.acceptedMessages.first)
        #expect(result.messageID == accepted.wamid)
        #expect(result.messageID?.hasPrefix("wamid.") == true)
        #expect(result.contacts.first?.waID == "919876543210")
        #expect(accepted.parameters == ["Ananya", "14 Feb 2027"])
        #expect(accepted.template == "booking_confirmed" && accepted.language == "en")

        let request = try #require(fake.sendAttemptRequests.first)
        #expect(request.path == "/v21.0/106540352242922/messages")
        #expect(request.header("Authorization") == "Bearer EAAG-test-token")
        let json = try #require(request.jsonObject)
        #expect(json["messaging_product"] as? String == "whatsapp")
        #expect(json["recipient_type"] as? String == "individual")
        #expect(json["to"] as? String == "+919876543210")
        #expect(json["type"] as? String == "template")
        let template = try #require(json["template"] as? [String: Any])
        #expect(template["name"] as? String == "booking_confirmed")
        #expect((template["language"] as? [String: Any])?["code"] as? String == "en")
        let components = try #require(template["components"] as? [[String: Any]])
        #expect(components.count == 1 && components[0]["type"] as? String == "body")
        let parameters = try #require(components[0]["parameters"] as? [[String: Any]])
        #expect(parameters.map { $0["type"] as? String } == ["text", "text"])
        #expect(parameters.map { $0["text"] as? String } == ["Ananya", "14 Feb 2027"])
    }

    @Test func aWrongAccessTokenIsPermanentOAuthError190() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        do {
            _ = try await client(fake, token: "expired").sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["₹5,000"])
            Issue.record("expected 190")
        } catch {
            #expect(error.code == 190)
            #expect(error.httpStatus == 401)
            #expect(error.type == "OAuthException")
            #expect(error.fbtraceID != nil)
            #expect(!error.isRetryable)
        }
        #expect(fake.sendAttempts == 1)
        #expect(fake.acceptedMessages.isEmpty)
    }

    @Test func anUnknownPhoneNumberIDIsPermanentInvalidParameter100() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        await #expect { try await client(fake, phoneNumberID: "999").sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["x"]) }
            throws: { ($0 as? WhatsAppError)?.code == 100 && ($0 as? WhatsAppError)?.isRetryable == false }
    }

    @Test func aParameterCountMismatchIs132000WithDetailsAndIsNotRetried() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        do {
            _ = try await client(fake).sendTemplate(to: "919876543210", template: "booking_confirmed", language: "en", bodyParameters: ["Ananya"])
            Issue.record("expected 132000")
        } catch {
            #expect(error.code == 132000)
            #expect(error.details?.contains("(1)") == true && error.details?.contains("(2)") == true)
            #expect(!error.isRetryable)
        }
        #expect(fake.sendAttempts == 1)
    }

    @Test func anUnregisteredTemplateIsRefused() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        await #expect { try await client(fake).sendTemplate(to: "919876543210", template: "no_such_template", language: "en", bodyParameters: []) }
            throws: { ($0 as? WhatsAppError)?.code == 132001 }
        #expect(fake.acceptedMessages.isEmpty)
    }

    @Test func anUndeliverableNumberIs131026AndIsNotRetried() async throws {
        let fake = try makeFake { $0.undeliverable = ["919800000000"] }
        defer { fake.shutdown() }
        do {
            _ = try await client(fake).sendTemplate(to: "+919800000000", template: "payment_received", language: "en", bodyParameters: ["₹1"])
            Issue.record("expected 131026")
        } catch {
            #expect(error.code == 131026)
            #expect(!error.isRetryable)
        }
        #expect(fake.sendAttempts == 1)
    }

    @Test func transient500sAreRetriedUntilMetaAccepts() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        fake.injectTransientFailures(2)
        let result = try await client(fake).sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["₹1"])
        #expect(result.messageID == fake.acceptedMessages.first?.wamid)
        #expect(fake.sendAttempts == 3)
        #expect(fake.acceptedMessages.count == 1)
    }

    @Test func transientFailuresBeyondTheAttemptBudgetSurfaceAsRetryableCode2() async throws {
        let fake = try makeFake()
        defer { fake.shutdown() }
        fake.injectTransientFailures(5)
        do {
            _ = try await client(fake, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)))
                .sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["₹1"])
            Issue.record("expected a transient failure")
        } catch {
            #expect(error.code == 2 && error.httpStatus == 500)
            #expect(error.isRetryable)
        }
        #expect(fake.sendAttempts == 2)
    }

    @Test func pairRateLimitIs131056RetryableAndTheClientBacksOffFourToTheN() async throws {
        // Frozen time: every send happens "at once", so the 1 s pair window always applies.
        let frozen = SteppingClock(step: 0)
        let fake = try makeFake { $0.pairRateLimitWindow = 1.0; $0.clock = frozen.now }
        defer { fake.shutdown() }
        let noRetry = client(fake, retry: .never)
        _ = try await noRetry.sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["a"])
        do {
            _ = try await noRetry.sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["b"])
            Issue.record("expected 131056")
        } catch {
            #expect(error.code == 131056)
            #expect(error.httpStatus == 400)  // retryable although the HTTP status is a 4xx: code decides
            #expect(error.isRetryable)
            #expect(error.suggestedBackoff(beforeRetry: 1) == .seconds(1))
            #expect(error.suggestedBackoff(beforeRetry: 2) == .seconds(4))
            #expect(error.suggestedBackoff(beforeRetry: 3) == .seconds(16))
        }
        // Another recipient is not limited.
        _ = try await noRetry.sendTemplate(to: "919811111111", template: "payment_received", language: "en", bodyParameters: ["c"])
        #expect(fake.acceptedMessages.map(\.parameters) == [["a"], ["c"]])
    }

    @Test func aRetryingClientWaitsOutThePairWindowWithFourToTheNBackoff() async throws {
        // Each attempt is 0.4 s after the previous one in the fake's eyes: with a 1 s window the
        // first two retries are refused and the third attempt goes through.
        let clock = SteppingClock(step: 0.4)
        let fake = try makeFake { $0.pairRateLimitWindow = 1.0; $0.clock = clock.now }
        defer { fake.shutdown() }
        _ = try await client(fake, retry: .never).sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["a"])
        let started = Date()
        let retrying = client(fake, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1)), unit: .milliseconds(300))
        let result = try await retrying.sendTemplate(to: "919876543210", template: "payment_received", language: "en", bodyParameters: ["d"])
        // it slept 4^0 x 300 ms and 4^1 x 300 ms between the attempts
        #expect(Date().timeIntervalSince(started) >= 1.49)
        #expect(fake.sendAttempts == 4)
        #expect(result.messageID == fake.acceptedMessages.last?.wamid)
        #expect(fake.acceptedMessages.map(\.parameters) == [["a"], ["d"]])
    }

    @Test func throughputAboveTheLimitIs130429AndRetryable() async throws {
        let frozen = SteppingClock(step: 0)
        let fake = try makeFake { $0.throughputPerSecond = 2; $0.clock = frozen.now }
        defer { fake.shutdown() }
        let noRetry = client(fake, retry: .never)
        _ = try await noRetry.sendTemplate(to: "919800000001", template: "payment_received", language: "en", bodyParameters: ["1"])
        _ = try await noRetry.sendTemplate(to: "919800000002", template: "payment_received", language: "en", bodyParameters: ["2"])
        do {
            _ = try await noRetry.sendTemplate(to: "919800000003", template: "payment_received", language: "en", bodyParameters: ["3"])
            Issue.record("expected 130429")
        } catch {
            #expect(error.code == 130429)
            #expect(error.isRetryable)
        }
        #expect(fake.acceptedMessages.count == 2)
    }

    @Test func aGraphAPIThatNeverAnswersIsANetworkTimeout() async throws {
        let silent = try FakeHTTPServer { _ in nil }
        defer { silent.shutdown() }
        let client = WhatsAppClient(configuration: .init(apiBase: "http://127.0.0.1:\(silent.port)/v21.0", phoneNumberID: "1",
                                                         accessToken: "t", retry: .never),
                                    http: HTTPClient(connectTimeout: .seconds(1), totalTimeout: .milliseconds(250)))
        do {
            _ = try await client.sendTemplate(to: "919876543210", template: "x", language: "en", bodyParameters: [])
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .network(.timeout))
            #expect(error.isRetryable)
        }
    }
}
