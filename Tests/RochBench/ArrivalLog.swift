import Dispatch
import NIOConcurrencyHelpers

/// When each stream received each event id (monotonic nanoseconds), and a way for the bench to wait
/// until every stream has one particular id. Written from the event loop(s), read by the bench.
final class ArrivalLog: @unchecked Sendable {
    private let lock = NIOLock()
    private let streams: Int
    private var arrivals: [Int64: [UInt64]] = [:]
    private var counts: [Int64: Int] = [:]
    private var awaited: (id: Int64, done: DispatchSemaphore)?

    init(streams: Int) { self.streams = streams }

    /// Stream `index` saw `id: <event>` at `time`; the first arrival per stream and event counts.
    func arrived(stream index: Int, event: Int64, at time: UInt64) {
        let done: DispatchSemaphore? = lock.withLock {
            var times = arrivals.removeValue(forKey: event) ?? [UInt64](repeating: 0, count: streams)
            defer { arrivals[event] = times }
            guard times[index] == 0 else { return nil }
            times[index] = time
            counts[event, default: 0] += 1
            guard let a = awaited, a.id == event, counts[event] == streams else { return nil }
            awaited = nil
            return a.done
        }
        done?.signal()
    }

    /// Blocks until every stream has `event` or `timeout` seconds pass; returns each stream's
    /// arrival time (nil where it never came).
    func wait(for event: Int64, timeout seconds: Double) -> [UInt64?] {
        let done = DispatchSemaphore(value: 0)
        let complete: Bool = lock.withLock {
            if counts[event] == streams { return true }
            awaited = (event, done)
            return false
        }
        if !complete && done.wait(timeout: .now() + seconds) == .timedOut {
            lock.withLock { awaited = nil }
        }
        return lock.withLock {
            let times = arrivals.removeValue(forKey: event) ?? []
            counts[event] = nil
            return (0..<streams).map { $0 < times.count && times[$0] != 0 ? times[$0] : nil }
        }
    }
}
