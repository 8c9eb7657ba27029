import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Where the streams go and how each one asks for the portal's event stream.
enum StreamTarget {
    /// A FastCGI responder's Unix socket: one connection per stream, as nginx opens them.
    case fastCGI(socketPath: String)
    /// An HTTP server (`roch serve`): one connection per stream, as browsers open them.
    case http(host: String, port: Int)
}

/// Opens N streams, a bounded number at a time, each retried with back-off; a stream counts as
/// open once its `retry:` line has arrived.
final class StreamOpener: @unchecked Sendable {
    let target: StreamTarget
    let group: EventLoopGroup
    let log: ArrivalLog
    let cookie: String
    let lastEventID: Int64
    private let lock = NIOLock()
    private var channels: [Channel] = []
    private var failures: [Error] = []

    static let attempts = 50
    static let establishTimeout = TimeAmount.seconds(60)

    struct StreamFailed: Error, CustomStringConvertible {
        let index: Int
        let last: Error
        var description: String { "stream \(index) could not be opened after \(StreamOpener.attempts) attempts: \(last)" }
    }

    struct NotEstablished: Error, CustomStringConvertible {
        var description: String { "no retry: line within \(StreamOpener.establishTimeout.nanoseconds / 1_000_000_000) s" }
    }

    init(target: StreamTarget, group: EventLoopGroup, log: ArrivalLog, cookie: String, lastEventID: Int64) {
        self.target = target
        self.group = group
        self.log = log
        self.cookie = cookie
        self.lastEventID = lastEventID
    }

    /// Opens `count` streams with at most `concurrency` being set up at once; throws if one never opens.
    func open(count: Int, concurrency: Int) throws -> [Channel] {
        let gate = DispatchSemaphore(value: max(1, concurrency))
        let all = DispatchGroup()
        for index in 0..<count {
            gate.wait()
            all.enter()
            open(index, attempt: 1, loop: group.next()) { _ in
                gate.signal()
                all.leave()
            }
        }
        all.wait()
        return try lock.withLock {
            if let first = failures.first { throw first }
            return channels
        }
    }

    private func open(_ index: Int, attempt: Int, loop: EventLoop, done: @escaping @Sendable (Bool) -> Void) {
        let events = StreamEvents(index: index, log: log, established: loop.makePromise())
        let established = events.futureResult
        let connected = connect(loop: loop, events: events)
        connected.whenFailure { events.settle($0) }
        connected.whenSuccess { channel in
            let timeout = loop.scheduleTask(in: Self.establishTimeout) {
                events.settle(NotEstablished())
                channel.close(promise: nil)
            }
            established.whenComplete { _ in timeout.cancel() }
        }
        established.and(connected).whenComplete { result in
            switch result {
            case .success(let (_, channel)):
                self.lock.withLock { self.channels.append(channel) }
                done(true)
            case .failure(let error):
                connected.whenSuccess { $0.close(promise: nil) }
                if attempt < Self.attempts {
                    loop.scheduleTask(in: .milliseconds(50 * Int64(attempt))) { self.open(index, attempt: attempt + 1, loop: loop, done: done) }
                } else {
                    self.lock.withLock { self.failures.append(StreamFailed(index: index, last: error)) }
                    done(false)
                }
            }
        }
    }

    private func connect(loop: EventLoop, events: StreamEvents) -> EventLoopFuture<Channel> {
        switch target {
        case .fastCGI(let path):
            let request = FastCGIStreamHandler.request(params: [
                ("GATEWAY_INTERFACE", "CGI/1.1"), ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", "/api/portal-events"), ("PATH_INFO", ""),
                ("REQUEST_URI", "/api/portal-events?last_event_id=\(lastEventID)"), ("QUERY_STRING", "last_event_id=\(lastEventID)"),
                ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"), ("HTTP_ACCEPT", "text/event-stream"),
                ("HTTP_COOKIE", "roch_portal=\(cookie)"),
            ])
            return ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(FastCGIStreamHandler(request: request, events: events))
                    }
                }
                .connect(unixDomainSocketPath: path)
        case .http(let host, let port):
            var request = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/portal-events?last_event_id=\(lastEventID)")
            request.headers.add(name: "Host", value: host)
            request.headers.add(name: "Accept", value: "text/event-stream")
            request.headers.add(name: "Cookie", value: "roch_portal=\(cookie)")
            let head = request
            return ClientBootstrap(group: loop)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPStreamHandler(head: head, events: events))
                    }
                }
                .connect(host: host, port: port)
        }
    }
}
