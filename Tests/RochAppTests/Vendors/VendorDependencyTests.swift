import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// Dependencies stay a DAG: loops are refused by name, also when two people add the two halves of a
/// loop at the same moment.
@Suite struct VendorDependencyTests {
    let database: Database

    init() throws {
        database = Database(url: try TestDatabase.makeMigrated(), maxConnections: 8)
    }

    func pair(_ c: Connection) throws -> (decorator: Int64, caterer: Int64, booking: Int64) {
        let booking = try VendorFixture.booking(c)
        let v = try VendorFixture.vendor(c)
        let decorator = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Decorator")
        let caterer = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Caterer")
        return (decorator.id, caterer.id, booking)
    }

    @Test func closingALoopIsRefusedWithTheLoopInWords() throws {
        try database.withConnectionSync { c in
            let (decorator, caterer, _) = try pair(c)
            _ = try c.transaction { try VendorRepository.addDependency($0, dependent: caterer, required: decorator) }
            var refusal: VendorDependencyRefused?
            do {
                _ = try c.transaction { try VendorRepository.addDependency($0, dependent: decorator, required: caterer) }
            } catch let e as VendorDependencyRefused { refusal = e }
            #expect(refusal?.kind == .cycle)
            #expect(refusal?.cycle == [decorator, caterer, decorator])
            #expect(refusal?.message == "That would make a loop: Decorator → Caterer → Decorator. Remove one of these dependencies first.")
            #expect(try c.query("SELECT count(*) AS n FROM vendor_dependencies").first!.decode("n") == Int64(1))
        }
    }

    @Test func selfLoopsUnknownIdsAndOtherEventsAreRefused() throws {
        try database.withConnectionSync { c in
            let (decorator, caterer, _) = try pair(c)
            let other = try pair(c)
            func refusal(_ d: Int64, _ r: Int64) -> VendorDependencyRefused.Kind? {
                do { _ = try c.transaction { try VendorRepository.addDependency($0, dependent: d, required: r) } } catch let e as VendorDependencyRefused {
                    return e.kind
                } catch { return nil }
                return nil
            }
            #expect(refusal(decorator, decorator) == .selfDependency)
            #expect(refusal(decorator, 987_654) == .unknownAssignment)
            #expect(refusal(decorator, other.caterer) == .differentBookings)
            // Adding the same dependency twice is not an error and stores it once.
            #expect(refusal(decorator, caterer) == nil)
            #expect(refusal(decorator, caterer) == nil)
            #expect(try c.query("SELECT count(*) AS n FROM vendor_dependencies").first!.decode("n") == Int64(1))
        }
    }

    @Test func theDatabaseItselfRefusesSelfLoopsCrossEventEdgesAndLoops() throws {
        try database.withConnectionSync { c in
            let (decorator, caterer, booking) = try pair(c)
            let other = try pair(c)
            func kind(_ sql: String, _ params: SQLEncodable?...) -> PostgresError.Kind? {
                do { try c.query(sql, params) } catch let e as PostgresError { return e.kind } catch { return nil }
                return nil
            }
            let insert = "INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id) VALUES ($1, $2, $3)"
            #expect(kind(insert, decorator, decorator, booking) == .checkViolation)
            #expect(kind(insert, decorator, other.caterer, booking) == .foreignKeyViolation)
            #expect(kind(insert, decorator, caterer, booking) == nil)
            #expect(kind(insert, caterer, decorator, booking) == .checkViolation)
        }
    }

    /// Two coordinators add A waits on B and B waits on A at the same time, many times over:
    /// exactly one of each pair succeeds and the other is told about the loop.
    @Test func concurrentHalvesOfALoopNeverBothSucceed() async throws {
        let database = self.database
        for round in 0..<25 {
            let (a, b, booking) = try database.withConnectionSync { try pair($0) }
            async let first = Self.attempt(database, dependent: a, required: b, holdFor: round % 2 == 0 ? 0.02 : 0)
            async let second = Self.attempt(database, dependent: b, required: a, holdFor: round % 2 == 1 ? 0.02 : 0)
            let outcomes = try await [first, second]
            #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round): \(outcomes)")
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0.kind == .cycle })
            let edges: Int64 = try database.withConnectionSync {
                try $0.query("SELECT count(*) AS n FROM vendor_dependencies WHERE booking_id = $1", booking).first!.decode("n")
            }
            #expect(edges == 1)
        }
    }

    /// Writers that bypass the repository (plain INSERTs) are still serialised by the trigger's lock.
    @Test func concurrentRawInsertsOfALoopNeverBothSucceed() async throws {
        let database = self.database
        for _ in 0..<10 {
            let (a, b, booking) = try database.withConnectionSync { try pair($0) }
            async let first = Self.rawInsert(database, a, b, booking)
            async let second = Self.rawInsert(database, b, a, booking)
            let results = try await [first, second]
            #expect(results.filter { $0 }.count == 1)
        }
    }

    /// nil when added, the refusal otherwise. `holdFor` keeps the transaction (and its lock) open a little.
    static func attempt(_ database: Database, dependent: Int64, required: Int64, holdFor: Double) async throws -> VendorDependencyRefused? {
        do {
            try await database.transaction { c in
                try VendorRepository.addDependency(c, dependent: dependent, required: required)
                if holdFor > 0 { usleep(UInt32(holdFor * 1_000_000)) }
            }
            return nil
        } catch let refusal as VendorDependencyRefused {
            return refusal
        }
    }

    static func rawInsert(_ database: Database, _ d: Int64, _ r: Int64, _ booking: Int64) async throws -> Bool {
        do {
            try await database.transaction { c in
                try c.execute("INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id) VALUES ($1, $2, $3)",
                              d, r, booking)
                usleep(10_000)
            }
            return true
        } catch let e as PostgresError where e.constraint == "vendor_dependencies_acyclic" {
            return false
        }
    }
}
