import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import RochHTTP

/// A client that reads nothing: keeps every write (and its promise) until the test lets them go.
final class WriteHold: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let lock = NSLock()
    private var held: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var heldBytes = 0
    private var mostHeld = 0
    private var passing = false
    private var context: ChannelHandlerContext?

    /// Bytes written and not let out yet; the most there ever were.
    var bytes: Int { lock.withLock { heldBytes } }
    var maxBytes: Int { lock.withLock { mostHeld } }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        let pass: Bool = lock.withLock {
            if passing { return true }
            held.append((buffer, promise))
            heldBytes += buffer.readableBytes
            mostHeld = max(mostHeld, heldBytes)
            return false
        }
        if pass { context.write(data, promise: promise) }
    }

    func flush(context: ChannelHandlerContext) {
        if lock.withLock({ passing }) { context.flush() }
    }

    /// Closing the connection fails what it still held, as a socket's pending writes fail.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        let out: [(ByteBuffer, EventLoopPromise<Void>?)] = lock.withLock {
            heldBytes = 0
            defer { held = [] }
            return held
        }
        out.forEach { $0.1?.fail(ChannelError.ioOnClosedChannel) }
        context.close(mode: mode, promise: promise)
    }

    /// Lets everything held so far out (the client read it); `andAfter` lets later writes pass too.
    func release(on channel: Channel, andAfter: Bool = false) async throws {
        try await channel.eventLoop.submit { [self] in
            let out: [(ByteBuffer, EventLoopPromise<Void>?)] = lock.withLock {
                if andAfter { passing = true }
                heldBytes = 0
                defer { held = [] }
                return held
            }
            guard let context else { return }
            for (buffer, promise) in out { context.write(NIOAny(buffer), promise: promise) }
            context.flush()
        }.get()
    }
}

struct StreamBackPressureTests {
    static let limit = BoundedChannelWriter.defaultLimit
    static let eventSize = 1000

    static func event(_ i: Int) -> ServerSentEvent { ServerSentEvent(id: "\(i)", data: String(repeating: "x", count: eventSize)) }

    @Test(.timeLimit(.minutes(1)))
    func aClientThatReadsNothingHoldsAtMostTheLimitAndGetsEverythingInOrderOnceItReads() async throws {
        let count = 4 * Self.limit / Self.eventSize
        let done = Flag()
        let hold = WriteHold()
        var c = try await FastCGITestConnection(handler: { _ in
            .eventStream { sse in
                for i in 1...count { try await sse.send(Self.event(i)) }
                done.set()
            }
        }, hold: hold)
        try await c.send(fcgiRequest(id: 1, params: fcgiParams(), keep: true))
        // The client reads only when the stream has stopped at its limit (or finished).
        while !done.value {
            if hold.bytes > Self.limit { try await hold.release(on: c.channel) } else { try await Task.sleep(nanoseconds: 1_000_000) }
        }
        try await hold.release(on: c.channel, andAfter: true)
        let records = try await c.records(until: 1)
        let ids = stdoutText(records, id: 1).split(whereSeparator: \.isNewline).filter { $0.hasPrefix("id: ") }.map { Int($0.dropFirst(4))! }
        #expect(ids == Array(1...count))
        #expect(hold.maxBytes <= Self.limit + Self.eventSize + 64)
        #expect(hold.maxBytes > Self.limit)  // it did run into the limit
    }

    @Test(.timeLimit(.minutes(1)))
    func aStreamWaitingForASlowClientEndsWhenTheRequestIsAborted() async throws {
        let ended = Flag()
        let hold = WriteHold()
        var c = try await FastCGITestConnection(handler: { _ in
            .eventStream { sse in
                defer { ended.set() }
                var i = 0
                while true { i += 1; try await sse.send(Self.event(i)) }
            }
        }, hold: hold)
        try await c.send(fcgiRequest(id: 3, params: fcgiParams(), keep: true))
        while hold.bytes <= Self.limit { try await Task.sleep(nanoseconds: 1_000_000) }
        try await c.send(FastCGIRecord(type: .abortRequest, requestId: 3).encoded())
        try await hold.release(on: c.channel, andAfter: true)
        let records = try await c.records(until: 3)
        #expect(records.last?.type == .endRequest)
        #expect(ended.value)
        #expect(hold.maxBytes <= Self.limit + Self.eventSize + 64)
    }

    @Test(.timeLimit(.minutes(1)))
    func aWriterWaitingOnAClosedChannelThrows() async throws {
        let channel = NIOAsyncTestingChannel()
        let hold = WriteHold()
        try await channel.pipeline.addHandler(hold)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000))
        let writer = BoundedChannelWriter(channel: channel, limit: 100)
        let waiting = Task {
            try await writer.write(channel.allocator.buffer(repeating: 1, count: 60), size: 60)
            try await writer.write(channel.allocator.buffer(repeating: 2, count: 60), size: 60)  // over the limit: waits
        }
        while hold.bytes < 120 { try await Task.sleep(nanoseconds: 1_000_000) }
        try await channel.close()  // the held writes fail with the channel
        await #expect(throws: (any Error).self) { try await waiting.value }
        #expect(writer.hasFailed)
        #expect(writer.bytesInFlight == 0)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 65535, 65536, 140_000])
    func framingIntoABufferGivesTheSameRecordsAsTheCodec(size: Int) {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var buffer = ByteBufferAllocator().buffer(capacity: FastCGIRecord.framedSize(size))
        buffer.writeFastCGIStream(.stdout, requestId: 258, bytes)
        // The same bytes as one record per 65535-byte slice, each encoded on its own.
        let records = stride(from: 0, to: size, by: FastCGIRecord.maxContentLength).flatMap { start in
            FastCGIRecord(type: .stdout, requestId: 258, content: Array(bytes[start..<min(start + FastCGIRecord.maxContentLength, size)])).encoded()
        }
        #expect(Array(buffer.readableBytesView) == records)
        #expect(FastCGIRecord.stream(.stdout, requestId: 258, bytes) == records)
        #expect(buffer.readableBytes <= FastCGIRecord.framedSize(size))
    }
}
