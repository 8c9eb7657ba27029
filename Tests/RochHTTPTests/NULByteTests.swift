import Foundation
import Synchronization
import Testing
@testable import RochHTTP

/// A NUL byte would be cut by libpq (C strings), so every input boundary refuses it with a 400 that names the field.
struct NULByteTests {
    /// The refusal `body` throws, if it is the NUL one.
    func refusal(_ body: () throws -> Void) -> HTTPError? {
        do { try body() } catch let e as HTTPError where e.code == "nul_byte" { return e } catch { return nil }
        return nil
    }

    func jsonRequest(_ json: String) -> Request {
        Request(method: "POST", path: "/api/x", headers: Headers([("Content-Type", "application/json")]), body: Array(json.utf8))
    }

    @Test func aFormFieldWithAnEscapedNULIsRefusedByName() throws {
        let e = try #require(refusal { _ = try FormData(parsing: "city=Pune&name=Asha%00Rao") })
        #expect(e.status == 400)
        #expect(Array(e.fields.keys) == ["name"])
        #expect(e.message.contains("“name”"))
        // a NUL in the field's own name is shown readably
        #expect(Array(try #require(refusal { _ = try FormData(parsing: "na%00me=x") }).fields.keys) == ["na\\0me"])
    }

    @Test func aQueryParameterWithANULIsRefusedByName() throws {
        let r = Request(method: "GET", path: "/api/health/stream", queryString: "n=5%00")
        #expect(Array(try #require(refusal { _ = try r.query() }).fields.keys) == ["n"])
    }

    @Test func aJSONStringWithANULIsRefusedWithItsPath() throws {
        struct Body: Decodable { let name: String }
        let flat = try #require(refusal { _ = try jsonRequest(#"{"name":"Asha\u0000Rao"}"#).decodeJSON(Body.self) })
        #expect(Array(flat.fields.keys) == ["name"])
        let nested = try #require(refusal { try NULBytes.checkJSON(Array(#"{"a":1,"guest":{"names":["Asha","Ra\u0000vi"]}}"#.utf8)) })
        #expect(Array(nested.fields.keys) == ["guest.names[1]"])
        let key = try #require(refusal { try NULBytes.checkJSON(Array(#"{"na\u0000me":"x"}"#.utf8)) })
        #expect(Array(key.fields.keys) == ["na\\0me"])
    }

    @Test func textThatOnlyLooksLikeAnEscapeIsAccepted() throws {
        struct Body: Decodable { let note: String }
        // an escaped backslash followed by u0000 is six ordinary characters
        let body = try jsonRequest(#"{"note":"C:\\u0000 is a path"}"#).decodeJSON(Body.self)
        #expect(body.note == #"C:\u0000 is a path"#)
        #expect(try FormData(parsing: "note=100%25+sure")["note"] == "100% sure")
    }

    @Test func malformedJSONIsStillReportedAsMalformed() {
        struct Body: Decodable { let name: String }
        expectHTTPError(400, "invalid_json") { _ = try jsonRequest(#"{"name":"A\u0000"#).decodeJSON(Body.self) }
    }

    @Test func aHeaderWithANULFromFastCGIParametersIsRefusedBeforeTheFunctionRuns() async throws {
        let env = try CGIEnvironment.decode([
            (Array("REQUEST_METHOD".utf8), Array("POST".utf8)), (Array("REQUEST_URI".utf8), Array("/api/razorpay-webhook".utf8)),
            (Array("HTTP_X_RAZORPAY_EVENT_ID".utf8), Array("evt_1".utf8) + [0] + Array("x".utf8)),
            (Array("HTTP_ACCEPT".utf8), Array("application/json".utf8)),
        ])
        let request = try CGIEnvironment.request(env, body: [])
        let called = Atomic(false)
        let response = await ErrorResponder.respond({ _ in called.store(true, ordering: .relaxed); return .text("ran") }, to: request)
        #expect(response.status == 400)
        let handlerRan = called.load(ordering: .relaxed)
        #expect(!handlerRan)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: [String: Any]])
        #expect(json["error"]?["code"] as? String == "nul_byte")
        #expect((json["error"]?["message"] as? String)?.contains("x-razorpay-event-id") == true)
    }

    @Test func aPathWithANULIsRefused() async {
        let request = Request(method: "GET", path: "/api/vendor/tok\u{0}en", pathInfo: "/tok\u{0}en")
        let response = await ErrorResponder.respond({ _ in .text("ran") }, to: request)
        #expect(response.status == 400)
        #expect(String(decoding: response.bodyBytes, as: UTF8.self).contains("The path contains a NUL byte"))
    }
}
