import Foundation

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
        try await executor.run { [pool] in try pool.withConnection(body) }
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

/// A fixed set of threads that run blocking jobs in order of arrival.
final class BlockingExecutor: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    init(threads: Int, name: String) {
        for i in 0..<max(1, threads) {
            let thread = Thread { [weak self] in self?.loop() }
            thread.name = "\(name)-\(i)"
            thread.start()
        }
    }

    func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try job() }) }
        }
    }

    private func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}
