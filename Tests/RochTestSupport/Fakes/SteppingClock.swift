import Foundation

/// A clock for fakes that moves only when read: each reading is `step` later than the one before
/// (a step of 0 freezes time). Makes time-window behaviour (rate limits) independent of machine speed.
public final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private let step: TimeInterval

    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000), step: TimeInterval) {
        current = start
        self.step = step
    }

    public func now() -> Date {
        lock.withLock {
            defer { current = current.addingTimeInterval(step) }
            return current
        }
    }
}
