import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `roch serve`: the built site plus the functions, on one port, for development and e2e tests.
public enum DevServer {
    /// How `/api/<name>` and `/admin` reach a function.
    public enum Functions: Sendable {
        /// Spawn `<directory>/<name>` as CGI for every request (what production CGI does).
        case cgi(directory: String)
        /// Call the handlers in this process; the closure returns the handler for an executable name.
        case inProcess(@Sendable (String) async throws -> Handler?)
    }

    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var publicDirectory = "public"
        public var functions: Functions = .cgi(directory: ".build/debug")
        public var liveReload = false
        public var bodyLimit = BodyLimit.defaultBytes
        /// Pages only the dev server has, by exact path (`/dev/inbox`): never part of a deployed function.
        public var devPages: [String: Handler] = [:]
        public init() {}
    }

    public static let reloadPath = "/__roch/reload"
    static let reloadScript = #"<script>new EventSource("/__roch/reload").addEventListener("reload",function(){location.reload()})</script>"#

    /// Which function a path belongs to: `/api/<name>[/rest]` -> name, `/admin[/rest]` -> admin.
    public static func route(_ path: String) -> (name: String, scriptName: String, pathInfo: String)? {
        if path == "/admin" || path.hasPrefix("/admin/") {
            return ("admin", "/admin", String(path.dropFirst(6)))
        }
        guard path.hasPrefix("/api/") else { return nil }
        let rest = path.dropFirst(5)
        let name = rest.prefix { $0 != "/" }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        return (String(name), "/api/\(name)", String(rest.dropFirst(name.count)))
    }

    /// Answers one request: live reload stream, a function, or a static file.
    public static func respond(to request: Request, configuration: Configuration) async -> Response {
        var request = request
        if configuration.liveReload && request.path == reloadPath {
            return LiveReload.stream(watching: configuration.publicDirectory)
        }
        if let page = configuration.devPages[request.path] {
            return await ErrorResponder.respond(page, to: request)
        }
        if let route = route(request.path) {
            request.pathInfo = route.pathInfo
            switch configuration.functions {
            case .cgi(let directory):
                return await CGIProcess(directory: directory, serverName: configuration.host, serverPort: configuration.port)
                    .run(function: route.name, scriptName: route.scriptName, request: request)
            case .inProcess(let lookup):
                do {
                    guard let handler = try await lookup(route.name) else { throw HTTPError.notFound("No function named \(route.name).") }
                    return await ErrorResponder.respond(handler, to: request)
                } catch {
                    return ErrorResponder.response(for: error, request: request)
                }
            }
        }
        let files = StaticFiles(root: configuration.publicDirectory, injectBeforeBodyEnd: configuration.liveReload ? reloadScript : nil)
        return files.response(for: request)
    }

    /// A running dev server.
    public final class Running: @unchecked Sendable {
        public let channel: Channel
        let group: MultiThreadedEventLoopGroup
        init(channel: Channel, group: MultiThreadedEventLoopGroup) { self.channel = channel; self.group = group }
        public var port: Int? { channel.localAddress?.port }
        public func shutdown() async {
            try? await channel.close()
            try? await group.shutdownGracefully()
        }
    }

    public static func start(_ configuration: Configuration) async throws -> Running {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // On the channel's event loop: the handler is built and added there, never shared.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(DevHTTPHandler(configuration: configuration))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            return Running(channel: channel, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}

/// Collects one HTTP request, answers it from a Task, streams the body with chunked encoding.
final class DevHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let configuration: DevServer.Configuration
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(configuration: DevServer.Configuration) { self.configuration = configuration }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            tooLarge = false
        case .body(var buffer):
            if body.count + buffer.readableBytes > configuration.bodyLimit { tooLarge = true; body = [] }
            if !tooLarge { body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = makeRequest(head, remote: context.remoteAddress)
            let keepAlive = head.isKeepAlive
            let tooLarge = self.tooLarge
            let configuration = self.configuration
            let channel = context.channel
            Task {
                let response = tooLarge
                    ? ErrorResponder.response(for: HTTPError.payloadTooLarge(limit: configuration.bodyLimit), request: request)
                    : await DevServer.respond(to: request, configuration: configuration)
                await DevHTTPHandler.write(response, for: request, version: head.version, keepAlive: keepAlive && !tooLarge, on: channel)
            }
        }
    }

    private func makeRequest(_ head: HTTPRequestHead, remote: SocketAddress?) -> Request {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers = Headers()
        for (n, v) in head.headers { headers.add(n, v) }
        return Request(method: head.method.rawValue, path: String(parts.first ?? "/"), queryString: parts.count > 1 ? String(parts[1]) : "",
                       headers: headers, remoteAddress: remote?.ipAddress ?? "", body: body, isSecure: false)
    }

    static func write(_ response: Response, for request: Request, version: HTTPVersion, keepAlive: Bool, on channel: Channel) async {
        var response = response
        if (try? ResponseHead.validate(response.headers)) == nil {
            log("\(request.method) \(request.path): invalid response header; answering 500")
            response = ResponseHead.internalError()
        }
        var headers = HTTPHeaders()
        for (n, v) in response.headers { headers.add(name: ResponseHead.canonical(n), value: v) }
        if case .bytes(let b) = response.body, headers["content-length"].isEmpty, response.status != 304, response.status >= 200 {
            headers.add(name: "Content-Length", value: String(b.count))
        }
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.head(head)).get()
            switch response.body {
            case .bytes(let b):
                if !b.isEmpty && request.method != "HEAD" {
                    channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: b))), promise: nil)
                }
            case .stream(let body):
                let writer = ChannelStreamWriter(channel: channel)
                await onEventLoop(channel.eventLoop) {
                    do { try await body(writer) } catch {
                        if !writer.isClosed { log("\(request.method) \(request.path): stream ended with \(String(reflecting: error))") }
                    }
                }
            }
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            if !keepAlive { try? await channel.close() }
        } catch {
            try? await channel.close()
        }
    }
}

/// A dev-server stream: each write is one HTTP chunk, flushed at once; a write waits only while the
/// client is behind (BoundedChannelWriter).
final class ChannelStreamWriter: StreamWriter, @unchecked Sendable {
    let channel: Channel
    private let output: BoundedChannelWriter
    init(channel: Channel) {
        self.channel = channel
        output = BoundedChannelWriter(channel: channel)
    }
    var isClosed: Bool { output.hasFailed || !channel.isActive }
    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        guard !isClosed else { throw CancellationError() }
        // the chunk header and trailing CRLF NIOHTTP1 adds: about 8 bytes
        try await output.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), size: bytes.count + 8)
    }
}

/// `/__roch/reload`: an event when anything under public/ changes (mtime poll every 300 ms; the
/// directory walk runs off the event loop the stream lives on).
enum LiveReload {
    static func stream(watching directory: String) -> Response {
        Response.eventStream { sse in
            // The first bytes go out once the baseline is taken: a change made after a client has
            // them is one this stream reports.
            var last = await Task.detached { snapshot(directory) }.value
            try await sse.retry(milliseconds: 1000)
            var ticks = 0
            while !sse.isClosed {
                try await Task.sleep(nanoseconds: 300_000_000)
                let now = await Task.detached { snapshot(directory) }.value
                if now != last {
                    last = now
                    try await sse.send(ServerSentEvent(event: "reload", data: "changed"))
                }
                ticks += 1
                if ticks % 50 == 0 { try await sse.heartbeat() }
            }
        }
    }

    /// Path -> modification time of every file, so adds, removals and edits all count.
    static func snapshot(_ directory: String) -> [String: Double] {
        var out: [String: Double] = [:]
        guard let e = FileManager.default.enumerator(atPath: directory) else { return out }
        while let rel = e.nextObject() as? String {
            var st = stat()
            if stat(directory + "/" + rel, &st) == 0 {
                out[rel] = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            }
        }
        return out
    }
}
