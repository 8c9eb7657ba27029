import Testing
@testable import RochHTTP

/// Feeds bytes to a connection state machine the way the NIO decoder does.
func feed(_ bytes: [UInt8], into state: inout FastCGIConnection) throws -> [FastCGIConnection.Action] {
    try FastCGIRecordParser.parseAll(bytes).records.flatMap { state.receive($0) }
}

func sentRecords(_ actions: [FastCGIConnection.Action]) throws -> [FastCGIRecord] {
    try actions.flatMap { action -> [FastCGIRecord] in
        if case .send(let b) = action { return try FastCGIRecordParser.parseAll(b).records }
        return []
    }
}

func handled(_ actions: [FastCGIConnection.Action]) -> [(UInt16, Request)] {
    actions.compactMap { if case .handle(let id, let r) = $0 { return (id, r) } else { return nil } }
}

func closes(_ actions: [FastCGIConnection.Action]) -> Bool {
    actions.contains { if case .close = $0 { return true } else { return false } }
}

func stdoutText(_ records: [FastCGIRecord], id: UInt16) -> String {
    String(decoding: records.filter { $0.type == .stdout && $0.requestId == id }.flatMap(\.content), as: UTF8.self)
}

struct FastCGIConnectionTests {
    @Test func aCompleteRequestIsHandedToTheFunction() throws {
        var state = FastCGIConnection()
        let actions = try feed(fcgiRequest(id: 1, params: fcgiParams("POST", "/api/test/x?y=1", [("CONTENT_LENGTH", "4"), ("QUERY_STRING", "y=1"), ("PATH_INFO", "/x")]),
                                           body: Array("ping".utf8)), into: &state)
        let reqs = handled(actions)
        #expect(reqs.count == 1)
        #expect(reqs.first?.0 == 1)
        #expect(reqs.first?.1.body == Array("ping".utf8))
        #expect(reqs.first?.1.pathInfo == "/x")
        #expect(!closes(actions))
    }

    @Test func paramsLargerThanOneRecordAreJoined() throws {
        var state = FastCGIConnection()
        let big = String(repeating: "c", count: 200_000)
        let actions = try feed(fcgiRequest(id: 1, params: fcgiParams("GET", "/", [("HTTP_COOKIE", big)]), paramsChunk: 1000), into: &state)
        #expect(handled(actions).first?.1.headers["cookie"] == big)
    }

    @Test func paramsBeyondTheLimitCloseTheConnection() throws {
        var limits = FastCGIConnection.Limits()
        limits.maxParamsBytes = 10_000
        var state = FastCGIConnection(limits: limits)
        let actions = try feed(fcgiRequest(id: 1, params: fcgiParams("GET", "/", [("HTTP_X", String(repeating: "x", count: 20_000))])), into: &state)
        #expect(closes(actions))
        #expect(handled(actions).isEmpty)
    }

    @Test func emptyAndLargeBodiesArrive() throws {
        var state = FastCGIConnection()
        let empty = try feed(fcgiRequest(id: 1, params: fcgiParams()), into: &state)
        #expect(handled(empty).first?.1.body == [])
        let big = (0..<900_000).map { UInt8($0 % 251) }
        let large = try feed(fcgiRequest(id: 2, params: fcgiParams("POST", "/", [("CONTENT_LENGTH", String(big.count))]), body: big), into: &state)
        #expect(handled(large).first?.1.body == big)
    }

    @Test func bodyOverTheLimitIs413AndTheRequestIsDropped() throws {
        var state = FastCGIConnection()
        let n = 10 << 20
        let actions = try feed(fcgiRequest(id: 1, params: fcgiParams("POST", "/", [("CONTENT_LENGTH", String(n))]),
                                           body: [UInt8](repeating: 0, count: n), keep: true), into: &state)
        let sent = try sentRecords(actions)
        #expect(stdoutText(sent, id: 1).hasPrefix("Status: 413"))
        #expect(sent.last?.type == .endRequest)
        #expect(handled(actions).isEmpty)
        #expect(state.inFlight == 0)
    }

    @Test func bodyLongerOrShorterThanContentLengthIs400() throws {
        var state = FastCGIConnection()
        let longer = try feed(fcgiRequest(id: 1, params: fcgiParams("POST", "/", [("CONTENT_LENGTH", "2")]), body: Array("abcdef".utf8), keep: true), into: &state)
        #expect(stdoutText(try sentRecords(longer), id: 1).hasPrefix("Status: 400"))
        let shorter = try feed(fcgiRequest(id: 2, params: fcgiParams("POST", "/", [("CONTENT_LENGTH", "20")]), body: Array("abc".utf8), keep: true), into: &state)
        #expect(stdoutText(try sentRecords(shorter), id: 2).hasPrefix("Status: 400"))
        let bogus = try feed(fcgiRequest(id: 3, params: fcgiParams("POST", "/", [("CONTENT_LENGTH", "-5")]), keep: true), into: &state)
        #expect(stdoutText(try sentRecords(bogus), id: 3).hasPrefix("Status: 400"))
        #expect(handled(longer + shorter + bogus).isEmpty)
    }

    @Test func invalidUTF8InParamsIs400() throws {
        var state = FastCGIConnection()
        var bytes = FastCGIRecord.beginRequest(requestId: 1, keepConnection: false).encoded()
        bytes += FastCGIRecord(type: .params, requestId: 1, content: [6, 2] + Array("HTTP_X".utf8) + [0xc3, 0x28]).encoded()
        bytes += FastCGIRecord(type: .params, requestId: 1).encoded()
        let actions = try feed(bytes, into: &state)
        #expect(stdoutText(try sentRecords(actions), id: 1).hasPrefix("Status: 400"))
        #expect(closes(actions))
    }

    @Test func otherRolesGetUnknownRole() throws {
        var state = FastCGIConnection()
        let actions = state.receive(FastCGIRecord.beginRequest(requestId: 1, role: 2, keepConnection: true))
        let sent = try sentRecords(actions)
        #expect(sent == [FastCGIRecord.endRequest(requestId: 1, .unknownRole)])
        #expect(!closes(actions))
    }

    @Test func getValuesAnswersWhatWeKnow() throws {
        var state = FastCGIConnection()
        let query = FastCGINameValue.encode([("FCGI_MAX_CONNS", ""), ("FCGI_MAX_REQS", ""), ("FCGI_MPXS_CONNS", ""), ("OTHER", "")])
        let sent = try sentRecords(state.receive(FastCGIRecord(type: .getValues, requestId: 0, content: query)))
        #expect(sent.count == 1)
        #expect(sent[0].type == .getValuesResult)
        let pairs = try FastCGINameValue.decode(sent[0].content).map { (String(decoding: $0.0, as: UTF8.self), String(decoding: $0.1, as: UTF8.self)) }
        #expect(pairs.map(\.0) == ["FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"])
        #expect(pairs.last?.1 == "1")
    }

    @Test func unknownRecordTypesGetUnknownType() throws {
        var state = FastCGIConnection()
        let sent = try sentRecords(state.receive(FastCGIRecord(typeByte: 42, requestId: 0, content: [1, 2])))
        #expect(sent == [FastCGIRecord.unknownType(42)])
    }

    @Test func abortOfARunningRequestIsPassedOn() throws {
        var state = FastCGIConnection()
        _ = try feed(fcgiRequest(id: 7, params: fcgiParams(), keep: true), into: &state)
        let actions = state.receive(FastCGIRecord(type: .abortRequest, requestId: 7))
        guard case .abort(7)? = actions.first else { Issue.record("no abort: \(actions)"); return }
    }

    @Test func abortBeforeTheRequestIsCompleteEndsItAtOnce() throws {
        var state = FastCGIConnection()
        _ = state.receive(FastCGIRecord.beginRequest(requestId: 4, keepConnection: true))
        let sent = try sentRecords(state.receive(FastCGIRecord(type: .abortRequest, requestId: 4)))
        #expect(sent.first?.type == .endRequest)
        #expect(state.inFlight == 0)
    }

    @Test func multiplexedRequestsAreHandledIndependently() throws {
        var state = FastCGIConnection()
        let a = fcgiRequest(id: 1, params: fcgiParams("GET", "/a"), keep: true)
        let b = fcgiRequest(id: 2, params: fcgiParams("GET", "/b"), keep: true)
        // interleave the records of both requests
        let ra = try FastCGIRecordParser.parseAll(a).records, rb = try FastCGIRecordParser.parseAll(b).records
        var actions: [FastCGIConnection.Action] = []
        for i in 0..<max(ra.count, rb.count) {
            if i < ra.count { actions += state.receive(ra[i]) }
            if i < rb.count { actions += state.receive(rb[i]) }
        }
        #expect(handled(actions).map { $0.1.path }.sorted() == ["/a", "/b"])
        #expect(state.finished(requestId: 1) == false)
        #expect(state.finished(requestId: 2) == false)
    }

    @Test func withoutKeepConnTheConnectionClosesAfterTheRequest() throws {
        var state = FastCGIConnection()
        _ = try feed(fcgiRequest(id: 1, params: fcgiParams(), keep: false), into: &state)
        #expect(state.finished(requestId: 1) == true)
    }

    @Test func recordsOnlyAnApplicationSendsCloseTheConnection() {
        var state = FastCGIConnection()
        #expect(closes(state.receive(FastCGIRecord(type: .stdout, requestId: 1, content: [1]))))
        #expect(closes(state.receive(FastCGIRecord(type: .beginRequest, requestId: 1, content: [0, 1]))))
    }

    @Test func recordsForUnknownRequestsAreIgnored() {
        var state = FastCGIConnection()
        #expect(state.receive(FastCGIRecord(type: .stdin, requestId: 99, content: [1, 2, 3])).isEmpty)
        #expect(state.receive(FastCGIRecord(type: .params, requestId: 99, content: [1, 2, 3])).isEmpty)
    }
}
