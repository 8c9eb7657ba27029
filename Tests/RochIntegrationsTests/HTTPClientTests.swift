import Foundation
import Testing
import RochIntegrations
import RochTestSupport

@Suite struct HTTPClientTests {
    @Test func sendsMethodHeadersAndBodyAndReadsStatusHeadersAndBody() async throws {
        let server = try FakeHTTPServer { request in
            FakeHTTPResponse(status: 201, headers: [("X-Echo-Method", request.method), ("Content-Type", "text/plain")],
                             body: Array("got \(request.path) \(request.header("X-Test") ?? "-") \(request.bodyText)".utf8))
        }
        defer { server.shutdown() }
        let response = try await HTTPClient().send(HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/things/1",
                                                               headers: [("X-Test", "yes")], body: Array("₹ body".utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-echo-method") == "PUT")
        #expect(response.bodyText == "got /things/1 yes ₹ body")
        #expect(server.requests.first?.body == Array("₹ body".utf8))
    }

    @Test func largeBodiesArriveWholeWithoutWaitingForContinue() async throws {
        let server = try FakeHTTPServer { request in .text(200, String(request.body.count)) }
        defer { server.shutdown() }
        let body = [UInt8](repeating: 0x61, count: 200_000)
        let response = try await HTTPClient().send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", body: body))
        #expect(response.bodyText == "200000")
        // curl would otherwise send `Expect: 100-continue` and pause up to a second before the body
        let headerNames = server.requests.first?.headers.map { $0.name.lowercased() } ?? ["missing"]
        #expect(!headerNames.contains("expect"))
    }

    @Test func aServerThatNeverAnswersGivesATimeoutAfterTheTotalTimeout() async throws {
        let server = try FakeHTTPServer { _ in nil }
        defer { server.shutdown() }
        let client = HTTPClient(connectTimeout: .seconds(1), totalTimeout: .milliseconds(300))
        let started = Date()
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/slow"))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(!error.message.isEmpty)
        }
        // It waited for the total timeout rather than failing early; no upper bound: the machine may be
        // busy, and `.timeout` already says curl's own timer ended the call.
        #expect(Date().timeIntervalSince(started) >= 0.25)
    }

    @Test func aPortWithNobodyListeningIsAConnectionFailure() async throws {
        let server = try FakeHTTPServer { _ in .text(200, "") }
        let port = server.port
        server.shutdown()
        do {
            _ = try await HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            Issue.record("expected a connection failure")
        } catch {
            #expect(error.kind == .connectionFailed)
        }
    }

    @Test func speakingTLSToAPlainHTTPServerIsATLSError() async throws {
        let server = try FakeHTTPServer { _ in .text(200, "plain") }
        defer { server.shutdown() }
        do {
            _ = try await HTTPClient(totalTimeout: .seconds(3)).send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
            Issue.record("expected a TLS failure")
        } catch {
            #expect(error.kind == .tls)
        }
    }

    @Test func manyConcurrentCallsEachGetTheirOwnAnswer() async throws {
        let server = try FakeHTTPServer { request in .text(200, request.path) }
        defer { server.shutdown() }
        let client = HTTPClient()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/n/\(i)"))
                    #expect(response.bodyText == "/n/\(i)")
                }
            }
            try await group.waitForAll()
        }
    }
}

@Suite struct RetryPolicyTests {
    @Test func fullJitterWaitsBetweenZeroAndTheDoublingCap() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500))
        #expect(policy.delay(beforeRetry: 1, random: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 2, random: 1) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3, random: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 4, random: 1) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .zero)
        #expect(policy.delay(beforeRetry: 2, random: 0.5) == .milliseconds(100))
        for _ in 0..<50 { #expect(policy.delay(beforeRetry: 3) <= .milliseconds(400)) }
    }

    struct Flaky: Error { var retryable: Bool }

    @Test func runStopsAtMaxAttemptsAndOnErrorsDeclaredPermanent() async {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1))
        var attempts = 0
        await #expect(throws: Flaky.self) {
            try await policy.run({ _ in attempts += 1; throw Flaky(retryable: true) }, decide: { _, _ in .zero })
        }
        #expect(attempts == 3)
        attempts = 0
        await #expect(throws: Flaky.self) {
            try await policy.run({ _ in attempts += 1; throw Flaky(retryable: false) }, decide: { e, _ in (e as? Flaky)?.retryable == true ? .zero : nil })
        }
        #expect(attempts == 1)
        let value = try? await policy.run({ attempt in
            if attempt < 2 { throw Flaky(retryable: true) }
            return attempt
        }, decide: { _, _ in .zero })
        #expect(value == 2)
    }
}
