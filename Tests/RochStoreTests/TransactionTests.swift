import Foundation
import RochStore
import RochTestSupport
import Testing

struct Boom: Error {}

@Suite struct TransactionTests {
    let url: String
    let connection: Connection

    init() async throws {
        url = try await TestDatabase.makeEmpty()
        connection = try Connection(url: url)
        try connection.execute("CREATE TABLE clients (id bigserial PRIMARY KEY, phone text UNIQUE NOT NULL, owner bigint REFERENCES clients)")
    }

    func count() throws -> Int64 { try connection.query("SELECT count(*) AS n FROM clients").first!.decode("n") }

    @Test func aTransactionThatThrowsLeavesNothingBehind() throws {
        #expect(throws: Boom.self) {
            try connection.transaction { c in
                try c.execute("INSERT INTO clients (phone) VALUES ($1)", "+919876543210")
                try c.execute("INSERT INTO clients (phone) VALUES ($1)", "+919876543211")
                throw Boom()
            }
        }
        #expect(try count() == 0)
        // and the connection is usable afterwards
        try connection.transaction { c in try c.execute("INSERT INTO clients (phone) VALUES ($1)", "+919876543212") }
        #expect(try count() == 1)
    }

    func setting(_ name: String) throws -> String {
        try connection.query("SELECT current_setting($1) AS v", name).first!.decode("v")
    }

    @Test func settingsChangedForOneQueryAreRestoredWhetherItReturnsOrThrows() throws {
        let during: String = try connection.withSettings(["enable_mergejoin": "off", "work_mem": "1MB"]) { _ in
            try setting("enable_mergejoin") + " " + setting("work_mem")
        }
        #expect(during == "off 1MB")
        #expect(try setting("enable_mergejoin") == "on")
        #expect(try setting("work_mem") == "4MB")

        #expect(throws: Boom.self) { try connection.withSettings(["enable_mergejoin": "off"]) { _ in throw Boom() } }
        #expect(try setting("enable_mergejoin") == "on")

        // Inside a transaction whose query fails, the rollback puts the value back.
        #expect(throws: PostgresError.self) {
            try connection.transaction { c in
                try c.withSettings(["enable_mergejoin": "off"]) { c in try c.execute("SELECT 1/0") }
            }
        }
        #expect(try setting("enable_mergejoin") == "on")
    }

    @Test func uniqueViolationMapsToItsTypedError() throws {
        try connection.execute("INSERT INTO clients (phone) VALUES ($1)", "+919000000001")
        do {
            try connection.execute("INSERT INTO clients (phone) VALUES ($1)", "+919000000001")
            Issue.record("expected a unique violation")
        } catch let e as PostgresError {
            #expect(e.kind == .uniqueViolation)
            #expect(e.sqlState == "23505")
            #expect(e.constraint == "clients_phone_key")
        }
    }

    @Test func foreignKeyAndSyntaxErrorsAreClassified() throws {
        #expect { try connection.execute("INSERT INTO clients (phone, owner) VALUES ($1, $2)", "+919000000002", Int64(999)) }
            throws: { ($0 as? PostgresError)?.kind == .foreignKeyViolation }
        #expect { try connection.execute("SELEC 1") } throws: { ($0 as? PostgresError)?.kind == .syntaxError }
    }

    @Test func serializationFailuresAreRetried() async throws {
        try connection.execute("CREATE TABLE counter (n int)")
        try connection.execute("INSERT INTO counter VALUES (0)")
        let db = Database(url: url, maxConnections: 8)
        defer { db.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await db.retryingTransaction(.serializable) { c in
                        let n: Int = try c.query("SELECT n FROM counter").first!.decode("n")
                        try c.execute("UPDATE counter SET n = $1", n + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try connection.query("SELECT n FROM counter").first!.decode("n") == 8)
    }
}
