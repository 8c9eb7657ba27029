import Foundation

/// Wakes the worker when NOTIFY outbox arrives, or after a timeout (the polling fallback).
/// A signal while the worker is busy is remembered, so the next wait returns at once.
final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    func signal() {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            if let w = waiter { waiter = nil; return w }
            pending = true
            return nil
        }
        w?.resume()
    }

    func wait(timeout: TimeInterval) async {
        guard timeout > 0 else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let g: Int? = lock.withLock {
                if pending { pending = false; return nil }
                generation += 1
                waiter = continuation
                return generation
            }
            guard let g else { continuation.resume(); return }
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int64(timeout * 1_000)))
                self?.expire(g)
            }
        }
    }

    private func expire(_ g: Int) {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            guard generation == g, let w = waiter else { return nil }
            waiter = nil
            return w
        }
        w?.resume()
    }
}
