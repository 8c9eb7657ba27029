import Foundation

/// The request being served (nginx's `$request_id`), for the rows it causes: every connection the
/// task takes from the pool carries it in `roch.request_id`, and outbox rows default to it.
public enum RequestTrace {
    @TaskLocal public static var requestID: String?
}

/// The application's handle on PostgreSQL: a connection pool plus a small set of threads that run
/// blocking libpq work, so async request handlers never block the event loops or Swift's
/// cooperative thread pool.
public final class Database: Sendable {
    public let pool: ConnectionPool
    private let executor: BlockingExecutor

    public init(url: String, maxConnections: Int = 10) {
        pool = ConnectionPool(url: url, maxConnections: maxConnections)
        executor = BlockingExecutor(threads: maxConnections, name: "roch-db")
    }

    /// Runs `body` with a pooled connection on a database thread.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let requestID = RequestTrace.requestID ?? ""
        return try await executor.run { [pool] in
            try pool.withConnection { c in
                try c.tagRequest(requestID)
                return try body(c)
            }
        }
    }

    /// Runs `body` in a transaction (COMMIT on return, ROLLBACK on throw) on a database thread.
    public func transaction<T: Sendable>(_ isolation: IsolationLevel = .readCommitted,
                                         _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withConnection { try $0.transaction(isolation, body) }
    }

    /// Like `transaction`, retried on serialization failures and deadlocks.
    public func retryingTransaction<T: Sendable>(_ isolation: IsolationLevel = .serializable,
                                                 _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withConnection { try $0.retryingTransaction(isolation, body) }
    }

    /// Synchronous access for short-lived processes (CLI commands, CGI) that run on one thread.
    public func withConnectionSync<T>(_ body: (Connection) throws -> T) throws -> T {
        try pool.withConnection(body)
    }

    public func shutdown() {
        executor.shutdown()
        pool.shutdown()
    }
}

/// Up to `threads` threads that run blocking jobs in order of arrival. Threads start on demand,
/// so a short-lived CGI process that runs one query starts one thread, not the whole set.
final class BlockingExecutor: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var head = 0
    private var stopping = false
    private var started = 0
    private var idle = 0
    private let maxThreads: Int
    private let name: String

    init(threads: Int, name: String) {
        maxThreads = max(1, threads)
        self.name = name
    }

    func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try job() }) }
        }
    }

    private func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        let pending = jobs.count - head
        if pending > idle && started < maxThreads {
            started += 1
            let thread = Thread { [self] in loop() }
            thread.name = "\(name)-\(started)"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while head == jobs.count && !stopping {
                idle += 1
                condition.wait()
                idle -= 1
            }
            if head == jobs.count && stopping { condition.unlock(); return }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count { jobs.removeFirst(head); head = 0 }
            condition.unlock()
            job()
            condition.lock()
        }
    }

    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}
