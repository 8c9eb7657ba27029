import Foundation
import Testing
@testable import RochHTTP

struct DevServerRoutingTests {
    @Test func apiPathsRouteToTheFunctionExecutable() {
        #expect(DevServer.route("/api/health")! == ("health", "/api/health", ""))
        #expect(DevServer.route("/api/health/stream")! == ("health", "/api/health", "/stream"))
        #expect(DevServer.route("/api/razorpay-webhook")! == ("razorpay-webhook", "/api/razorpay-webhook", ""))
        #expect(DevServer.route("/admin")! == ("admin", "/admin", ""))
        #expect(DevServer.route("/admin/bookings/7")! == ("admin", "/admin", "/bookings/7"))
    }

    @Test func otherPathsAreStaticFiles() {
        #expect(DevServer.route("/") == nil)
        #expect(DevServer.route("/api/") == nil)
        #expect(DevServer.route("/api/../etc") == nil)
        #expect(DevServer.route("/administrator") == nil)
        #expect(DevServer.route("/services/") == nil)
    }
}

struct CGIOutputParsingTests {
    @Test func statusHeaderSetsTheStatus() {
        let (head, rest) = CGIProcess.splitHead(Array("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nbody".utf8))!
        let r = CGIProcess.parseHead(head)!
        #expect(r.status == 404)
        #expect(r.headers["content-type"] == "text/plain")
        #expect(rest == Array("body".utf8))
    }

    @Test func bareLineFeedsAreAccepted() {
        let (head, rest) = CGIProcess.splitHead(Array("Content-Type: text/plain\n\nok".utf8))!
        #expect(CGIProcess.parseHead(head)?.status == 200)
        #expect(rest == Array("ok".utf8))
    }

    @Test func locationWithoutStatusIsA302() {
        #expect(CGIProcess.parseHead(Array("Location: /x/".utf8))?.status == 302)
    }

    @Test func garbageHeadersAreRefused() {
        #expect(CGIProcess.parseHead(Array("no colon here".utf8)) == nil)
        #expect(CGIProcess.parseHead(Array("Status: abc".utf8)) == nil)
        #expect(CGIProcess.splitHead(Array("Status: 200 OK\r\n".utf8)) == nil)
    }

    @Test func cgiEnvironmentCarriesTheRequest() {
        let r = Request(method: "POST", path: "/api/portal/x", pathInfo: "/x", queryString: "a=1",
                        headers: Headers([("Content-Type", "application/json"), ("X-Trace", "t1"), ("Cookie", "a=1")]), remoteAddress: "127.0.0.1", body: [1, 2, 3])
        let env = CGIProcess(directory: "/bin").environment(for: r, scriptName: "/api/portal", scriptFilename: "/bin/portal")
        #expect(env["REQUEST_METHOD"] == "POST")
        #expect(env["CONTENT_LENGTH"] == "3")
        #expect(env["CONTENT_TYPE"] == "application/json")
        #expect(env["HTTP_X_TRACE"] == "t1")
        #expect(env["HTTP_CONTENT_TYPE"] == nil)
        #expect(env["PATH_INFO"] == "/x")
        #expect(env["SCRIPT_NAME"] == "/api/portal")
        #expect(env["REQUEST_URI"] == "/api/portal/x?a=1")
        #expect(env["GATEWAY_INTERFACE"] == "CGI/1.1")
        #expect(env["ROCH_CGI_STREAMS"] == "1")   // roch serve forwards output as it comes: programs may stream
    }
}

struct StaticFilesTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "roch-static-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/services", withIntermediateDirectories: true)
        try "<html><body><h1>Home</h1></BODY></html>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "<html><body>Not here</body></html>".write(toFile: root + "/404.html", atomically: true, encoding: .utf8)
        try "services".write(toFile: root + "/services/index.html", atomically: true, encoding: .utf8)
        try String(repeating: "body { color: #333 }\n", count: 200).write(toFile: root + "/app.3f9a2b1c.css", atomically: true, encoding: .utf8)
        try "secret".write(toFile: root + "/../roch-secret-\(UUID().uuidString)", atomically: true, encoding: .utf8)
    }

    func get(_ path: String, _ headers: [(String, String)] = [], inject: String? = nil) -> Response {
        let parts = path.split(separator: "?", maxSplits: 1)
        return StaticFiles(root: root, injectBeforeBodyEnd: inject)
            .response(for: Request(method: "GET", path: String(parts[0]), queryString: parts.count > 1 ? String(parts[1]) : "", headers: Headers(headers)))
    }

    @Test func filesHaveTheirMIMETypeAndValidators() {
        let r = get("/app.3f9a2b1c.css")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "text/css; charset=utf-8")
        #expect(r.headers["etag"] != nil)
        #expect(r.headers["last-modified"]?.hasSuffix("GMT") == true)
    }

    @Test func matchingETagOrDateGives304() {
        let first = get("/app.3f9a2b1c.css")
        #expect(get("/app.3f9a2b1c.css", [("If-None-Match", first.headers["etag"]!)]).status == 304)
        #expect(get("/app.3f9a2b1c.css", [("If-Modified-Since", first.headers["last-modified"]!)]).status == 304)
        #expect(get("/app.3f9a2b1c.css", [("If-None-Match", "\"other\"")]).status == 200)
    }

    @Test func textIsGzippedWhenAccepted() {
        let r = get("/app.3f9a2b1c.css", [("Accept-Encoding", "br, gzip")])
        #expect(r.headers["content-encoding"] == "gzip")
        #expect(Array(r.bodyBytes.prefix(2)) == [0x1f, 0x8b])
        #expect(r.bodyBytes.count < 4200 / 4)
        #expect(get("/app.3f9a2b1c.css", [("Accept-Encoding", "gzip;q=0")]).headers["content-encoding"] == nil)
    }

    @Test func directoriesServeIndexAndRedirectWithoutSlash() {
        #expect(String(decoding: get("/").bodyBytes, as: UTF8.self).contains("Home"))
        let r = get("/services?x=1")
        #expect(r.status == 301)
        #expect(r.headers["location"] == "/services/?x=1")
        #expect(String(decoding: get("/services/").bodyBytes, as: UTF8.self) == "services")
    }

    @Test func missingFilesGetTheSite404PageWithStatus404() {
        let r = get("/nope")
        #expect(r.status == 404)
        #expect(String(decoding: r.bodyBytes, as: UTF8.self).contains("Not here"))
    }

    @Test(arguments: ["/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/services/../../x", "/a%00b", "/%zz", "/..%2f..%2fetc", "/.\\..\\x"])
    func pathTraversalIsRefused(_ path: String) {
        #expect(get(path).status == 404)
    }

    @Test func liveReloadScriptGoesBeforeTheBodyEndOfHTMLOnly() {
        let html = String(decoding: get("/", inject: "<script>r()</script>").bodyBytes, as: UTF8.self)
        #expect(html == "<html><body><h1>Home</h1><script>r()</script></BODY></html>")
        #expect(!String(decoding: get("/app.3f9a2b1c.css", inject: "<script>r()</script>").bodyBytes, as: UTF8.self).contains("r()"))
    }

    @Test func postIsNotAllowedOnFiles() {
        #expect(StaticFiles(root: root).response(for: Request(method: "POST", path: "/")).status == 405)
    }
}
