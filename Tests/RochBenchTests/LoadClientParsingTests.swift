import NIOCore
import NIOEmbedded
import NIOHTTP1
import RochHTTP
import Testing
@testable import roch_sse_load

/// The bench's load client must count what the server sent, however the bytes are cut.
struct LoadClientParsingTests {
    /// What a portal-events responder writes for one stream: head, retry, two events, END_REQUEST.
    static let response: [UInt8] = {
        let head = Array("Status: 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\r\n".utf8)
        let retry = Array("retry: 2000\n\n".utf8)
        let first = Array("id: 41\ndata: {\"title\":\"Venue booked\",\"body\":\"\(String(repeating: "x", count: 300))\"}\n\n".utf8)
        let second = Array(": heartbeat\n\nid: 42\r\ndata: {}\n\n".utf8)
        // the second event straddles two STDOUT records, as a responder may frame it
        return FastCGIRecord.stream(.stdout, requestId: 1, head + retry)
            + FastCGIRecord.stream(.stdout, requestId: 1, first + second.prefix(17))
            + FastCGIRecord.stream(.stdout, requestId: 1, Array(second.dropFirst(17)))
            + FastCGIRecord.streamEnd(.stdout, requestId: 1)
            + FastCGIRecord.endRequest(requestId: 1).encoded()
    }()

    func run(cutInto size: Int) throws -> (established: Bool, arrivals: [Int64: [UInt64?]]) {
        let log = ArrivalLog(streams: 1)
        let channel = EmbeddedChannel()
        let events = StreamEvents(index: 0, log: log, established: channel.eventLoop.makePromise())
        var established = false
        events.futureResult.assumeIsolated().whenSuccess { established = true }
        try channel.pipeline.syncOperations.addHandler(FastCGIStreamHandler(request: [], events: events))
        var offset = 0
        while offset < Self.response.count {
            let end = min(offset + size, Self.response.count)
            try channel.writeInbound(channel.allocator.buffer(bytes: Self.response[offset..<end]))
            offset = end
        }
        events.settle(ChannelError.eof)  // settles nothing once established; keeps the promise from leaking otherwise
        return (established, [41: log.wait(for: 41, timeout: 0), 42: log.wait(for: 42, timeout: 0)])
    }

    @Test(arguments: [1, 3, 8, 13, 64, 4096])
    func recordsAndEventsSplitAcrossReadsAreCountedOnce(readSize: Int) throws {
        let (established, arrivals) = try run(cutInto: readSize)
        #expect(established)
        #expect(arrivals[41]?.compactMap { $0 }.count == 1)
        #expect(arrivals[42]?.compactMap { $0 }.count == 1)
    }

    @Test func aConnectionThatClosesBeforeRetryFailsItsStream() throws {
        for handler in ["fastcgi", "http"] {
            let channel = EmbeddedChannel()
            let events = StreamEvents(index: 0, log: ArrivalLog(streams: 1), established: channel.eventLoop.makePromise())
            var failure: Error?
            events.futureResult.assumeIsolated().whenFailure { failure = $0 }
            if handler == "fastcgi" {
                try channel.pipeline.syncOperations.addHandler(FastCGIStreamHandler(request: [], events: events))
            } else {
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/portal-events")
                try channel.pipeline.syncOperations.addHandler(HTTPStreamHandler(head: head, events: events))
            }
            channel.pipeline.fireChannelInactive()
            #expect(failure is ChannelError, "\(handler)")
        }
    }

    @Test func onlyRetryAndNumericIdLinesCount() {
        #expect(SSEStreamReader.classify(Array("retry: 1500".utf8)) == .retry)
        #expect(SSEStreamReader.classify(Array("id: 7".utf8)) == .id(7))
        #expect(SSEStreamReader.classify(Array("id: 7\r".utf8)) == .id(7))
        #expect(SSEStreamReader.classify(Array("id: x".utf8)) == nil)
        #expect(SSEStreamReader.classify(Array("data: id: 7".utf8)) == nil)
        #expect(SSEStreamReader.classify(Array(": heartbeat".utf8)) == nil)
    }
}
