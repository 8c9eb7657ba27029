import Foundation
import NIOCore

/// Frames bytes into FastCGI records; a protocol error closes the connection.
public final class FastCGIRecordDecoder: ByteToMessageDecoder {
    public typealias InboundOut = FastCGIRecord
    public init() {}

    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let (record, used) = try FastCGIRecordParser.parse(buffer.readableBytesView) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: used)
        context.fireChannelRead(wrapInboundOut(record))
        return .continue
    }

    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)  // a truncated record at EOF is dropped
        return .needMoreData
    }
}

/// Counts requests in flight across connections, for graceful shutdown.
public final class InFlightCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    public init() {}
    public var value: Int { lock.withLock { count } }
    func begin() { lock.withLock { count += 1 } }
    func end() { lock.withLock { count -= 1 } }
}

/// Runs FastCGI requests through the function: each request is a Task; a streamed body runs on the
/// connection's event loop and its writes go straight to the channel.
public final class FastCGIChannelHandler: ChannelInboundHandler {
    public typealias InboundIn = FastCGIRecord
    public typealias OutboundOut = ByteBuffer

    private let handler: Handler
    private let counter: InFlightCounter
    private var state: FastCGIConnection
    private var running: [UInt16: (task: Task<Void, Never>, writer: FastCGIStreamWriter)] = [:]
    private var channel: Channel?

    public init(handler: @escaping Handler, limits: FastCGIConnection.Limits = .init(), counter: InFlightCounter = InFlightCounter()) {
        self.handler = handler
        self.counter = counter
        self.state = FastCGIConnection(limits: limits)
    }

    public func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for action in state.receive(unwrapInboundIn(data)) {
            switch action {
            case .send(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .close:
                context.close(promise: nil)
                return
            case .abort(let id):
                running[id]?.writer.markClosed()
                running[id]?.task.cancel()
            case .handle(let id, let request):
                start(id, request, context: context)
            }
        }
    }

    private func start(_ id: UInt16, _ request: Request, context: ChannelHandlerContext) {
        let channel = context.channel
        let writer = FastCGIStreamWriter(channel: channel, requestId: id)
        let handler = self.handler
        let counter = self.counter
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        counter.begin()
        let task = Task {
            defer { counter.end() }
            var response = await ErrorResponder.respond(handler, to: request)
            var head = FastCGIResponseEncoder.head(&response, path: request.path)
            switch response.body {
            case .bytes(let b):
                if request.method != "HEAD" { head += b }
                try? await writer.writeRaw(FastCGIRecord.stream(.stdout, requestId: id, head))
            case .stream(let body):
                // The head too is written from the loop, so nothing the body writes can overtake it.
                await onEventLoop(channel.eventLoop) {
                    guard (try? await writer.writeRaw(FastCGIRecord.stream(.stdout, requestId: id, head))) != nil else { return }
                    do { try await body(writer) } catch {
                        if !writer.isClosed { log("\(request.method) \(request.path): stream ended with \(String(reflecting: error))") }
                    }
                }
            }
            // The request id is released before END_REQUEST goes out: a web server reuses the id
            // (nginx always sends 1) as soon as it has read END_REQUEST.
            let done = channel.eventLoop.makePromise(of: Void.self)
            let appStatus: UInt32 = writer.isClosed ? 1 : 0
            channel.eventLoop.execute { bound.value.finish(id, appStatus: appStatus, done: done) }
            try? await done.futureResult.get()
        }
        running[id] = (task, writer)
    }

    private func finish(_ id: UInt16, appStatus: UInt32, done: EventLoopPromise<Void>) {
        running[id] = nil
        let close = state.finished(requestId: id)
        guard let channel else { done.succeed(); return }
        let write = channel.writeAndFlush(channel.allocator.buffer(bytes: FastCGIResponseEncoder.end(requestId: id, appStatus: appStatus)))
        write.whenComplete { _ in
            if close { channel.close(promise: nil) }
            done.succeed()
        }
    }

    /// A connection that sent nothing for the idle period while no request runs is dropped
    /// (a stalled or half-sent request must not hold a connection for ever).
    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, running.isEmpty {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        for (_, r) in running { r.writer.markClosed(); r.task.cancel() }
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !(error is FastCGIProtocolError) { log("FastCGI connection: \(error)") }
        context.close(promise: nil)
    }
}
