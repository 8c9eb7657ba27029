// glibc declares `stdout` as a mutable global; it is never reassigned, so its Sendable check is relaxed.
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ArgumentParser
import Foundation
import RochApp
import RochStore

/// `roch vendor-bench` (hidden, used by bench/vendors.sh): loads synthetic vendor graphs into an
/// empty, migrated database and times the dashboard's vendor queries with the exact SQL the
/// repositories run, then prints the plan lines that show which indexes are used.
struct VendorBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendor-bench", abstract: "Time the vendor graph queries on synthetic data (bench only).",
        shouldDisplay: false)

    @Option(help: "Active events (deposit_paid / active_preparation).") var events = 500
    @Option(help: "Assignments across the active events.") var assignments = 10_000
    @Option(help: "Bookings that are not active (enquiry / completed), with as many assignments each.") var inactiveEvents = 4_500
    @Option(help: "Timed runs per query (the median is reported).") var runs = 9
    @Option(help: "Shards of the active events read at once on separate connections (VendorBoard.blockedByEvent's way).") var shards = 2
    @Flag(help: "Only load the data (to study plans by hand).") var loadOnly = false

    func run() async throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let c = try Connection(url: try databaseURL())
        let existing: Int64 = try c.query("SELECT count(*) AS n FROM vendor_assignments").first!.decode("n")
        guard existing == 0 else { throw ValidationError("vendor-bench needs an empty, migrated database (found \(existing) assignments)") }
        let perEvent = max(1, assignments / max(1, events))
        let load = Date()
        try c.transaction { c in
            try c.execute("SELECT setseed(0.42)")
            let total = events + inactiveEvents
            try c.execute("""
                INSERT INTO clients (phone, name) SELECT '+9197' || lpad(g::text, 8, '0'), 'Bench client ' || g
                FROM generate_series(1, $1::int) g
                """, total)
            try c.execute("""
                INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
                SELECT 'bench_' || lpad(g::text, 20, '0'), c.id,
                       CASE WHEN g <= $2::int THEN (CASE WHEN g % 2 = 0 THEN 'deposit_paid' ELSE 'active_preparation' END)
                            ELSE (CASE WHEN g % 2 = 0 THEN 'enquiry' ELSE 'completed' END) END,
                       'wedding', DATE '2027-01-01' + (g % 90), 'Jaipur', 200, '10l_25l'
                FROM generate_series(1, $1::int) g JOIN clients c ON c.phone = '+9197' || lpad(g::text, 8, '0')
                """, total, events)
            try c.execute("INSERT INTO vendors (name, category) SELECT 'Bench vendor ' || g, 'other' FROM generate_series(1, 200) g")
            try c.execute("""
                INSERT INTO vendor_assignments (booking_id, vendor_id, role, status, milestone_date, milestone_text)
                SELECT b.id, (SELECT min(id) FROM vendors) + (random() * 199)::int,
                       (ARRAY['Caterer', 'Decorator', 'Florist', 'Photographer', 'DJ', 'Lighting'])[1 + (random() * 5)::int],
                       (ARRAY['pending', 'pending', 'confirmed', 'in_progress', 'delivered', 'cancelled'])[1 + (random() * 5)::int],
                       DATE '2026-12-01' + (random() * 60)::int,
                       CASE WHEN random() < 0.5 THEN NULL ELSE 'milestone ' || k END
                FROM bookings b CROSS JOIN generate_series(1, $1::int) k
                ORDER BY b.id, k
                """, perEvent)
            // Each assignment waits on up to two earlier ones of its event: a DAG by construction.
            try c.execute("""
                INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id)
                SELECT a.id, r.id, a.booking_id FROM vendor_assignments a
                CROSS JOIN LATERAL (SELECT r.id FROM vendor_assignments r WHERE r.booking_id = a.booking_id AND r.id < a.id
                                    ORDER BY random() LIMIT 2) r
                """)
        }
        try c.execute("VACUUM ANALYZE")
        let counts = try c.query("""
            SELECT (SELECT count(*) FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id
                    WHERE b.state IN ('deposit_paid', 'active_preparation')) AS active,
                   (SELECT count(*) FROM vendor_assignments) AS total, (SELECT count(*) FROM vendor_dependencies) AS edges
            """).first!
        let active: Int64 = try counts.decode("active"), total: Int64 = try counts.decode("total"), edges: Int64 = try counts.decode("edges")
        print(String(format: "vendors: loaded %d events with %lld assignments (%lld in all, %lld dependencies) in %.1f s",
                     events, active, total, edges, Date().timeIntervalSince(load)))
        if loadOnly { return }

        let sample: Int64 = try c.query("""
            SELECT id FROM bookings WHERE state = 'active_preparation' ORDER BY id LIMIT 1
            """).first!.decode("id")
        let blockedRows = try VendorGraphQueries.blocked(c, .activeEvents).count
        // The yardstick measured in the same run: the rows the blocked query starts from, read flat
        // (open assignments of the active events, their dependencies, both ends' names), with no
        // recursion and no aggregation. The ratio says what the graph work costs on this machine.
        let flat = """
            SELECT s.id, s.booking_id, s.label, v.name, r.role AS required_role, r.milestone_text AS required_text
            FROM (\(VendorGraphScope.activeEvents.openAssignments)) s
            JOIN vendors v ON v.id = s.vendor_id
            LEFT JOIN vendor_dependencies d ON d.dependent_assignment_id = s.id
            LEFT JOIN vendor_assignments r ON r.id = d.required_assignment_id
            """
        let flatMedian = await report("flat read of the same rows (yardstick: no recursion, no aggregation)") { _ = try c.query(flat) }
        let blockedMedian = await report("blocked (all active events, \(blockedRows) blocked)") { _ = try VendorGraphQueries.blocked(c, .activeEvents) }
        await report("blocked, the query alone (rows received, not decoded)") {
            _ = try c.withSettings(VendorGraphQueries.blockedSettings(.activeEvents)) { c in try c.query(VendorGraphQueries.blockedSQL(.activeEvents)) }
        }
        if let flatMedian, let blockedMedian {
            print(String(format: "vendors: blocked query = %.1f x the flat read of the same rows", blockedMedian / flatMedian))
        }
        // The read the dashboard API makes (VendorBoard.blockedByEvent(database)): the same answer in shards at once, one connection each.
        let database = Database(url: try databaseURL(), maxConnections: shards)
        defer { database.shutdown() }
        let sharded = try await VendorGraphQueries.blocked(database, shards: shards)
        guard sharded == (try VendorGraphQueries.blocked(c, .activeEvents)) else {
            throw ValidationError("the sharded blocked query disagrees with the single query")
        }
        let shardedMedian = await report("blocked (all active events, \(shards) shards at once on \(shards) connections)") {
            _ = try await VendorGraphQueries.blocked(database, shards: shards)
        }
        if let shardedMedian, let blockedMedian {
            print(String(format: "vendors: sharded = %.2f x the single query (%d cores here)", shardedMedian / blockedMedian,
                         ProcessInfo.processInfo.activeProcessorCount))
        }
        await report("critical paths (all active events)") { _ = try VendorGraphQueries.criticalPaths(c, .activeEvents) }
        await report("critical paths (all active events, \(shards) shards at once)") {
            _ = try await VendorGraphQueries.criticalPaths(database, shards: shards)
        }
        await report("schedule conflicts (all active events)") { _ = try VendorGraphQueries.scheduleConflicts(c, .activeEvents) }
        await report("schedule conflicts (all active events, \(shards) shards at once)") {
            _ = try await VendorGraphQueries.scheduleConflicts(database, shards: shards)
        }
        await report("blocked (one booking)") { _ = try VendorGraphQueries.blocked(c, .booking(sample)) }

        let firstShard = try VendorGraphQueries.activeEventShards(c, count: shards)[0]
        let plans: [(String, VendorGraphScope)] = [
            ("blocked, all active events", .activeEvents),
            ("blocked, the first of \(shards) shards", .activeEventsIn(firstShard)),
            ("blocked, one booking", .booking(sample)),
        ]
        for (title, scope) in plans {
            print("plan (\(title)):")
            let plan = try c.withSettings(VendorGraphQueries.blockedSettings(scope)) { c in
                try c.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + VendorGraphQueries.blockedSQL(scope), scope.parameters)
            }
            for row in plan {
                let line: String = try row.decode("QUERY PLAN")
                if line.contains("Index") || line.contains("Seq Scan") || line.contains("Recursive") || line.contains("Execution Time") {
                    print("  " + line)
                }
            }
        }
        // Last: it adds the demo team and wedding to the data.
        try await deskPages(c, flatMedian: flatMedian)
    }

    /// Runs `body` once to warm up, then `runs` times; prints the median and the spread, returns the median.
    @discardableResult
    func report(_ title: String, _ body: () async throws -> Void) async -> Double? {
        do {
            try await body()
            var times: [Double] = []
            for _ in 0..<max(1, runs) {
                let start = DispatchTime.now().uptimeNanoseconds
                try await body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            print("vendors: \(title): " + String(format: "median %.2f ms (min %.2f, max %.2f, %d runs)", times[times.count / 2],
                                                   times.first!, times.last!, times.count))
            return times[times.count / 2]
        } catch {
            print("vendors: \(title): failed: \(error)")
            return nil
        }
    }
}
