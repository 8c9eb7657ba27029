import Testing
@testable import RochHTTP

struct MultipartTests {
    static let b = "----RochBoundary7MA4YWxkTrZu0gW"
    static func body(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func aBrowsersFormWithAFieldAndABinaryFileParses() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]
        var bytes = Self.body("--\(Self.b)\nContent-Disposition: form-data; name=\"note\"\n\nMehendi; stage \"left\"\n--\(Self.b)\nContent-Disposition: form-data; name=\"file\"; filename=\"stage;1.png\"\nContent-Type: Image/PNG; charset=x\n\n")
        bytes += png
        bytes += Self.body("\n--\(Self.b)--\n")
        let form = try MultipartForm(parsing: bytes, boundary: Self.b)
        #expect(form.parts.count == 2)
        #expect(form.field("note") == "Mehendi; stage \"left\"")
        let file = try #require(form["file"])
        #expect(file.filename == "stage;1.png")
        #expect(file.contentType == "image/png")
        #expect(file.body == png)  // a CRLF and "--" inside the file are kept
        #expect(form.files.map(\.name) == ["file"])
    }

    @Test func boundaryComesFromTheContentTypeQuotedOrNot() throws {
        #expect(try MultipartForm.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(try MultipartForm.boundary(contentType: "Multipart/Form-Data;BOUNDARY=\"a b:c\"") == "a b:c")
        expectHTTPError(415) { _ = try MultipartForm.boundary(contentType: "application/x-www-form-urlencoded") }
        expectHTTPError(415) { _ = try MultipartForm.boundary(contentType: nil) }
        expectHTTPError(400, "multipart_no_boundary") { _ = try MultipartForm.boundary(contentType: "multipart/form-data") }
        expectHTTPError(400, "multipart_no_boundary") { _ = try MultipartForm.boundary(contentType: "multipart/form-data; boundary=") }
        expectHTTPError(400, "multipart_bad_boundary") { _ = try MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) }
        expectHTTPError(400, "multipart_bad_boundary") { _ = try MultipartForm.boundary(contentType: "multipart/form-data; boundary=a\u{1}b") }
    }

    @Test func aPreambleAndEpilogueAreIgnored() throws {
        let form = try MultipartForm(parsing: Self.body("ignored preamble\n--\(Self.b)\nContent-Disposition: form-data; name=a\n\n1\n--\(Self.b)--\nepilogue"), boundary: Self.b)
        #expect(form.field("a") == "1")
    }

    @Test(arguments: [
        ("no boundary at all", "multipart_no_parts"),
        ("--\(b)--\n", "multipart_no_parts"),
        ("--\(b)\nContent-Disposition: form-data; name=a\n\nnever closed", "multipart_truncated"),
        ("--\(b)\nContent-Disposition: form-data; name=a", "multipart_truncated"),
        ("--\(b)", "multipart_truncated"),
        ("--\(b)X\nContent-Disposition: form-data; name=a\n\n1\n--\(b)--", "multipart_truncated"),
        ("--\(b)\nContent-Type: text/plain\n\n1\n--\(b)--", "multipart_no_disposition"),
        ("--\(b)\nContent-Disposition: attachment; name=a\n\n1\n--\(b)--", "multipart_no_disposition"),
        ("--\(b)\nContent-Disposition: form-data; filename=x\n\n1\n--\(b)--", "multipart_no_name"),
        ("--\(b)\nContent-Disposition: form-data; name=\"a\n\n1\n--\(b)--", "multipart_bad_header"),
        ("--\(b)\nContent-Disposition: form-data; name=a; name=b\n\n1\n--\(b)--", "multipart_bad_header"),
        ("--\(b)\nContent-Disposition form-data\n\n1\n--\(b)--", "multipart_bad_header"),
        ("--\(b)\nContent-Disposition: form-data; name=a\nContent-Disposition: form-data; name=b\n\n1\n--\(b)--", "multipart_bad_header"),
        ("--\(b)\n\n1\n--\(b)--", "multipart_no_disposition"),
    ])
    func malformedBodiesAreA400NamingTheProblem(_ text: String, _ code: String) {
        expectHTTPError(400, code) { _ = try MultipartForm(parsing: Self.body(text), boundary: Self.b) }
    }

    @Test func headersThatAreNotUTF8OrHoldNULAreRefused() {
        var bytes = Array("--x\r\nContent-Disposition: form-data; name=\"".utf8) + [0xff, 0xfe] + Array("\"\r\n\r\n1\r\n--x--".utf8)
        expectHTTPError(400, "multipart_bad_header") { _ = try MultipartForm(parsing: bytes, boundary: "x") }
        bytes = Array("--x\r\nContent-Disposition: form-data; name=\"a\u{0}\"\r\n\r\n1\r\n--x--".utf8)
        expectHTTPError(400, "multipart_bad_header") { _ = try MultipartForm(parsing: bytes, boundary: "x") }
    }

    @Test func partCountHeaderSizeAndPartSizeAreBounded() {
        let many = (0..<5).map { "--\(Self.b)\nContent-Disposition: form-data; name=f\($0)\n\nx\n" }.joined() + "--\(Self.b)--"
        let limits = MultipartForm.Limits(maxParts: 4, maxHeaderBytes: 64, maxPartBytes: 10)
        expectHTTPError(400, "multipart_too_many_parts") { _ = try MultipartForm(parsing: Self.body(many), boundary: Self.b, limits: limits) }
        let longHeader = "--\(Self.b)\nContent-Disposition: form-data; name=a; x=\(String(repeating: "y", count: 200))\n\n1\n--\(Self.b)--"
        expectHTTPError(400, "multipart_headers_too_large") { _ = try MultipartForm(parsing: Self.body(longHeader), boundary: Self.b, limits: limits) }
        let big = "--\(Self.b)\nContent-Disposition: form-data; name=a; filename=a.png\n\n\(String(repeating: "z", count: 11))\n--\(Self.b)--"
        expectHTTPError(413, "payload_too_large") { _ = try MultipartForm(parsing: Self.body(big), boundary: Self.b, limits: limits) }
        let fits = "--\(Self.b)\nContent-Disposition: form-data; name=a\n\n\(String(repeating: "z", count: 10))\n--\(Self.b)--"
        #expect((try? MultipartForm(parsing: Self.body(fits), boundary: Self.b, limits: limits))?.field("a")?.count == 10)
    }

    @Test func aBodyOfNearBoundariesIsNotQuadraticOrWrong() throws {
        // Many almost-delimiters inside one part: kept as content, found in one pass.
        let near = String(repeating: "\n--\(Self.b.dropLast())", count: 2000)
        let form = try MultipartForm(parsing: Self.body("--\(Self.b)\nContent-Disposition: form-data; name=a\n\n\(near)\n--\(Self.b)--"), boundary: Self.b,
                                     limits: .init(maxPartBytes: 1 << 20))
        #expect(form["a"]?.body == Self.body(near))
    }

    @Test func theRequestHelperRefusesAnotherContentType() throws {
        let r = Request(method: "POST", path: "/", headers: Headers([("Content-Type", "multipart/form-data; boundary=x")]),
                        body: Array("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n".utf8))
        #expect(try r.multipart().field("a") == "1")
        let json = Request(method: "POST", path: "/", headers: Headers([("Content-Type", "application/json")]), body: [])
        expectHTTPError(415) { _ = try json.multipart() }
    }
}
