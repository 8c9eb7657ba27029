import Foundation

/// Keeps one LISTEN connection open on its own thread and hands every notification to `onEvent`.
/// If the connection drops it reconnects with backoff and reports `.reconnected`, so subscribers
/// can re-read what they may have missed (notifications are not queued while disconnected).
public final class NotificationListener: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        case notification(PostgresNotification)
        /// The LISTEN connection is (again) established: anything sent while it was down was lost.
        case reconnected
    }

    private let url: String
    private let channels: [String]
    private let onEvent: @Sendable (Event) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var thread: Thread?
    /// How long one wait lasts; bounds how quickly `stop()` is noticed.
    private let tick: Double

    public init(url: String, channels: [String], tick: Double = 0.25, onEvent: @escaping @Sendable (Event) -> Void) {
        self.url = url
        self.channels = channels
        self.tick = tick
        self.onEvent = onEvent
    }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "roch-listen"
        lock.withLock { thread = t }
        t.start()
    }

    public func stop() { lock.withLock { stopped = true } }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func run() {
        var backoff = 0.1
        var first = true
        while !isStopped {
            do {
                let connection = try Connection(url: url)
                for channel in channels { try connection.listen(channel) }
                backoff = 0.1
                if !first { onEvent(.reconnected) }
                first = false
                while !isStopped {
                    for n in try connection.waitForNotifications(timeout: tick) { onEvent(.notification(n)) }
                }
            } catch {
                first = false
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }
}
