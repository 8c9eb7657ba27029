import Foundation
import Logging
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Structured logs, request ids from nginx into the outbox, and /metrics (README "Observability").
@Suite(.serialized) struct ObservabilityTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ s: String) { lock.withLock { lines.append(s) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func everyLogLineIsOneJSONObjectWithLevelMessageAndTheRequestId() throws {
        let lines = Lines()
        var logger = Logger(label: "roch.test") { JSONLogHandler(label: $0, level: .info, write: lines.append) }
        logger[metadataKey: "function"] = "booking"
        RequestTrace.$requestID.withValue("0f1e2d3c4b5a69788796a5b4c3d2e1f0") {
            logger.info("booking accepted", metadata: ["booking": "bk_1", "guests": .stringConvertible(300)])
        }
        logger.debug("below the level: not written")
        logger.error("a line with \"quotes\"\nand a newline")
        #expect(lines.all.count == 2)
        for line in lines.all {
            #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil, "one line per entry: \(line)")
        }
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: Any])
        #expect(first["msg"] as? String == "booking accepted")
        #expect(first["level"] as? String == "info")
        #expect(first["request_id"] as? String == "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        #expect(first["function"] as? String == "booking" && first["booking"] as? String == "bk_1" && first["guests"] as? Int == 300)
        #expect((first["ts"] as? String)?.hasSuffix("Z") == true)
        let second = try #require(JSONSerialization.jsonObject(with: Data(lines.all[1].utf8)) as? [String: Any])
        #expect(second["msg"] as? String == "a line with \"quotes\"\nand a newline" && second["request_id"] == nil)
        #expect(RochLogging.level("DEBUG") == .debug && RochLogging.level(nil) == .info && RochLogging.level("loud") == .info)
    }

    @Test func theRequestIdFromNginxReachesTheResponseAndTheOutboxRowsTheRequestQueued() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let submissions = BookingSubmissions(context: kit.context)
        let handler = RequestObservation.wrap("booking") { try await submissions.handle($0) }
        let day = IST.day(of: Date()).adding(days: 60).description
        var request = TestApp.jsonPost("/api/booking", """
            {"name":"Meera Nair","phone":"9988776655","email":"meera@example.com","event_type":"reception","event_date":"\(day)",
             "city":"Kochi","guests":300,"budget":"10l_25l","services":["decor"],"whatsapp_consent":"yes"}
            """)
        let id = "4a7c1e9b2d3f4a5b6c7d8e9f0a1b2c3d"
        request.headers.add("X-Request-Id", id)
        let response = try await handler(request)
        #expect(response.status == 201 || response.status == 200)
        #expect(response.headers["X-Request-Id"] == id)
        let tagged = try await kit.count("SELECT count(*) AS n FROM notifications WHERE request_id = $1", id)
        let all = try await kit.count("SELECT count(*) AS n FROM notifications")
        #expect(tagged > 0 && tagged == all)

        // A pooled connection serving a request without an id does not keep the last one's.
        let other = try await kit.context.database.withConnection {
            try $0.query("SELECT current_setting('roch.request_id', true) AS s").first!.decode("s", as: String?.self)
        }
        #expect(other == "" || other == nil)
        // A made-up header is not trusted as an id.
        var odd = request
        odd.headers.set("X-Request-Id", "x\"; DROP TABLE")
        let generated = try await handler(odd).headers["X-Request-Id"]
        #expect(generated?.count == 32 && generated?.allSatisfy({ $0.isHexDigit }) == true)
    }

    @Test func metricsAreServedToLoopbackOrWithCredentialsAndCountRequestsByFunctionAndStatus() async throws {
        let context = try await TestApp.context()
        defer { context.database.shutdown() }
        let handler = RequestObservation.wrap("health", context: { context }) { request in
            if request.pathInfo == "/missing" { throw HTTPError(404, code: "not_found", "no such thing") }
            return Response(status: 200, contentType: "application/json", body: Array("{}".utf8))
        }
        for _ in 0..<3 { _ = try await handler(Request(method: "GET", path: "/api/health", remoteAddress: "203.0.113.7")) }
        _ = try? await handler(Request(method: "GET", path: "/api/health/missing", pathInfo: "/missing", remoteAddress: "203.0.113.7"))
        let outsider = try await handler(Request(method: "GET", path: "/api/health/metrics", pathInfo: "/metrics", remoteAddress: "203.0.113.7"))
        #expect(outsider.status == 404)
        let scrape = try await handler(Request(method: "GET", path: "/api/health/metrics", pathInfo: "/metrics", remoteAddress: "127.0.0.1"))
        #expect(scrape.status == 200)
        let text = String(decoding: scrape.bodyBytes, as: UTF8.self)
        #expect(text.contains(#"roch_http_requests_total{function="health",status="200"} 3"#), "\(text)")
        #expect(text.contains(#"roch_http_requests_total{function="health",status="404"} 1"#))
        #expect(text.contains(#"roch_http_request_duration_seconds_count{function="health"} 4"#))
        for name in ["roch_outbox_backlog{channel=\"whatsapp\"} 0", "roch_outbox_oldest_due_seconds", "roch_worker_heartbeat_age_seconds -1",
                     "roch_db_pool_connections{function=\"health\",state=\"open\"}", "roch_database_up 1", "roch_outbox_paused 0"] {
            #expect(text.contains(name), "missing \(name)")
        }
        try writeForPromtool(text)

        // With METRICS_USER/METRICS_PASSWORD set, the credentials are required, even from loopback.
        let env = ["METRICS_USER": "prometheus", "METRICS_PASSWORD": "s3cret"]
        var withAuth = Request(method: "GET", path: "/api/health/metrics", pathInfo: "/metrics", remoteAddress: "203.0.113.7")
        withAuth.headers.add("Authorization", "Basic " + Data("prometheus:s3cret".utf8).base64EncodedString())
        #expect(MetricsEndpoint.isAllowed(withAuth, environment: env))
        var wrong = withAuth
        wrong.headers.set("Authorization", "Basic " + Data("prometheus:guess".utf8).base64EncodedString())
        #expect(!MetricsEndpoint.isAllowed(wrong, environment: env))
        #expect(!MetricsEndpoint.isAllowed(Request(method: "GET", path: "/metrics", remoteAddress: "127.0.0.1"), environment: env))
        #expect(MetricsEndpoint.isAllowed(Request(method: "GET", path: "/metrics", remoteAddress: "::1"), environment: [:]))
    }

    /// `promtool check metrics` on the scrape when Debian's prometheus package is installed.
    func writeForPromtool(_ text: String) throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile) else {
            print("promtool not installed (apt-get install prometheus): exposition format not checked by promtool")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics: \(said)")
    }
}
