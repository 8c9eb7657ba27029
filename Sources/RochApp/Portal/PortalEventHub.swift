import Foundation
import RochStore

/// One LISTEN connection per process, fanned out to every open portal event stream (and to every
/// open staff dashboard, which hears channel `dashboard`).
///
/// Notifications on `portal` carry `'<booking id>:<event id>'` (TimelineRepository.append) or
/// `'revoke:<client id>'` (PortalAccessRepository). For a booking somebody is watching, the hub
/// reads the new entry once and hands the same record to each of that booking's streams, so a
/// thousand streams on one booking cost one query, and no stream holds a database connection.
/// A heartbeat tick from one timer drives every stream's keep-alive and session re-check.
public final class PortalEventHub: @unchecked Sendable {
    /// What a stream is told.
    public enum Signal: Sendable {
        /// A new timeline entry of one of the stream's bookings, shared by all its streams.
        case event(PortalHubEvent)
        /// The LISTEN connection was re-established: notifications may have been lost, re-read the table.
        case resync
        /// The client's links or sessions changed: re-check the session now.
        case accessChanged
        /// Time for a heartbeat (and, now and then, a session re-check).
        case tick
        /// Something a staff dashboard shows changed (the table's name, from migration 0022's triggers).
        case dashboardChanged(String)
    }

    public struct Subscription: Sendable {
        public let id: UInt64
        public let signals: AsyncStream<Signal>
    }

    private struct Subscriber {
        let clientID: Int64
        let bookingIDs: [Int64]
        var watchesDashboard = false
        let continuation: AsyncStream<Signal>.Continuation
    }

    private let database: Database
    private let url: String
    private let heartbeat: TimeInterval
    private let lock = NSLock()
    private var subscribers: [UInt64: Subscriber] = [:]
    private var byBooking: [Int64: Set<UInt64>] = [:]
    private var byClient: [Int64: Set<UInt64>] = [:]
    private var dashboards: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var started = false
    private var isReady = false
    private var readyWaiters: [CheckedContinuation<Void, Never>] = []
    private var readyNonce = ""
    private var listener: NotificationListener?
    private var tasks: [Task<Void, Never>] = []

    public init(database: Database, url: String, heartbeat: TimeInterval) {
        self.database = database
        self.url = url
        self.heartbeat = heartbeat
    }

    /// Open streams in this process.
    public var count: Int { lock.withLock { subscribers.count } }

    /// Registers a stream for the client's bookings. Signals start at once; call `ready()` before
    /// reading the table so nothing committed in between is missed.
    public func subscribe(clientID: Int64, bookingIDs: [Int64]) -> Subscription {
        let (stream, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .unbounded)
        let id: UInt64 = lock.withLock {
            nextID += 1
            subscribers[nextID] = Subscriber(clientID: clientID, bookingIDs: bookingIDs, continuation: continuation)
            for b in bookingIDs { byBooking[b, default: []].insert(nextID) }
            byClient[clientID, default: []].insert(nextID)
            return nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        startIfNeeded()
        return Subscription(id: id, signals: stream)
    }

    /// Registers a staff dashboard: it hears `dashboardChanged` and the heartbeat, no client's timeline.
    public func subscribeDashboard() -> Subscription {
        let (stream, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id: UInt64 = lock.withLock {
            nextID += 1
            subscribers[nextID] = Subscriber(clientID: 0, bookingIDs: [], watchesDashboard: true, continuation: continuation)
            dashboards.insert(nextID)
            return nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        startIfNeeded()
        return Subscription(id: id, signals: stream)
    }

    public func unsubscribe(_ id: UInt64) {
        let sub: Subscriber? = lock.withLock {
            guard let s = subscribers.removeValue(forKey: id) else { return nil }
            if s.watchesDashboard {
                dashboards.remove(id)
                return s
            }
            for b in s.bookingIDs {
                byBooking[b]?.remove(id)
                if byBooking[b]?.isEmpty == true { byBooking[b] = nil }
            }
            byClient[s.clientID]?.remove(id)
            if byClient[s.clientID]?.isEmpty == true { byClient[s.clientID] = nil }
            return s
        }
        sub?.continuation.finish()
    }

    /// Returns once the LISTEN connection is known to receive notifications (the hub saw its own
    /// probe come back), so a stream that reads the table afterwards cannot fall into a gap.
    public func ready() async {
        if lock.withLock({ isReady }) { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if isReady { return true }
                readyWaiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    public func stop() {
        let (l, t, subs): (NotificationListener?, [Task<Void, Never>], [Subscriber]) = lock.withLock {
            defer { listener = nil; tasks = []; subscribers = [:]; byBooking = [:]; byClient = [:]; dashboards = []; started = false; isReady = false }
            return (listener, tasks, Array(subscribers.values))
        }
        l?.stop()
        t.forEach { $0.cancel() }
        subs.forEach { $0.continuation.finish() }
    }

    private func startIfNeeded() {
        let start: Bool = lock.withLock {
            if started { return false }
            started = true
            readyNonce = "ready:\(UInt64.random(in: 1 ... .max))"
            return true
        }
        guard start else { return }
        let (events, sink) = AsyncStream<NotificationListener.Event>.makeStream(bufferingPolicy: .unbounded)
        let listener = NotificationListener(url: url, channels: [TimelineRepository.channel, DashboardActions.channel]) { sink.yield($0) }
        let consumer = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.handle(event)
            }
        }
        let prober = Task { [weak self] in
            guard let self else { return }
            await self.probeUntilReady()
        }
        let ticker = Task { [weak self, heartbeat] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(heartbeat * 1_000_000_000))
                guard let self, !Task.isCancelled else { return }
                self.broadcast(.tick)
            }
        }
        lock.withLock {
            self.listener = listener
            tasks = [consumer, prober, ticker]
        }
        listener.start()
    }

    /// NOTIFYs a probe until the listener hands it back.
    private func probeUntilReady() async {
        let nonce = lock.withLock { readyNonce }
        while !Task.isCancelled && !lock.withLock({ isReady }) {
            _ = try? await database.withConnection { c in try c.notify(TimelineRepository.channel, payload: nonce) }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    private func handle(_ event: NotificationListener.Event) async {
        switch event {
        case .reconnected:
            broadcast(.resync)
        case .notification(let n) where n.channel == DashboardActions.channel:
            send(.dashboardChanged(n.payload), to: lock.withLock { dashboards })
        case .notification(let n):
            let payload = n.payload
            if payload.hasPrefix("ready:") {
                let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
                    guard payload == readyNonce, !isReady else { return [] }
                    isReady = true
                    defer { readyWaiters = [] }
                    return readyWaiters
                }
                waiters.forEach { $0.resume() }
            } else if payload.hasPrefix("revoke:"), let client = Int64(payload.dropFirst(7)) {
                send(.accessChanged, to: lock.withLock { byClient[client] ?? [] })
            } else if let colon = payload.firstIndex(of: ":"), let booking = Int64(payload[..<colon]),
                      let eventID = Int64(payload[payload.index(after: colon)...]) {
                guard lock.withLock({ byBooking[booking] != nil }) else { return }
                do {
                    guard let record = try await database.withConnection({ c in try PortalRepository.event(c, id: eventID) }),
                          record.bookingID == booking else { return }
                    send(.event(PortalHubEvent(record)), to: lock.withLock { byBooking[booking] ?? [] })
                } catch {
                    // The entry could not be read: every stream re-reads the table instead.
                    broadcast(.resync)
                }
            }
        }
    }

    private func broadcast(_ signal: Signal) {
        let all = lock.withLock { subscribers.values.map(\.continuation) }
        for c in all { c.yield(signal) }
    }

    private func send(_ signal: Signal, to ids: Set<UInt64>) {
        let targets = lock.withLock { ids.compactMap { subscribers[$0]?.continuation } }
        for c in targets { c.yield(signal) }
    }
}

/// One notified entry as the hub hands it to every stream of its booking. The SSE text is encoded
/// once (by the first stream that needs it) and reused by the others: a thousand streams on one
/// booking cost one JSON encoding, not a thousand.
public final class PortalHubEvent: @unchecked Sendable {
    public let record: PortalEventRecord
    private let lock = NSLock()
    private var encoded: (publicID: String, bytes: [UInt8])?

    init(_ record: PortalEventRecord) { self.record = record }

    /// The event's `id:`/`data:` block for a booking's public id.
    func sse(publicID: String, encode: (PortalEventRecord, String) throws -> [UInt8]) rethrows -> [UInt8] {
        if let e = lock.withLock({ encoded }), e.publicID == publicID { return e.bytes }
        let bytes = try encode(record, publicID)
        lock.withLock { encoded = (publicID, bytes) }
        return bytes
    }
}
