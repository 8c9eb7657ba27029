import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as a fake provider saw it.
public struct FakeHTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (path and query).
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public var path: String { String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }

    /// Query parameters, percent-decoded ("+" is a space).
    public var query: [String: String] {
        guard let q = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        return FakeHTTPRequest.parseForm(String(q))
    }

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, if it is one.
    public var jsonObject: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

    static func parseForm(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])) : ""
            out[key] = value
        }
        return out
    }
}

/// A response a fake provider sends.
public struct FakeHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from a JSON-serialisable value (dictionaries, arrays, strings, numbers, Bool, NSNull).
    public static func json(_ status: Int, _ object: Any, headers: [(name: String, value: String)] = []) -> FakeHTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return FakeHTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(data))
    }

    public static func text(_ status: Int, _ text: String) -> FakeHTTPResponse {
        FakeHTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (port 0 by default) that hands each complete request to a handler.
/// A handler returning nil never answers: the connection stays open (for client timeout tests).
public final class FakeHTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (FakeHTTPRequest) async -> FakeHTTPResponse?

    public let port: Int
    private let channel: Channel
    private let lock = NSLock()
    private var requestLog: [FakeHTTPRequest] = []

    public init(host: String = "127.0.0.1", port: Int = 0, handler: @escaping Handler) throws {
        let box = LogBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(FakeHTTPHandler(handler: handler, record: { box.server?.record($0) }))
                }
            }
        channel = try bootstrap.bind(host: host, port: port).wait()
        self.port = channel.localAddress?.port ?? 0
        box.server = self
    }

    /// Every request received so far, in arrival order.
    public var requests: [FakeHTTPRequest] { lock.withLock { requestLog } }

    fileprivate func record(_ request: FakeHTTPRequest) { lock.withLock { requestLog.append(request) } }

    /// Stops listening.
    public func shutdown() {
        try? channel.close().wait()
    }

    deinit { channel.close(promise: nil) }
}

private final class LogBox: @unchecked Sendable {
    weak var server: FakeHTTPServer?
}

private final class FakeHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: FakeHTTPServer.Handler
    let record: @Sendable (FakeHTTPRequest) -> Void
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handler: @escaping FakeHTTPServer.Handler, record: @escaping @Sendable (FakeHTTPRequest) -> Void) {
        self.handler = handler
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let request = FakeHTTPRequest(method: head.method.rawValue, uri: head.uri,
                                          headers: head.headers.map { ($0.name, $0.value) }, body: body)
            record(request)
            let keepAlive = head.isKeepAlive
            let version = head.version
            let handler = self.handler
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            Task(executorPreference: FakeExecutor.shared) {
                guard let response = await handler(request) else { return }
                eventLoop.execute {
                    let context = loopBoundContext.value
                    var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                    headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
                    if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                    let responseHead = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
                    context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                    var buffer = context.channel.allocator.buffer(capacity: response.body.count)
                    buffer.writeBytes(response.body)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                        if !keepAlive { context.close(promise: nil) }
                    }
                }
            }
        }
    }
}
