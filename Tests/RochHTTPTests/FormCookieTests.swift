import Testing
@testable import RochHTTP

struct FormTests {
    @Test func repeatedKeysKeepEveryValueInOrder() throws {
        let f = try FormData(parsing: "tag=a&name=Asha&tag=b&tag=c")
        #expect(f.values("tag") == ["a", "b", "c"])
        #expect(f["name"] == "Asha")
        #expect(f.dictionary["tag"] == ["a", "b", "c"])
    }

    @Test func plusIsASpaceAndPercentEscapesAreUTF8() throws {
        let f = try FormData(parsing: "city=New+Delhi&note=caf%C3%A9+%26+more&plus=%2B")
        #expect(f["city"] == "New Delhi")
        #expect(f["note"] == "café & more")
        #expect(f["plus"] == "+")
    }

    @Test func keysWithoutValuesAndEmptyPiecesAreHandled() throws {
        let f = try FormData(parsing: "&&flag&empty=&=orphan&x=1&")
        #expect(f["flag"] == "")
        #expect(f["empty"] == "")
        #expect(f["x"] == "1")
        #expect(f.pairs.count == 3)
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "%G1=x", "a=%ff", "a=%C3"])
    func invalidEscapesAreA400NotACrash(_ text: String) {
        expectHTTPError(400, "invalid_form") { _ = try FormData(parsing: text) }
    }

    @Test func encodingRoundTrips() throws {
        let original = "Priya & Arjun's 50% day / ok?"
        let f = try FormData(parsing: "v=" + FormData.encodeComponent(original))
        #expect(f["v"] == original)
    }

    @Test func formRefusesOtherContentTypes() {
        let r = Request(method: "POST", path: "/", headers: Headers([("Content-Type", "application/json")]), body: Array("a=1".utf8))
        expectHTTPError(415) { _ = try r.form() }
    }

    @Test func queryIsParsedLikeAForm() throws {
        let r = Request(method: "GET", path: "/", queryString: "n=5&n=6&q=a+b")
        #expect(try r.query().values("n") == ["5", "6"])
        #expect(try r.query()["q"] == "a b")
    }
}

struct CookieTests {
    @Test func cookieHeaderIsParsed() {
        let c = Cookies.parse(#"session=abc123; theme="dark"; junk; =x; session=second"#)
        #expect(c == ["session": "abc123", "theme": "dark"])
    }

    @Test func setCookieDefaultsAreSafe() throws {
        #expect(try SetCookie(name: "session", value: "abc").headerValue() == "session=abc; Path=/; Secure; HttpOnly; SameSite=Lax")
    }

    @Test func setCookieCarriesMaxAgeAndSameSite() throws {
        let c = SetCookie(name: "portal", value: "t1", path: "/api/portal", maxAge: 3600, httpOnly: true, secure: false, sameSite: .strict)
        #expect(try c.headerValue() == "portal=t1; Path=/api/portal; Max-Age=3600; HttpOnly; SameSite=Strict")
        #expect(try SetCookie.expired("portal").headerValue().contains("Max-Age=0"))
    }

    @Test func setCookieRefusesValuesThatWouldSplitTheHeader() {
        #expect(throws: HTTPError.self) { try SetCookie(name: "a", value: "x\r\nSet-Cookie: admin=1").headerValue() }
        #expect(throws: HTTPError.self) { try SetCookie(name: "a", value: "x; Domain=evil").headerValue() }
        #expect(throws: HTTPError.self) { try SetCookie(name: "a=b", value: "x").headerValue() }
    }

    @Test func requestCookiesReadEveryCookieHeader() {
        let r = Request(method: "GET", path: "/", headers: Headers([("Cookie", "a=1"), ("Cookie", "b=2")]))
        #expect(r.cookies == ["a": "1", "b": "2"])
    }
}

struct ResponseHelperTests {
    @Test func redirectIsA303WithLocation() {
        let r = Response.redirect(to: "/thanks/")
        #expect(r.status == 303)
        #expect(r.headers["location"] == "/thanks/")
    }

    @Test func jsonUsesTheSharedCoder() throws {
        #expect(String(decoding: try Response.json(["b": 1, "a": 2]).bodyBytes, as: UTF8.self) == #"{"a":2,"b":1}"#)
    }

    @Test func malformedJSONBodyIsA400() {
        struct Booking: Decodable { let name: String }
        let r = Request(method: "POST", path: "/", headers: Headers([("Content-Type", "application/json")]), body: Array("{nope".utf8))
        expectHTTPError(400, "invalid_json") { _ = try r.decodeJSON(Booking.self) }
    }

    @Test func headNamesAndValuesWithControlCharactersAreRefused() {
        #expect(throws: ResponseHead.InvalidHeader.self) { try ResponseHead.validate(name: "X-A", value: "a\nb") }
        #expect(throws: ResponseHead.InvalidHeader.self) { try ResponseHead.validate(name: "X A", value: "ok") }
        #expect(throws: ResponseHead.InvalidHeader.self) { try ResponseHead.validate(name: "X-A\r\n", value: "ok") }
        #expect(throws: ResponseHead.InvalidHeader.self) { try ResponseHead.validate(name: "", value: "ok") }
        #expect(throws: Never.self) { try ResponseHead.validate(name: "X-Name", value: "Café\tok") }
    }
}

struct ErrorResponderTests {
    let error = HTTPError(404, code: "not_found", "No <booking> here & there.")

    @Test func browsersGetAnEscapedHTMLPage() {
        let r = ErrorResponder.response(for: error, request: Request(method: "GET", path: "/", headers: Headers([("Accept", "text/html,*/*;q=0.8")])))
        let body = String(decoding: r.bodyBytes, as: UTF8.self)
        #expect(r.status == 404)
        #expect(r.headers["content-type"] == "text/html; charset=utf-8")
        #expect(body.contains("No &lt;booking&gt; here &amp; there."))
        #expect(!body.contains("<booking>"))
    }

    @Test func apiClientsGetJSONByAcceptOrByRequestType() {
        let byAccept = ErrorResponder.response(for: error, request: Request(method: "GET", path: "/", headers: Headers([("Accept", "text/html;q=0.5, application/json")])))
        #expect(byAccept.headers["content-type"] == "application/json")
        let byBody = ErrorResponder.response(for: error, request: Request(method: "POST", path: "/", headers: Headers([("Content-Type", "application/json; charset=utf-8")])))
        #expect(byBody.headers["content-type"] == "application/json")
        let browser = ErrorResponder.response(for: error, request: Request(method: "GET", path: "/", headers: Headers([("Accept", "text/html, application/json;q=0.9")])))
        #expect(browser.headers["content-type"] == "text/html; charset=utf-8")
    }

    @Test func errorHeadersAreKept() {
        let r = ErrorResponder.response(for: HTTPError.methodNotAllowed(["GET", "POST"]), request: nil)
        #expect(r.headers["allow"] == "GET, POST")
        #expect(r.status == 405)
    }
}

struct SSETests {
    @Test func eventHasIdEventAndOneDataLinePerLine() {
        let e = ServerSentEvent(id: "42", event: "status", data: "line one\nline two\r\nline three", retry: 3000)
        #expect(e.encoded() == "id: 42\nevent: status\nretry: 3000\ndata: line one\ndata: line two\ndata: line three\n\n")
    }

    @Test func idAndEventCannotInjectFields() {
        let e = ServerSentEvent(id: "1\ndata: evil", event: "x\r\nid: 9", data: "ok")
        #expect(e.encoded() == "id: 1data: evil\nevent: xid: 9\ndata: ok\n\n")
    }

    @Test func emptyDataIsOneEmptyDataLine() {
        #expect(ServerSentEvent(data: "").encoded() == "data: \n\n")
    }

    @Test func writerSendsRetryHeartbeatAndEvents() async throws {
        let sink = MemorySink()
        let sse = SSEWriter(SinkStreamWriter(sink))
        try await sse.retry(milliseconds: 1500)
        try await sse.heartbeat("keep\nalive")
        try await sse.send(ServerSentEvent(id: "1", data: "x"))
        #expect(sink.writes.map { String(decoding: $0, as: UTF8.self) } == ["retry: 1500\n\n", ": keepalive\n\n", "id: 1\ndata: x\n\n"])
    }

    @Test func eventStreamResponseDisablesCachingAndProxyBuffering() {
        let r = Response.eventStream { _ in }
        #expect(r.headers["content-type"] == "text/event-stream; charset=utf-8")
        #expect(r.headers["cache-control"] == "no-cache")
        #expect(r.headers["x-accel-buffering"] == "no")
    }
}
