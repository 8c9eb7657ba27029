import Foundation
import NIOCore
import NIOPosix

/// A persistent FastCGI responder: one process, many connections, the handler built once.
public enum FastCGIServer {
    /// Where to listen: `unix:/run/roch/health.sock`, `127.0.0.1:9000`, or a socket inherited on a descriptor.
    public enum Address: Equatable, Sendable, CustomStringConvertible {
        case unix(path: String)
        case tcp(host: String, port: Int)
        case inherited(descriptor: Int32)

        public init(parsing text: String) throws {
            if text.hasPrefix("unix:") {
                let path = String(text.dropFirst(5))
                guard !path.isEmpty else { throw ParseError(text) }
                self = .unix(path: path)
                return
            }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
                throw ParseError(text)
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self = .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
        }

        public var description: String {
            switch self {
            case .unix(let p): "unix:\(p)"
            case .tcp(let h, let p): "\(h):\(p)"
            case .inherited(let fd): "inherited socket on fd \(fd)"
            }
        }

        public struct ParseError: Error, CustomStringConvertible {
            let text: String
            init(_ text: String) { self.text = text }
            public var description: String { "'\(text)' is not a listen address: use unix:/path/to.sock or host:port" }
        }
    }

    /// True when `fd` is a listening socket (spawn-fcgi / systemd pass one as FCGI_LISTENSOCK_FILENO = 0).
    public static func isListeningSocket(_ fd: Int32 = 0) -> Bool {
        var accepting: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting != 0
    }

    /// A running server; `shutdown` stops accepting, waits for requests in flight (bounded), then closes.
    public final class Running: @unchecked Sendable {
        public let group: MultiThreadedEventLoopGroup
        public let serverChannel: Channel
        public let counter: InFlightCounter
        let connections: ConnectionSet

        init(group: MultiThreadedEventLoopGroup, serverChannel: Channel, counter: InFlightCounter, connections: ConnectionSet) {
            self.group = group; self.serverChannel = serverChannel; self.counter = counter; self.connections = connections
        }

        /// The port a TCP server got (useful with port 0).
        public var port: Int? { serverChannel.localAddress?.port }

        public func shutdown(grace: TimeAmount = .seconds(10)) async {
            try? await serverChannel.close()
            let deadline = NIODeadline.now() + grace
            while counter.value > 0 && NIODeadline.now() < deadline {
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            if counter.value > 0 { log("shutdown: \(counter.value) request(s) still running after the grace period; closing") }
            for c in connections.all { try? await c.close() }
            try? await group.shutdownGracefully()
        }
    }

    final class ConnectionSet: @unchecked Sendable {
        private let lock = NSLock()
        private var channels: [ObjectIdentifier: Channel] = [:]
        func add(_ c: Channel) {
            lock.withLock { channels[ObjectIdentifier(c)] = c }
            c.closeFuture.whenComplete { _ in self.lock.withLock { self.channels[ObjectIdentifier(c)] = nil } }
        }
        var all: [Channel] { lock.withLock { Array(channels.values) } }
    }

    /// Binds and starts serving; returns at once.
    public static func start(_ address: Address, handler: @escaping Handler, limits: FastCGIConnection.Limits = .init(),
                             threads: Int = System.coreCount) async throws -> Running {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let counter = InFlightCounter()
        let connections = ConnectionSet()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // Longer than nginx's keepalive_timeout (60 s), so nginx closes idle kept connections first.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FastCGIRecordDecoder()))
                    try channel.pipeline.syncOperations.addHandler(FastCGIChannelHandler(handler: handler, limits: limits, counter: counter))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        let channel: Channel
        do {
            switch address {
            case .unix(let path):
                channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
                chmod(path, 0o660)
            case .tcp(let host, let port):
                channel = try await bootstrap.bind(host: host, port: port).get()
            case .inherited(let fd):
                channel = try await bootstrap.withBoundSocket(fd).get()
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        return Running(group: group, serverChannel: channel, counter: counter, connections: connections)
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully.
    public static func run(_ address: Address, handler: @escaping Handler, limits: FastCGIConnection.Limits = .init()) async throws {
        signal(SIGPIPE, SIG_IGN)
        let server = try await start(address, handler: handler, limits: limits)
        // The bound address: with port 0 the OS chose the port, and whoever started us reads it here.
        var bound = address
        if case .tcp(let host, _) = address, let port = server.port { bound = .tcp(host: host, port: port) }
        log("FastCGI responder listening on \(bound)")
        await waitForTerminationSignal()
        log("stopping: finishing requests in flight")
        await server.shutdown()
    }

    /// Suspends until SIGTERM or SIGINT arrives.
    public static func waitForTerminationSignal() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGTERM, SIGINT].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            return source
        }
        // The sources stay in this function (they are not Sendable); cancelled on a signal or on cancellation.
        defer { sources.forEach { $0.cancel() } }
        for await _ in stream { return }
    }
}
