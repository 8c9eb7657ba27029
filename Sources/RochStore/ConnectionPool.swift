import Foundation

/// A fixed-size pool of connections for long-running processes (FastCGI responders, the worker,
/// the dev server). Connections are opened lazily; a broken one is dropped and replaced on next use.
public final class ConnectionPool: @unchecked Sendable {
    public let url: String
    public let maxConnections: Int
    private let checkoutTimeout: Double
    private let condition = NSCondition()
    private var idle: [Connection] = []
    private var open = 0
    private var closed = false

    public init(url: String, maxConnections: Int = 10, checkoutTimeout: Double = 10) {
        precondition(maxConnections > 0)
        self.url = url
        self.maxConnections = maxConnections
        self.checkoutTimeout = checkoutTimeout
    }

    /// Number of connections currently open (idle or in use).
    public var openConnections: Int {
        condition.lock(); defer { condition.unlock() }
        return open
    }

    /// Connections open and waiting in the pool (open minus idle are lent out): /metrics shows both.
    public var idleConnections: Int {
        condition.lock(); defer { condition.unlock() }
        return idle.count
    }

    /// Lends a connection to `body` on the calling thread and takes it back afterwards.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try checkout()
        do {
            let value = try body(connection)
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            throw error
        }
    }

    func checkout() throws -> Connection {
        condition.lock()
        let deadline = Date().addingTimeInterval(checkoutTimeout)
        while true {
            if closed {
                condition.unlock()
                throw PostgresError(kind: .connectionFailed, message: "the connection pool is shut down")
            }
            if let c = idle.popLast() {
                condition.unlock()
                if c.isHealthy { return c }
                drop()
                condition.lock()
                continue
            }
            if open < maxConnections {
                open += 1
                condition.unlock()
                do {
                    return try Connection(url: url)
                } catch {
                    drop()
                    throw error
                }
            }
            if !condition.wait(until: deadline) {
                condition.unlock()
                throw PostgresError(kind: .connectionFailed,
                                    message: "no database connection free after \(Int(checkoutTimeout)) s (pool of \(maxConnections))")
            }
        }
    }

    func checkin(_ connection: Connection) {
        guard connection.isHealthy else { drop(); return }
        // A connection left inside a failed or open transaction must not be reused as is.
        if PQtransactionIdle(connection) == false { _ = try? connection.execute("ROLLBACK") }
        condition.lock()
        if closed {
            open -= 1
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }

    private func drop() {
        condition.lock()
        open -= 1
        condition.signal()
        condition.unlock()
    }

    /// Closes idle connections and refuses new checkouts.
    public func shutdown() {
        condition.lock()
        closed = true
        open -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

import CLibPQ

private func PQtransactionIdle(_ c: Connection) -> Bool {
    PQtransactionStatus(c.raw) == PQTRANS_IDLE
}
