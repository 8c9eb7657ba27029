import Foundation

/// Threads of their own for the fakes' async work. Swift's cooperative pool has one thread per core
/// (two here); when many tests block it at once (synchronous database calls, sleeps), a fake whose
/// answers ran there would stall for seconds and the client under test would time out. Work started
/// with `Task(executorPreference: FakeExecutor.shared)` runs here instead.
public final class FakeExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = FakeExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "roch-fake-\(i)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
