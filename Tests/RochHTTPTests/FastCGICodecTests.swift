import Testing
@testable import RochHTTP

/// The records a web server sends for one request.
func fcgiRequest(id: UInt16, params: [(String, String)], body: [UInt8] = [], keep: Bool = false, paramsChunk: Int = 65535) -> [UInt8] {
    var out = FastCGIRecord.beginRequest(requestId: id, keepConnection: keep).encoded()
    let p = FastCGINameValue.encode(params)
    var i = 0
    while i < p.count {
        let end = min(i + paramsChunk, p.count)
        out += FastCGIRecord(type: .params, requestId: id, content: Array(p[i..<end])).encoded()
        i = end
    }
    out += FastCGIRecord(type: .params, requestId: id).encoded()
    out += FastCGIRecord.stream(.stdin, requestId: id, body)
    out += FastCGIRecord(type: .stdin, requestId: id).encoded()
    return out
}

func fcgiParams(_ method: String = "GET", _ uri: String = "/api/test", _ extra: [(String, String)] = []) -> [(String, String)] {
    [("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("SCRIPT_NAME", "/api/test"), ("GATEWAY_INTERFACE", "CGI/1.1")] + extra
}

struct FastCGICodecTests {
    @Test func recordsArePaddedToAMultipleOfEight() {
        for n in [0, 1, 7, 8, 9, 100] {
            let bytes = FastCGIRecord(type: .stdout, requestId: 3, content: [UInt8](repeating: 1, count: n)).encoded()
            #expect(bytes.count % 8 == 0)
            #expect(Int(bytes[6]) == bytes.count - 8 - n)
            #expect(bytes[2] == 0 && bytes[3] == 3)
        }
    }

    @Test func parsingRoundTripsAndSkipsPadding() throws {
        let a = FastCGIRecord(type: .stdin, requestId: 513, content: Array("hello".utf8))
        let b = FastCGIRecord(type: .params, requestId: 1)
        let (records, rest) = try FastCGIRecordParser.parseAll(a.encoded() + b.encoded())
        #expect(records == [a, b])
        #expect(rest == 0)
    }

    @Test func aRecordSplitAcrossReadsWaitsForTheRest() throws {
        let bytes = FastCGIRecord(type: .stdin, requestId: 1, content: Array("split me".utf8)).encoded()
        for cut in 0..<bytes.count {
            #expect(try FastCGIRecordParser.parse(Array(bytes[..<cut])) == nil)
        }
        #expect(try FastCGIRecordParser.parse(bytes)?.1 == bytes.count)
    }

    @Test func wrongVersionIsAProtocolError() {
        var bytes = FastCGIRecord(type: .stdin, requestId: 1).encoded()
        bytes[0] = 2
        #expect(throws: FastCGIProtocolError.self) { try FastCGIRecordParser.parse(bytes) }
    }

    @Test func stdoutIsSplitAt65535Bytes() throws {
        let big = [UInt8](repeating: 0x61, count: 65535 * 2 + 10)
        let (records, _) = try FastCGIRecordParser.parseAll(FastCGIRecord.stream(.stdout, requestId: 1, big))
        #expect(records.map(\.content.count) == [65535, 65535, 10])
        #expect(records.flatMap(\.content) == big)
    }

    @Test func nameValuePairsUseOneAndFourByteLengths() throws {
        let long = String(repeating: "v", count: 300)
        let bytes = FastCGINameValue.encode([("A", "1"), ("LONG", long)])
        #expect(bytes[0] == 1 && bytes[1] == 1)
        #expect(bytes[4] == 4 && bytes[5] & 0x80 == 0x80)  // "LONG" has a 1-byte length, its value a 4-byte one
        let pairs = try FastCGINameValue.decode(bytes)
        #expect(pairs.map { String(decoding: $0.1, as: UTF8.self) } == ["1", long])
    }

    @Test func nameValueLengthsBeyondTheDataAreRefused() {
        #expect(throws: FastCGIProtocolError.self) { try FastCGINameValue.decode([0x05, 0x01, 0x41]) }
        #expect(throws: FastCGIProtocolError.self) { try FastCGINameValue.decode([0xff, 0xff, 0xff, 0xff, 0x00]) }
        #expect(throws: FastCGIProtocolError.self) { try FastCGINameValue.decode([0x80, 0x00]) }
    }

    @Test func endRequestCarriesAppAndProtocolStatus() {
        let r = FastCGIRecord.endRequest(requestId: 9, appStatus: 258, .unknownRole)
        #expect(r.content == [0, 0, 1, 2, 3, 0, 0, 0])
    }
}
