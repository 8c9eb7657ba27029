import NIOConcurrencyHelpers
import NIOCore

/// Writes a stream's chunks to a channel and flushes each at once, without waiting for the flush to
/// complete: a write returns as soon as it is handed to the channel while fewer than `limit` bytes of
/// the stream are still on their way to the socket. Past that (a client that reads slowly or not at
/// all) the writer waits until they drain, so one stream never holds more than about `limit` bytes
/// plus one chunk in this process.
///
/// Waiting for every flush instead cost each write a second hop, from the event loop back to the
/// writing task, for every open stream an event fans out to.
final class BoundedChannelWriter: @unchecked Sendable {
    /// Bytes a stream may have in this process (not yet taken by the kernel's socket buffer) before its
    /// writer waits: NIO's default high-water mark for a channel's buffer. A client that keeps up never
    /// gets near it; a replay of hundreds of entries into a full socket buffer waits now and then.
    static let defaultLimit = 64 * 1024

    let channel: Channel
    let limit: Int
    // One allocation with the lock inline: with thousands of streams, each write touches cold memory.
    private let state = NIOLockedValueBox(State())

    private struct State {
        var inFlight = 0
        var failed = false
        var waiters: [CheckedContinuation<Void, Error>] = []
    }

    init(channel: Channel, limit: Int = BoundedChannelWriter.defaultLimit) {
        self.channel = channel
        self.limit = limit
    }

    /// True once a write failed or `fail()` was called; the channel may still be open.
    var hasFailed: Bool { state.withLockedValue { $0.failed } }

    /// Bytes handed to the channel whose write has not completed yet.
    var bytesInFlight: Int { state.withLockedValue { $0.inFlight } }

    /// Writes and flushes `part` (`size` bytes on the wire); waits only while the stream is over its limit.
    func write<Part: Sendable>(_ part: Part, size: Int) async throws {
        let overLimit: Bool = try state.withLockedValue { s in
            if s.failed { throw ChannelError.ioOnClosedChannel }
            s.inFlight += size
            return s.inFlight > limit
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] result in completed(size, failed: result.isFailure) }
        channel.writeAndFlush(part, promise: promise)
        if overLimit { try await drained() }
    }

    /// Ends every wait with an error: the client went away or the server abandoned the stream.
    func fail() {
        let woken: [CheckedContinuation<Void, Error>] = state.withLockedValue { s in
            s.failed = true
            defer { s.waiters = [] }
            return s.waiters
        }
        woken.forEach { $0.resume(throwing: CancellationError()) }
    }

    private func completed(_ size: Int, failed writeFailed: Bool) {
        let limit = self.limit
        let (woken, error): ([CheckedContinuation<Void, Error>], Error?) = state.withLockedValue { s in
            s.inFlight -= size
            if writeFailed { s.failed = true }
            guard s.failed || s.inFlight <= limit / 2, !s.waiters.isEmpty else { return ([], nil) }
            defer { s.waiters = [] }
            return (s.waiters, s.failed ? ChannelError.ioOnClosedChannel : nil)
        }
        for w in woken {
            if let error { w.resume(throwing: error) } else { w.resume() }
        }
    }

    /// Returns once half the limit or less is in flight (or throws when the stream failed meanwhile).
    private func drained() async throws {
        let limit = self.limit
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            let now: Result<Void, Error>? = state.withLockedValue { s in
                if s.failed { return .failure(ChannelError.ioOnClosedChannel) }
                if s.inFlight <= limit / 2 { return .success(()) }
                s.waiters.append(c)
                return nil
            }
            if let now { c.resume(with: now) }
        }
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
