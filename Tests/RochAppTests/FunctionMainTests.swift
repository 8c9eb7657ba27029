import Foundation
import Testing
@testable import RochApp
@testable import RochHTTP
import RochStore
import RochTestSupport

struct FunctionMainTests {
    @Test func fastcgiFlagSelectsTheFastCGIRuntime() {
        #expect(FunctionMain.mode(arguments: ["health", "--fastcgi", "unix:/run/roch/health.sock"], environment: [:], stdinIsListeningSocket: false)
            == .fastCGI(.unix(path: "/run/roch/health.sock")))
        #expect(FunctionMain.mode(arguments: ["health", "--fastcgi=127.0.0.1:9001"], environment: ["GATEWAY_INTERFACE": "CGI/1.1"], stdinIsListeningSocket: false)
            == .fastCGI(.tcp(host: "127.0.0.1", port: 9001)))
    }

    @Test func aListeningSocketOnStdinIsFastCGI() {
        #expect(FunctionMain.mode(arguments: ["health"], environment: [:], stdinIsListeningSocket: true) == .fastCGI(.inherited(descriptor: 0)))
    }

    @Test func gatewayInterfaceSelectsCGI() {
        #expect(FunctionMain.mode(arguments: ["health"], environment: ["GATEWAY_INTERFACE": "CGI/1.1"], stdinIsListeningSocket: false) == .cgi)
    }

    @Test func nothingSelectedIsAUsageError() {
        guard case .usage = FunctionMain.mode(arguments: ["health"], environment: [:], stdinIsListeningSocket: false) else {
            Issue.record("expected usage"); return
        }
        guard case .usage = FunctionMain.mode(arguments: ["health", "--fastcgi", "nonsense"], environment: [:], stdinIsListeningSocket: false) else {
            Issue.record("expected usage"); return
        }
        guard case .usage = FunctionMain.mode(arguments: ["health", "--fastcgi"], environment: [:], stdinIsListeningSocket: false) else {
            Issue.record("expected usage"); return
        }
        #expect(FunctionMain.mode(arguments: ["health", "--help"], environment: [:], stdinIsListeningSocket: false) == .help)
    }

    @Test func maxBodyBytesAsksTheFunctionForItsLimit() {
        #expect(FunctionMain.mode(arguments: ["whatsapp-webhook", "--max-body-bytes"], environment: [:], stdinIsListeningSocket: false) == .maxBodyBytes)
        // the WhatsApp batch limit is the one function above the default (nginx is rendered from these)
        #expect(FunctionRegistry.named("whatsapp-webhook")?.maxBodyBytes == 3 * 1024 * 1024 + 64 * 1024)
        #expect(FunctionRegistry.named("booking")?.maxBodyBytes == BodyLimit.defaultBytes)
    }

    @Test func registryListsAllSevenFunctions() {
        #expect(FunctionRegistry.all.map(\.name).sorted() == ["admin", "booking", "health", "portal", "portal-events", "razorpay-webhook", "vendor", "whatsapp-webhook"])
    }

    @Test func healthAnswers200OnAMigratedDatabase() async throws {
        let ok = try await HealthStatus.response(context: try await TestApp.context())
        #expect(ok.status == 200)
        #expect(ok.headers["Cache-Control"] == "no-store")
        let answer = try JSONSerialization.jsonObject(with: Data(ok.bodyBytes)) as? [String: String]
        #expect(answer == ["status": "ok"])
    }

    @Test func healthAnswers503WhenMigrationsArePending() async throws {
        let url = try await TestDatabase.makeEmpty()
        let context = AppContext(configuration: try Configuration(environment: ["DATABASE_URL": url]),
                                 database: Database(url: url, maxConnections: 1), migrationsDirectory: TestDatabase.migrationsDirectory)
        let unhealthy = try await HealthStatus.response(context: context)
        #expect(unhealthy.status == 503)
        let answer = try JSONSerialization.jsonObject(with: Data(unhealthy.bodyBytes)) as? [String: String]
        // status only: which migrations are pending is for the log and `roch doctor`, not the public
        #expect(answer?["status"] == "unhealthy")
        #expect(answer?.keys.sorted() == ["message", "status"])
        #expect(!String(decoding: unhealthy.bodyBytes, as: UTF8.self).contains("0001_foundation"))
    }

    @Test func healthRoutesItsPathsAndStreamsTicks() async throws {
        let handler = try await FunctionDefinition.health.makeHandler()
        let post = await #expect(throws: HTTPError.self) { try await handler(Request(method: "POST", path: "/api/health")) }
        #expect(post?.status == 405)
        let unknown = await #expect(throws: HTTPError.self) { try await handler(Request(method: "GET", path: "/api/health/nothing", pathInfo: "/nothing")) }
        #expect(unknown?.status == 404)
        let stream = try await handler(Request(method: "GET", path: "/api/health/stream", pathInfo: "/stream", queryString: "n=2"))
        guard case .stream(let body) = stream.body else { Issue.record("not a stream"); return }
        let sink = CollectingWriter()
        try await body(sink)
        #expect(sink.text == "retry: 2000\n\nid: 1\nevent: tick\ndata: {\"n\":1,\"of\":2}\n\nid: 2\nevent: tick\ndata: {\"n\":2,\"of\":2}\n\n")
        await #expect(throws: HTTPError.self) { try await handler(Request(method: "GET", path: "/api/health/stream", pathInfo: "/stream", queryString: "n=51")) }
    }
}

final class CollectingWriter: StreamWriter, @unchecked Sendable {
    var chunks: [[UInt8]] = []
    var isClosed: Bool { false }
    func write(_ bytes: [UInt8]) async throws { chunks.append(bytes) }
    var text: String { String(decoding: chunks.flatMap { $0 }, as: UTF8.self) }
}
