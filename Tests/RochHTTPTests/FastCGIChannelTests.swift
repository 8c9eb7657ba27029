import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import RochHTTP

/// A FastCGI connection over NIOAsyncTestingChannel (thread-safe, so handler Tasks may write to it).
struct FastCGITestConnection {
    let channel = NIOAsyncTestingChannel()
    var pending: [UInt8] = []

    /// `hold`, when given, sits nearest the socket and keeps what the responder writes from going out.
    init(handler: @escaping Handler, limits: FastCGIConnection.Limits = .init(), hold: WriteHold? = nil) async throws {
        let channel = self.channel
        try await channel.testingEventLoop.executeInContext {
            if let hold { try channel.pipeline.syncOperations.addHandler(hold) }
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FastCGIRecordDecoder()))
            try channel.pipeline.syncOperations.addHandler(FastCGIChannelHandler(handler: handler, limits: limits))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeInbound(channel.allocator.buffer(bytes: bytes))
    }

    /// Records written until END_REQUEST for `id` (or 60 s, which fails the test: a hang guard, not a timing check).
    mutating func records(until id: UInt16) async throws -> [FastCGIRecord] {
        var out: [FastCGIRecord] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
                pending += Array(buffer.readableBytesView)
                let (records, rest) = try FastCGIRecordParser.parseAll(pending)
                pending = Array(pending.suffix(rest))
                out += records
                if records.contains(where: { $0.type == .endRequest && $0.requestId == id }) { return out }
            } else {
                // A stream body runs on the channel's loop; work it schedules from inside the testing
                // loop (outside a run) waits for the next run.
                await channel.testingEventLoop.run()
                try await Task.sleep(nanoseconds: 2_000_000)
            }
        }
        Issue.record("no END_REQUEST for \(id)")
        return out
    }

    /// Runs the testing loop until `condition` holds (or 60 s pass, which fails the test: a hang guard,
    /// not a timing check). Handler work started from the testing loop runs only while it runs.
    func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            guard Date() < deadline else { Issue.record("never happened: \(what)"); return }
            await channel.testingEventLoop.run()
            try await Task.sleep(nanoseconds: 2_000_000)
        }
    }
}

struct FastCGIChannelTests {
    @Test func decoderFramesRecordsSplitAcrossReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FastCGIRecordDecoder()))
        let bytes = fcgiRequest(id: 1, params: fcgiParams())
        for b in bytes { try channel.writeInbound(channel.allocator.buffer(bytes: [b])) }
        var types: [FastCGIRecord.RecordType?] = []
        while let r = try channel.readInbound(as: FastCGIRecord.self) { types.append(r.type) }
        #expect(types == [.beginRequest, .params, .params, .stdin])
        _ = try channel.finish()
    }

    @Test func decoderClosesOnAWrongVersion() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FastCGIRecordDecoder()))
        #expect(throws: FastCGIProtocolError.self) {
            try channel.writeInbound(channel.allocator.buffer(bytes: [9, 1, 0, 1, 0, 8, 0, 0]))
        }
    }

    @Test func aRequestGetsStdoutThenEndRequest() async throws {
        var c = try await FastCGITestConnection(handler: echoHandler)
        try await c.send(fcgiRequest(id: 1, params: fcgiParams("POST", "/api/test", [("CONTENT_LENGTH", "5")]), body: Array("hello".utf8)))
        let records = try await c.records(until: 1)
        let text = stdoutText(records, id: 1)
        #expect(text.hasPrefix("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"))
        #expect(text.contains(#""body":"hello""#))
        #expect(records.suffix(2).map(\.type) == [.stdout, .endRequest])
        #expect(records.suffix(2).first?.content.isEmpty == true)
        let closed = try await c.channel.closeFuture.map { true }.get()  // no keep-conn: closed after END_REQUEST
        #expect(closed)
    }

    @Test func aKeptConnectionServesSeveralRequestsInTurn() async throws {
        var c = try await FastCGITestConnection(handler: echoHandler)
        for id in UInt16(1)...3 {
            try await c.send(fcgiRequest(id: id, params: fcgiParams("GET", "/n/\(id)"), keep: true))
            let text = stdoutText(try await c.records(until: id), id: id)
            #expect(text.contains(#""path":"/n/\#(id)""#))
        }
        #expect(c.channel.isActive)
    }

    @Test func theSameRequestIdIsReusableAsSoonAsEndRequestArrives() async throws {
        // nginx sends every request on a kept connection with id 1
        var c = try await FastCGITestConnection(handler: echoHandler)
        for n in 1...20 {
            try await c.send(fcgiRequest(id: 1, params: fcgiParams("GET", "/n/\(n)"), keep: true))
            #expect(stdoutText(try await c.records(until: 1), id: 1).contains(#""path":"/n/\#(n)""#))
        }
    }

    @Test func multiplexedRequestsFinishOutOfOrder() async throws {
        // /slow is held until /fast has ended: request 1 cannot finish first, however the tasks are scheduled
        let gate = AsyncGate()
        var c = try await FastCGITestConnection(handler: { request in
            if request.path == "/slow" { await gate.wait() }
            return .text(request.path)
        })
        try await c.send(fcgiRequest(id: 1, params: fcgiParams("GET", "/slow"), keep: true) + fcgiRequest(id: 2, params: fcgiParams("GET", "/fast"), keep: true))
        let first = try await c.records(until: 2)
        #expect(stdoutText(first, id: 2).hasSuffix("/fast"))
        #expect(!first.contains { $0.type == .endRequest && $0.requestId == 1 })
        await gate.open()
        let second = try await c.records(until: 1)
        #expect(stdoutText(first + second, id: 1).hasSuffix("/slow"))
    }

    @Test func eachStreamWriteIsFlushedAsItsOwnRecords() async throws {
        let gate = AsyncGate()
        var c = try await FastCGITestConnection(handler: { _ in
            .eventStream { sse in
                try await sse.send(ServerSentEvent(id: "1", data: "first"))
                await gate.wait()
                try await sse.send(ServerSentEvent(id: "2", data: "second"))
            }
        })
        try await c.send(fcgiRequest(id: 1, params: fcgiParams(), keep: true))
        // the first event arrives while the handler is still blocked on the gate
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains("data: first") && Date() < deadline {
            if let b = try await c.channel.readOutbound(as: ByteBuffer.self) {
                c.pending += Array(b.readableBytesView)
                let (r, rest) = try FastCGIRecordParser.parseAll(c.pending)
                c.pending = Array(c.pending.suffix(rest))
                seen += stdoutText(r, id: 1)
            } else { try await Task.sleep(nanoseconds: 2_000_000) }
        }
        #expect(seen.contains("data: first"))
        #expect(!seen.contains("second"))
        await gate.open()
        #expect(stdoutText(try await c.records(until: 1), id: 1).contains("data: second"))
    }

    @Test func abortStopsAStreamAndEndsTheRequest() async throws {
        let started = Flag(), stopped = Flag()
        var c = try await FastCGITestConnection(handler: { _ in
            .eventStream { sse in
                started.set()
                // set however the stream ends: the abort cancels its task, so the sleep may throw
                defer { stopped.set() }
                // a stream that runs until its client is gone, as the portal's does
                while !sse.isClosed { try await Task.sleep(nanoseconds: 5_000_000) }
            }
        })
        try await c.send(fcgiRequest(id: 5, params: fcgiParams(), keep: true))
        try await c.waitUntil("the stream started") { started.value }
        #expect(!stopped.value)
        try await c.send(FastCGIRecord(type: .abortRequest, requestId: 5).encoded())
        let records = try await c.records(until: 5)
        #expect(records.last?.type == .endRequest)
        // the stream itself ends (sees isClosed or is cancelled): it does not run on, unobserved
        try await c.waitUntil("the stream ended") { stopped.value }
        #expect(stopped.value)
    }

    @Test func hostileBytesCloseTheConnectionCleanly() async throws {
        let c = try await FastCGITestConnection(handler: echoHandler)
        try? await c.send([1, 1, 0, 1, 0, 8, 0, 0] + [0, 1, 0, 0, 0, 0, 0, 0] + [7, 7, 7, 7, 7, 7, 7, 7])
        try await c.channel.closeFuture.get()
        #expect(!c.channel.isActive)
    }

    @Test func getValuesIsAnsweredOnTheConnection() async throws {
        let c = try await FastCGITestConnection(handler: echoHandler)
        try await c.send(FastCGIRecord(type: .getValues, requestId: 0, content: FastCGINameValue.encode([("FCGI_MPXS_CONNS", "")])).encoded())
        let out = try await c.channel.waitForOutboundWrite(as: ByteBuffer.self)
        let records = try FastCGIRecordParser.parseAll(Array(out.readableBytesView)).records
        #expect(records.first?.type == .getValuesResult)
    }
}

/// Lets a test hold a handler at a point until it says go.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}

struct FastCGIIdleTests {
    @Test func anIdleConnectionWithNothingRunningIsClosed() async throws {
        let c = try await FastCGITestConnection(handler: echoHandler)
        try await c.send([1, 1, 0, 1])  // half a header, then silence
        c.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        try await c.channel.closeFuture.get()
        #expect(!c.channel.isActive)
    }

    @Test func anIdleReadDuringARunningStreamKeepsTheConnection() async throws {
        let gate = AsyncGate()
        let started = Flag()
        var c = try await FastCGITestConnection(handler: { _ in .eventStream { sse in started.set(); await gate.wait(); try await sse.send(.init(data: "late")) } })
        try await c.send(fcgiRequest(id: 1, params: fcgiParams(), keep: true))
        try await c.waitUntil("the stream started") { started.value }
        c.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(c.channel.isActive)
        await gate.open()
        #expect(stdoutText(try await c.records(until: 1), id: 1).contains("data: late"))
    }
}
