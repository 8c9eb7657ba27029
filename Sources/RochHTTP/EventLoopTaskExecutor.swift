import NIOCore

/// Runs a task's jobs on one event loop: a stream body that runs there writes straight into its
/// channel's pipeline (the write, the flush and the write's completion all happen in place) instead of
/// hopping from the concurrency pool to the loop for every write. Each job goes through the loop's
/// `execute`, in order with everything else scheduled on that loop.
@available(macOS 15.0, *)
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: EventLoop

    init(_ loop: EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs `body` on `loop` (the task's preferred executor for its duration). The body must await, never
/// block: while it runs, it holds the loop that serves its connection and others.
func onEventLoop<T>(_ loop: EventLoop, _ body: () async throws -> T) async rethrows -> T {
    if #available(macOS 15.0, *) {
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop), operation: body)
    }
    return try await body()
}
