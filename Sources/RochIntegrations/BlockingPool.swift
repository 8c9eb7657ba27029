import Foundation

/// A fixed set of threads for blocking libcurl transfers. GCD on Linux runs about one worker per
/// core, so a few slow providers on DispatchQueue would starve every other call; these threads
/// are ours and may block.
final class BlockingPool: @unchecked Sendable {
    static let shared = BlockingPool(threads: 16)

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var idle = 0
    private var started = 0
    private let maxThreads: Int

    init(threads: Int) { maxThreads = threads }

    /// Runs `job` on a pool thread; starts threads lazily up to the limit.
    func run(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        if jobs.count > idle && started < maxThreads {
            started += 1
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "roch-curl-\(started)"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
