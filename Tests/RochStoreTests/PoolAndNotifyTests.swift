import Foundation
import RochStore
import RochTestSupport
import Testing

@Suite struct PoolAndNotifyTests {
    let url: String
    init() async throws { url = try await TestDatabase.makeEmpty() }

    @Test func aLostConnectionIsReportedAndThePoolRecovers() throws {
        let pool = ConnectionPool(url: url, maxConnections: 1)
        let pid: Int32 = try pool.withConnection { $0.backendPID }
        // Another session terminates ours, as a server restart or failover would.
        let admin = try Connection(url: url)
        try admin.execute("SELECT pg_terminate_backend($1)", pid)
        // pg_terminate_backend only signals: wait (bounded) until the backend has gone
        let deadline = Date().addingTimeInterval(30)
        while try admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", pid).count > 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect { try pool.withConnection { try $0.query("SELECT 1") } }
            throws: { ($0 as? PostgresError)?.kind == .connectionLost }
        // The broken connection was dropped: the next checkout gets a fresh one.
        let newPID: Int32 = try pool.withConnection { c in
            _ = try c.query("SELECT 1")
            return c.backendPID
        }
        #expect(newPID != pid)
        #expect(pool.openConnections == 1)
    }

    @Test func poolNeverOpensMoreThanItsLimit() async throws {
        let db = Database(url: url, maxConnections: 3)
        defer { db.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask { _ = try await db.withConnection { try $0.query("SELECT pg_sleep(0.01)") } }
            }
            try await group.waitForAll()
        }
        #expect(db.pool.openConnections <= 3)
        let admin = try Connection(url: url)
        let sessions: Int64 = try admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()").first!.decode("n")
        #expect(sessions <= 4) // three pooled + this one
    }

    @Test func notifyIsReceivedAfterCommitAndNotAfterRollback() throws {
        let listener = try Connection(url: url)
        try listener.listen("portal")
        let sender = try Connection(url: url)

        try? sender.transaction { c in
            try c.notify("portal", payload: "1:rolled-back")
            throw Boom()
        }
        #expect(try listener.waitForNotifications(timeout: 0.3).isEmpty)

        try sender.transaction { c in
            try c.notify("portal", payload: "1:42")
            // not delivered before COMMIT
            #expect(try listener.waitForNotifications(timeout: 0.1).isEmpty)
        }
        let received = try listener.waitForNotifications(timeout: 2)
        #expect(received.map(\.payload) == ["1:42"])
        #expect(received.first?.channel == "portal")
    }

    @Test func listenerDeliversNotificationsAndReportsReconnects() throws {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var events: [NotificationListener.Event] = []
            func add(_ e: NotificationListener.Event) { lock.withLock { events.append(e) } }
            var snapshot: [NotificationListener.Event] { lock.withLock { events } }
        }
        let box = Box()
        let listener = NotificationListener(url: url, channels: ["portal"], tick: 0.05) { box.add($0) }
        listener.start()
        defer { listener.stop() }
        let sender = try Connection(url: url)
        func waitFor(_ predicate: ([NotificationListener.Event]) -> Bool) -> Bool {
            for _ in 0..<100 {
                if predicate(box.snapshot) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        // the listener connects asynchronously: keep notifying until one arrives
        var delivered = false
        for i in 0..<40 where !delivered {
            try sender.notify("portal", payload: "ping-\(i)")
            delivered = waitFor { !$0.isEmpty }
        }
        #expect(delivered)
        // kill the listening session: it must come back and say so
        try sender.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
        #expect(waitFor { $0.contains(.reconnected) })
        try sender.notify("portal", payload: "after")
        #expect(waitFor { $0.contains { if case .notification(let n) = $0 { n.payload == "after" } else { false } } })
    }

    @Test func listenRefusesChannelNamesThatAreNotIdentifiers() throws {
        let c = try Connection(url: url)
        #expect(throws: PostgresError.self) { try c.listen("portal; DROP TABLE x") }
    }
}
