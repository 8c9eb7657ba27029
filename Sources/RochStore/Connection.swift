import CLibPQ
import Foundation

/// One libpq connection. Not thread-safe: use it from one thread at a time (the pool hands it out).
/// Every query with values goes through `PQexecParams`: values travel as parameters, never as SQL text.
public final class Connection: @unchecked Sendable {
    let raw: OpaquePointer
    public let url: String
    private(set) var listening: Set<String> = []

    public init(url: String) throws {
        guard let conn = PQconnectdb(url) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(conn)
            throw PostgresError(kind: .connectionFailed, message: "cannot connect to PostgreSQL: \(message)")
        }
        raw = conn
        self.url = url
        // Times are stored as timestamptz and read back in UTC; display converts to Asia/Kolkata.
        // JIT off: our statements are short, and compiling the plan of a recursive CTE cost ~1 s
        // against ~0.15 s of execution (vendor graph queries, measured on PostgreSQL 15).
        // One round trip: these settings are constants, no values are spliced.
        try executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET client_min_messages = warning; SET jit = off")
    }

    deinit { PQfinish(raw) }

    /// True while the socket is usable; the pool drops connections for which this is false.
    public var isHealthy: Bool { PQstatus(raw) == CONNECTION_OK }

    /// The server process id (to cancel or terminate this session from another one).
    public var backendPID: Int32 { PQbackendPID(raw) }

    /// Runs one statement with `$1...$n` parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLEncodable?]) throws -> QueryResult {
        let texts: [String?] = parameters.map { $0?.sqlText }
        // A C string ends at NUL: the value would be stored cut short, silently. Inputs refuse NUL with a
        // 400 (RochHTTP's NULBytes); anything that slips past fails loudly here instead.
        if let i = texts.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(kind: .other, message: "parameter $\(i + 1) holds a NUL byte, which PostgreSQL text cannot store")
        }
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecParams(raw, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        return try check(result)
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: SQLEncodable?...) throws -> QueryResult {
        try query(sql, parameters)
    }

    /// Runs a statement and returns the number of rows it touched.
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLEncodable?...) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs trusted SQL text that may hold several statements (migration files). Never pass values here.
    public func executeScript(_ sql: String) throws {
        let result = PQexec(raw, sql)
        _ = try check(result)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, _ body: (Connection) throws -> T) throws -> T {
        try execute(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isHealthy { _ = try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    /// Runs `body` with session settings changed (planner switches for one query, say) and puts
    /// the previous values back afterwards, whether `body` returns or throws. Inside a transaction
    /// that fails, the rollback restores them as well.
    public func withSettings<T>(_ settings: KeyValuePairs<String, String>, _ body: (Connection) throws -> T) throws -> T {
        var previous: [(String, String)] = []
        defer {
            for (name, value) in previous.reversed() { _ = try? query("SELECT set_config($1, $2, false)", name, value) }
        }
        for (name, value) in settings {
            let row = try query("SELECT current_setting($1) AS previous, set_config($1, $2, false)", name, value).first
            previous.append((name, try row?.decode("previous") ?? value))
        }
        return try body(self)
    }

    /// Like `transaction`, but runs it again (up to `attempts` times) on serialization failures and deadlocks.
    public func retryingTransaction<T>(_ isolation: IsolationLevel = .serializable, attempts: Int = 5,
                                       _ body: (Connection) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try transaction(isolation, body)
            } catch let error as PostgresError where error.isRetryable && attempt < attempts {
                attempt += 1
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            }
        }
    }

    // MARK: LISTEN / NOTIFY

    /// Subscribes this connection to a channel. Channel names are identifiers (letters, digits, `_`).
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try Self.identifier(channel))")
        listening.insert(channel)
    }

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try Self.identifier(channel))")
        listening.remove(channel)
    }

    /// Sends a notification; delivered to listeners when the surrounding transaction commits.
    public func notify(_ channel: String, payload: String) throws {
        try execute("SELECT pg_notify($1, $2)", channel, payload)
    }

    /// Waits up to `timeout` seconds for notifications and returns those that arrived (maybe none).
    public func waitForNotifications(timeout: Double) throws -> [PostgresNotification] {
        var received = drainNotifications()
        if !received.isEmpty { return received }
        let socket = PQsocket(raw)
        guard socket >= 0 else { throw PostgresError(kind: .connectionLost, message: "connection has no socket") }
        var fds = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&fds, 1, Int32(max(0, timeout * 1000)))
        if ready < 0, errno != EINTR {
            throw PostgresError(kind: .connectionLost, message: "poll failed: \(String(cString: strerror(errno)))")
        }
        if ready > 0 {
            guard PQconsumeInput(raw) == 1 else { throw PostgresError.from(result: nil, connection: raw) }
            received = drainNotifications()
            if PQstatus(raw) != CONNECTION_OK { throw PostgresError(kind: .connectionLost, message: "connection closed by the server") }
        }
        return received
    }

    private func drainNotifications() -> [PostgresNotification] {
        var out: [PostgresNotification] = []
        while let n = PQnotifies(raw) {
            out.append(PostgresNotification(channel: String(cString: n.pointee.relname),
                                            payload: String(cString: n.pointee.extra),
                                            pid: n.pointee.be_pid))
            PQfreemem(n)
        }
        return out
    }

    static func identifier(_ name: String) throws -> String {
        let ok = !name.isEmpty && name.count <= 63 && name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        } && !(name.first!.isNumber)
        guard ok else { throw PostgresError(kind: .other, message: "invalid identifier \(name.debugDescription)") }
        return name
    }

    // MARK: results

    private func check(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw PostgresError.from(result: nil, connection: raw) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(result)
        default:
            let error = PostgresError.from(result: result, connection: raw)
            PQclear(result)
            throw error
        }
    }
}

public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// A NOTIFY received on a listening connection.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public var pid: Int32
}

/// Calls `body` with C strings for each value (NULL for nil), valid only during the call.
private func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
    defer { for p in storage { free(p) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { UnsafePointer($0) })
    }
}
