import Foundation
import Testing
@testable import RochHTTP

struct CGIAdapterTests {
    @Test func requestIsBuiltFromTheCGIEnvironment() throws {
        var body = MemorySource("a=1&b=2")
        let env = cgiEnv("POST", "/api/booking/step?x=1", ["PATH_INFO": "/step", "CONTENT_LENGTH": "7",
                         "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_X_FORWARDED_FOR": "10.0.0.1",
                         "HTTP_ACCEPT": "text/html", "HTTPS": "on"])
        let r = try CGIAdapter.parseRequest(environment: env, body: &body)
        #expect(r.method == "POST")
        #expect(r.path == "/api/booking/step")
        #expect(r.pathInfo == "/step")
        #expect(r.queryString == "x=1")
        #expect(r.headers["X-Forwarded-For"] == "10.0.0.1")
        #expect(r.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(r.remoteAddress == "127.0.0.1")
        #expect(r.isSecure)
        #expect(try r.form()["b"] == "2")
    }

    @Test func pathFallsBackToScriptNameAndPathInfoWithoutRequestURI() throws {
        var body = MemorySource("")
        let r = try CGIAdapter.parseRequest(environment: ["REQUEST_METHOD": "GET", "SCRIPT_NAME": "/api/health", "PATH_INFO": "/stream"], body: &body)
        #expect(r.path == "/api/health/stream")
        #expect(!r.isSecure)
    }

    @Test func bodyIsReadExactlyToContentLength() throws {
        var body = MemorySource("hello world, and more that is not ours")
        let r = try CGIAdapter.parseRequest(environment: cgiEnv("POST", "/", ["CONTENT_LENGTH": "11"]), body: &body)
        #expect(String(decoding: r.body, as: UTF8.self) == "hello world")
        #expect(body.offset == 11)
    }

    @Test func shortBodyIsABadRequest() {
        var body = MemorySource("abc")
        expectHTTPError(400, "incomplete_body") {
            _ = try CGIAdapter.parseRequest(environment: cgiEnv("POST", "/", ["CONTENT_LENGTH": "10"]), body: &body)
        }
    }

    @Test(arguments: ["abc", "-1", "1e3", " 5", "99999999999999999999999", "0x10"])
    func malformedContentLengthIsABadRequest(_ value: String) {
        var body = MemorySource("12345")
        do {
            _ = try CGIAdapter.parseRequest(environment: cgiEnv("POST", "/", ["CONTENT_LENGTH": value]), body: &body)
            Issue.record("accepted CONTENT_LENGTH \(value)")
        } catch let e as HTTPError {
            #expect(e.status == 400)
            #expect(e.code == "invalid_content_length")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func tenMegabytesOverTheLimitIs413WithoutReadingTheBody() {
        var body = MemorySource([UInt8](repeating: 0x41, count: 10 << 20))
        do {
            _ = try CGIAdapter.parseRequest(environment: cgiEnv("POST", "/", ["CONTENT_LENGTH": String(10 << 20)]), body: &body)
            Issue.record("accepted 10 MB")
        } catch let e as HTTPError {
            #expect(e.status == 413)
        } catch { Issue.record("unexpected \(error)") }
        #expect(body.offset == 0)
    }

    @Test func missingMethodIsABadRequestNotACrash() async {
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: [:], body: &body, output: out, handler: echoHandler)
        #expect(splitCGI(out.text).status == "400 Bad Request")
    }

    @Test func emptyEnvironmentValuesAreTolerated() throws {
        var body = MemorySource("")
        let r = try CGIAdapter.parseRequest(environment: cgiEnv("GET", "/", ["CONTENT_LENGTH": "", "CONTENT_TYPE": "", "QUERY_STRING": ""]), body: &body)
        #expect(r.body.isEmpty)
        #expect(r.headers["content-type"] == nil)
    }

    @Test func responseIsWrittenWithStatusLineHeadersAndBody() async {
        var body = MemorySource("ping")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv("POST", "/api/test?q=1", ["CONTENT_LENGTH": "4"]), body: &body, output: out, handler: echoHandler)
        let (status, headers, text) = splitCGI(out.text)
        #expect(status == "200 OK")
        #expect(headers["content-type"] == "application/json")
        #expect(text.contains(#""body":"ping""#))
        #expect(text.contains(#""query":"q=1""#))
    }

    @Test func handlerErrorsBecomeJSONWhenTheClientAcceptsJSON() async {
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv("GET", "/", ["HTTP_ACCEPT": "application/json"]), body: &body, output: out) { _ in
            throw HTTPError.unprocessable("Check the form.", fields: ["email": "Enter an email address."])
        }
        let (status, _, text) = splitCGI(out.text)
        #expect(status == "422 Unprocessable Content")
        #expect(text == #"{"error":{"code":"validation_failed","fields":{"email":"Enter an email address."},"message":"Check the form."}}"#)
    }

    @Test func unknownErrorsAreA500ThatLeaksNothing() async {
        struct Secret: Error { let password = "hunter2" }
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv(), body: &body, output: out) { _ in throw Secret() }
        #expect(splitCGI(out.text).status == "500 Internal Server Error")
        #expect(!out.text.contains("hunter2"))
        #expect(!out.text.contains("Secret"))
    }

    @Test func headerInjectionByAHandlerBecomesA500() async {
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv(), body: &body, output: out) { _ in
            Response(status: 302, headers: Headers([("Location", "/x\r\nSet-Cookie: admin=1")]))
        }
        #expect(splitCGI(out.text).status == "500 Internal Server Error")
        #expect(!out.text.contains("admin=1"))
    }

    @Test func streamingBodiesAreWrittenOneChunkPerWrite() async {
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv(), body: &body, output: out) { _ in
            .eventStream { sse in
                for i in 1...3 { try await sse.send(ServerSentEvent(id: "\(i)", data: "tick")) }
            }
        }
        #expect(out.writes.count == 4)  // head + three events
        #expect(String(decoding: out.writes[2], as: UTF8.self) == "id: 2\ndata: tick\n\n")
    }

    @Test func aStreamStopsWhenTheReaderGoesAway() async {
        var body = MemorySource("")
        let out = MemorySink()
        out.failAfter = 2
        let sawClosed = Flag()
        await CGIAdapter.handle(environment: cgiEnv(), body: &body, output: out) { _ in
            .eventStream { sse in
                for i in 1...100 {
                    if sse.isClosed { sawClosed.set(); return }
                    try? await sse.send(ServerSentEvent(data: "\(i)"))
                }
            }
        }
        #expect(sawClosed.value)
        #expect(out.writes.count == 2)
    }

    @Test func invalidUTF8InTheEnvironmentIsABadRequest() {
        #expect(throws: HTTPError.self) {
            try CGIEnvironment.decode([(Array("HTTP_X".utf8), [0xff, 0xfe])])
        }
        #expect(try! CGIEnvironment.decode([(Array("HTTP_X".utf8), Array("é".utf8))])["HTTP_X"] == "é")
    }

    @Test func headRequestsGetNoBody() async {
        var body = MemorySource("")
        let out = MemorySink()
        await CGIAdapter.handle(environment: cgiEnv("HEAD", "/"), body: &body, output: out) { _ in .text("hello") }
        #expect(splitCGI(out.text).body == "")
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    var value: Bool { lock.withLock { v } }
    func set() { lock.withLock { v = true } }
}

/// Runs `body` and checks it throws an HTTPError with this status (and code).
func expectHTTPError(_ status: Int, _ code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected HTTP \(status), nothing was thrown", sourceLocation: sourceLocation)
    } catch let e as HTTPError {
        #expect(e.status == status, sourceLocation: sourceLocation)
        if let code { #expect(e.code == code, sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected HTTP \(status), got \(error)", sourceLocation: sourceLocation)
    }
}
