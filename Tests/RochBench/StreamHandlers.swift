import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import RochHTTP

/// What every stream connection reports to the bench.
final class StreamEvents: Sendable {
    let index: Int
    let log: ArrivalLog
    /// Succeeds when `retry:` arrives (the server has subscribed the stream and sent its replay).
    private let established: EventLoopPromise<Void>
    private let settled = NIOLockedValueBox(false)

    init(index: Int, log: ArrivalLog, established: EventLoopPromise<Void>) {
        self.index = index
        self.log = log
        self.established = established
    }

    var futureResult: EventLoopFuture<Void> { established.futureResult }

    func report(_ line: SSEStreamReader.Line, at time: UInt64) {
        switch line {
        case .retry: settle(nil)
        case .id(let id): log.arrived(stream: index, event: id, at: time)
        }
    }

    /// The stream is established (nil) or could not be (the error); only the first call counts.
    func settle(_ error: Error?) {
        let first = settled.withLockedValue { settled in
            defer { settled = true }
            return !settled
        }
        guard first else { return }
        if let error { established.fail(error) } else { established.succeed() }
    }
}

/// A stream connection's handler: a connection that closes or fails before `retry:` fails the stream.
protocol StreamEventsHandler: ChannelInboundHandler {
    var events: StreamEvents { get }
}

extension StreamEventsHandler {
    func channelInactive(context: ChannelHandlerContext) {
        events.settle(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        events.settle(error)
        context.close(promise: nil)
    }
}

/// One SSE stream over its own FastCGI connection, as nginx opens it: sends the request, then reads
/// STDOUT records (a record, or an event, may be split across reads) until END_REQUEST.
final class FastCGIStreamHandler: StreamEventsHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: [UInt8]
    let events: StreamEvents
    private var reader = SSEStreamReader()
    private var partial: ByteBuffer?

    init(request: [UInt8], events: StreamEvents) {
        self.request = request
        self.events = events
    }

    /// BEGIN_REQUEST (keep the connection), PARAMS, empty PARAMS, empty STDIN, with request id 1.
    static func request(params: [(String, String)]) -> [UInt8] {
        FastCGIRecord.beginRequest(requestId: 1, keepConnection: true).encoded()
            + FastCGIRecord.stream(.params, requestId: 1, FastCGINameValue.encode(params))
            + FastCGIRecord.streamEnd(.params, requestId: 1)
            + FastCGIRecord.streamEnd(.stdin, requestId: 1)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now().uptimeNanoseconds
        var buffer = unwrapInboundIn(data)
        if var earlier = partial {
            earlier.writeBuffer(&buffer)
            buffer = earlier
            partial = nil
        }
        while buffer.readableBytes >= 8 {
            let start = buffer.readerIndex
            let type = buffer.getInteger(at: start + 1, as: UInt8.self)!
            let length = Int(buffer.getInteger(at: start + 4, as: UInt16.self)!)
            let padding = Int(buffer.getInteger(at: start + 6, as: UInt8.self)!)
            guard buffer.readableBytes >= 8 + length + padding else { break }
            switch FastCGIRecord.RecordType(rawValue: type) {
            case .stdout:
                buffer.withUnsafeReadableBytes { bytes in
                    reader.feed(UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + length)])) { events.report($0, at: now) }
                }
            case .endRequest:
                context.close(promise: nil)
                return
            default:
                break
            }
            buffer.moveReaderIndex(forwardBy: 8 + length + padding)
        }
        if buffer.readableBytes > 0 { partial = buffer }
    }
}

/// One SSE stream over HTTP/1.1 (`roch serve`): NIOHTTP1 undoes the chunked encoding.
final class HTTPStreamHandler: StreamEventsHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: HTTPRequestHead
    let events: StreamEvents
    private var reader = SSEStreamReader()

    init(head: HTTPRequestHead, events: StreamEvents) {
        self.head = head
        self.events = events
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            if response.status != .ok { context.close(promise: nil) }
        case .body(let buffer):
            let now = NIODeadline.now().uptimeNanoseconds
            buffer.withUnsafeReadableBytes { bytes in
                reader.feed(bytes) { events.report($0, at: now) }
            }
        case .end:
            context.close(promise: nil)
        }
    }
}
