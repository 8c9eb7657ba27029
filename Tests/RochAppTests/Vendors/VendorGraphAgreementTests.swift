import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// PostgreSQL's recursive CTEs and RochCore's `VendorGraph` must give the same answers on the same
/// data: blocked sets with their waits, root causes and reasons, schedule conflicts, critical paths.
@Suite struct VendorGraphAgreementTests {
    let database: Database

    init() throws {
        database = Database(url: try TestDatabase.makeMigrated(), maxConnections: 4)
    }

    static let roles = ["Caterer", "Decorator", "Florist", "Photographer", "DJ", "Lighting", "Mehendi artist", "Tent house"]
    static let texts: [String?] = [nil, nil, "menu not confirmed", "advance not received", "stage design pending",
                                   "site visit on Friday", "  trimmed on the way in  "]

    /// A random DAG stored as a booking's vendor graph, and the same graph built in Swift from the generated data.
    static func randomGraph(_ c: Connection, bookingID: Int64, vendorID: Int64, size: Int, seed: UInt64) throws -> VendorGraph {
        var rng = SeededGenerator(seed: seed)
        var nodes: [VendorAssignment] = []
        for _ in 0..<size {
            let roll = Int.random(in: 0..<100, using: &rng)
            let status: VendorAssignmentStatus = roll < 35 ? .pending : roll < 55 ? .confirmed : roll < 70 ? .inProgress
                : roll < 90 ? .delivered : .cancelled
            let date = Int.random(in: 0..<10, using: &rng) < 3 ? nil
                : CalendarDay("2026-11-01")!.adding(days: Int.random(in: 0..<60, using: &rng))
            let text = texts.randomElement(using: &rng)!
            let role = roles.randomElement(using: &rng)!
            let record = try VendorRepository.insertAssignment(c, NewVendorAssignment(
                bookingID: bookingID, vendorID: vendorID, role: role, status: status, milestoneDate: date, milestoneText: text))
            nodes.append(VendorAssignment(id: record.id, role: role, status: status, milestoneDate: date,
                                          milestoneText: text?.trimmingCharacters(in: .whitespaces)))
        }
        // Edges only from later to earlier positions of a shuffled order: acyclic, yet not aligned
        // with id order, so the id tie-breaks of every rule are exercised.
        let order = nodes.map(\.id).shuffled(using: &rng)
        var edges = Set<VendorDependency>()
        for j in 1..<max(1, order.count) {
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let i = Bool.random(using: &rng) ? Int.random(in: max(0, j - 6)..<j, using: &rng) : Int.random(in: 0..<j, using: &rng)
                edges.insert(VendorDependency(dependent: order[j], required: order[i]))
            }
        }
        let list = Array(edges)
        try c.execute("""
            INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id)
            SELECT d, r, $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(d, r)
            """, list.map(\.dependent), list.map(\.required), bookingID)
        return try VendorGraph(assignments: nodes, dependencies: list)
    }

    static func expectAgreement(_ c: Connection, bookingID: Int64, graph: VendorGraph, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let sqlBlocked = try VendorGraphQueries.blocked(c, .booking(bookingID))
        let swiftBlocked = graph.blocked()
        #expect(sqlBlocked.map { BlockedAssignment(id: $0.id, waitsOn: $0.waitsOn, rootCauses: $0.rootCauses, reason: $0.reason) }
                == swiftBlocked, sourceLocation: sourceLocation)
        // The root causes in words follow the same rule as the reason.
        for b in sqlBlocked {
            let words = b.rootCauses.map { id -> String in
                let a = graph.assignments[id]!
                return "\(a.role): \(a.milestoneText ?? a.status.phrase)"
            }.joined(separator: "; ")
            #expect(b.rootCauseReason == words, sourceLocation: sourceLocation)
        }
        let sqlConflicts = try VendorGraphQueries.scheduleConflicts(c, .booking(bookingID)).map {
            ScheduleConflict(dependent: $0.dependent, required: $0.required, dependentDate: $0.dependentDate,
                             requiredDate: $0.requiredDate, reason: $0.reason)
        }
        #expect(sqlConflicts == graph.scheduleConflicts(), sourceLocation: sourceLocation)
        #expect((try VendorGraphQueries.criticalPaths(c, .booking(bookingID))[bookingID] ?? []) == graph.criticalPath(),
                sourceLocation: sourceLocation)
        // What the repository reads back is the graph that was generated.
        #expect(try VendorRepository.graph(c, bookingID: bookingID) == graph, sourceLocation: sourceLocation)
    }

    @Test(arguments: [(1, 11), (2, 12), (3, 13), (8, 14), (20, 15), (20, 16), (60, 17), (150, 18), (400, 19), (1_000, 20)])
    func sqlAndSwiftAgreeOnRandomGraphs(size: Int, seed: UInt64) throws {
        try database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c)
            let vendor = try VendorFixture.vendor(c)
            let graph = try Self.randomGraph(c, bookingID: booking, vendorID: vendor.id, size: size, seed: seed)
            try Self.expectAgreement(c, bookingID: booking, graph: graph)
            if size >= 20 { #expect(!graph.blocked().isEmpty, "a graph this size should have blocked assignments to compare") }
        }
    }

    @Test func everyDependencyThatWouldCloseALoopIsRefusedNamingTheLoopAndTheRestAgreeAfterwards() throws {
        try database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c)
            let vendor = try VendorFixture.vendor(c)
            var graph = try Self.randomGraph(c, bookingID: booking, vendorID: vendor.id, size: 120, seed: 99)
            var rng = SeededGenerator(seed: 4242)
            var refused = 0, added = 0
            for _ in 0..<300 {
                let dependent = graph.ids.randomElement(using: &rng)!, required = graph.ids.randomElement(using: &rng)!
                let expected = graph.cycleIfAdding(dependent: dependent, required: required)
                do {
                    _ = try c.transaction { try VendorRepository.addDependency($0, dependent: dependent, required: required) }
                    #expect(expected == nil, "\(dependent) -> \(required) closed a loop yet was accepted")
                    graph = try graph.adding(dependent: dependent, required: required)
                    added += 1
                } catch let refusal as VendorDependencyRefused {
                    #expect(expected != nil, "\(dependent) -> \(required) refused: \(refusal.message)")
                    #expect(refusal.cycle == expected)
                    if dependent != required {
                        #expect(refusal.kind == .cycle)
                        let names = expected!.map { graph.assignments[$0]!.role }.joined(separator: " → ")
                        #expect(refusal.message.contains(names))
                    } else {
                        #expect(refusal.kind == .selfDependency)
                    }
                    refused += 1
                }
            }
            #expect(refused > 20 && added > 20, "both outcomes exercised: \(refused) refused, \(added) added")
            try Self.expectAgreement(c, bookingID: booking, graph: graph)
        }
    }

    @Test func activeEventsScopeCoversEveryActiveBookingAndNoOther() throws {
        try database.withConnectionSync { c in
            let vendor = try VendorFixture.vendor(c)
            var graphs: [Int64: VendorGraph] = [:]
            for (i, state) in ["deposit_paid", "active_preparation", "active_preparation", "enquiry", "completed", "cancelled"].enumerated() {
                let booking = try VendorFixture.booking(c, state: state)
                graphs[booking] = try Self.randomGraph(c, bookingID: booking, vendorID: vendor.id, size: 40, seed: UInt64(500 + i))
                #expect(!graphs[booking]!.blocked().isEmpty)
            }
            let active = try Set(c.query("SELECT id FROM bookings WHERE state IN ('deposit_paid', 'active_preparation')")
                .map { try $0.decode("id", as: Int64.self) })
            #expect(active.count == 3)
            let all = try VendorGraphQueries.blocked(c, .activeEvents)
            #expect(Set(all.map(\.bookingID)) == active)
            for booking in active.sorted() {
                #expect(all.filter { $0.bookingID == booking }.map(\.id) == graphs[booking]!.blocked().map(\.id))
            }
            let paths = try VendorGraphQueries.criticalPaths(c, .activeEvents)
            #expect(Set(paths.keys) == active)
            for booking in active { #expect(paths[booking] == graphs[booking]!.criticalPath()) }
            let conflicts = try VendorGraphQueries.scheduleConflicts(c, .activeEvents)
            #expect(Set(conflicts.map(\.bookingID)).isSubset(of: active))
            #expect(conflicts.count == active.reduce(0) { $0 + graphs[$1]!.scheduleConflicts().count })
        }
    }

    /// Reading all active events in shards on separate connections gives exactly the rows, order
    /// included, of the one query over all of them (blocked, critical paths, conflicts); inactive bookings
    /// between the shards stay out.
    @Test(arguments: [1, 2, 3, 4, 9])
    func shardedBlockedEqualsTheOneQueryOverAllActiveEvents(shards: Int) async throws {
        let states = ["active_preparation", "enquiry", "deposit_paid", "completed", "active_preparation", "cancelled",
                      "deposit_paid", "active_preparation", "proposal_sent"]
        let active = try database.withConnectionSync { c in
            let vendor = try VendorFixture.vendor(c)
            var active: [Int64] = []
            for (i, state) in states.enumerated() {
                let booking = try VendorFixture.booking(c, state: state)
                _ = try Self.randomGraph(c, bookingID: booking, vendorID: vendor.id, size: 30, seed: UInt64(700 + i))
                if state == "deposit_paid" || state == "active_preparation" { active.append(booking) }
            }
            return active
        }
        let whole = try database.withConnectionSync { c in try VendorGraphQueries.blocked(c, .activeEvents) }
        #expect(Set(whole.map(\.bookingID)) == Set(active))
        let sharded = try await VendorGraphQueries.blocked(database, shards: shards)
        #expect(sharded == whole)
        let byEvent = try await VendorBoard.blockedByEvent(database, shards: shards)
        #expect(byEvent == Dictionary(grouping: whole, by: \.bookingID))
        let paths = try database.withConnectionSync { c in try VendorGraphQueries.criticalPaths(c, .activeEvents) }
        #expect(Set(paths.keys) == Set(active))
        #expect(try await VendorGraphQueries.criticalPaths(database, shards: shards) == paths)
        let conflicts = try database.withConnectionSync { c in try VendorGraphQueries.scheduleConflicts(c, .activeEvents) }
        #expect(!conflicts.isEmpty)
        #expect(try await VendorGraphQueries.scheduleConflicts(database, shards: shards) == conflicts)
    }

    @Test func activeEventShardsSplitTheActiveBookingsEvenlyAndCoverEveryID() throws {
        try database.withConnectionSync { c in
            #expect(try VendorGraphQueries.activeEventShards(c, count: 3) == [Int64.min...Int64.max], "no active events: one shard")
            var active: [Int64] = []
            for i in 0..<10 {
                active.append(try VendorFixture.booking(c, state: i % 2 == 0 ? "deposit_paid" : "active_preparation"))
                _ = try VendorFixture.booking(c, state: "enquiry")
            }
            for count in [1, 2, 3, 4, 10, 25] {
                let ranges = try VendorGraphQueries.activeEventShards(c, count: count)
                #expect(ranges.count == min(count, active.count))
                #expect(ranges.first?.lowerBound == Int64.min && ranges.last?.upperBound == Int64.max)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound + 1 == b.lowerBound) }
                let sizes = ranges.map { r in active.filter { r.contains($0) }.count }
                #expect(sizes.reduce(0, +) == active.count)
                #expect(sizes.max()! - sizes.min()! <= 1, "shards of \(count): \(sizes)")
            }
        }
    }

    @Test func theWorkedExampleReadsAsTheCoordinatorWouldSayIt() throws {
        try database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c)
            let v = try VendorFixture.vendor(c)
            let caterer = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Caterer", date: "2026-12-10", text: "menu not confirmed")
            let decorator = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Decorator", status: .confirmed, date: "2026-12-05")
            let photographer = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Photographer")
            try c.transaction { c in
                try VendorRepository.addDependency(c, dependent: decorator.id, required: caterer.id)
                try VendorRepository.addDependency(c, dependent: photographer.id, required: decorator.id)
            }
            let blocked = try VendorGraphQueries.blocked(c, .booking(booking))
            #expect(blocked.map(\.reason) == ["Decorator waits on Caterer: menu not confirmed",
                                              "Photographer waits on Decorator: confirmed, not started"])
            #expect(blocked.map(\.rootCauses) == [[caterer.id], [caterer.id]])
            #expect(blocked.last?.rootCauseReason == "Caterer: menu not confirmed")
            #expect(try VendorGraphQueries.scheduleConflicts(c, .booking(booking)).map(\.reason)
                    == ["Decorator is due on 2026-12-05 but waits on Caterer, due later on 2026-12-10"])
            #expect(try VendorGraphQueries.criticalPaths(c, .booking(booking))[booking] == [caterer.id, decorator.id, photographer.id])
            let board = try VendorBoard.load(c, bookingID: booking)
            #expect(board.rows.map(\.assignment.role) == ["Caterer", "Decorator", "Photographer"])
            #expect(board.rows.map { $0.blocked?.reason } == [nil, "Decorator waits on Caterer: menu not confirmed",
                                                              "Photographer waits on Decorator: confirmed, not started"])
            #expect(board.rows.map(\.conflicts.count) == [0, 1, 0])
            let allOnPath = board.rows.allSatisfy { $0.onCriticalPath }
            #expect(allOnPath)
            #expect(try VendorBoard.blockedByEvent(c)[booking]?.map(\.id) == [decorator.id, photographer.id])
            #expect(try VendorBoard.clientMilestones(c, bookingID: booking).map(\.status) == ["Pending", "Confirmed", "Pending"])
        }
    }
}
