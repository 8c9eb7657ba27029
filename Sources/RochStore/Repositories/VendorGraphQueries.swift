import Foundation
import RochCore

/// Which vendor graphs a query looks at.
public enum VendorGraphScope: Sendable, Equatable {
    case booking(Int64)
    /// Every booking whose event is confirmed and not yet over (deposit_paid, active_preparation).
    case activeEvents
    /// The active events whose booking id lies in the range: one shard of `activeEvents`, so that
    /// shards can be read at once on separate connections (`VendorGraphQueries.blocked(_:shards:)`).
    /// A booking's graph never leaves its booking, so a shard's answers are the same rows the whole
    /// scope gives for those bookings.
    case activeEventsIn(ClosedRange<Int64>)

    /// Constant SQL (no values spliced) selecting `columns` of the scope's assignments (alias `a`),
    /// only the unfinished ones when `open`; its values are `parameters` (the booking id, or a
    /// shard's first and last booking id). For all active events, or a shard of them, it walks the
    /// active bookings and reads each one's assignments through an index (`vendor_assignments_open`
    /// for open ones, `vendor_assignments_booking` otherwise): OFFSET 0 keeps that a per-booking
    /// index scan, where the flattened join has the planner scan every assignment Roch ever made.
    func assignments(open: Bool, columns: String) -> String {
        let status = open ? "a.status NOT IN ('delivered', 'cancelled')" : "a.status <> 'cancelled'"
        switch self {
        case .booking:
            return "SELECT \(columns) FROM vendor_assignments a WHERE a.booking_id = $1 AND \(status)"
        case .activeEvents, .activeEventsIn:
            // The range is a plain comparison the planner estimates from the histogram of booking
            // ids; an expression such as `b.id % 2 = 0` is guessed at 0.5 % of the rows, which made
            // it pick nested loops over the CTEs and run 20 times slower.
            let range = self == .activeEvents ? "" : " AND b.id BETWEEN $1 AND $2"
            return """
                SELECT \(columns) FROM bookings b
                    CROSS JOIN LATERAL (SELECT * FROM vendor_assignments a WHERE a.booking_id = b.id AND \(status) OFFSET 0) a
                    WHERE b.state IN ('deposit_paid', 'active_preparation')\(range)
                """
        }
    }

    /// Whether the scope spans many events (the planner settings of `VendorGraphQueries.blockedSettings`).
    var isManyEvents: Bool {
        if case .booking = self { return false }
        return true
    }

    /// The unfinished assignments of the scope with what the blocked query needs, `label` being how
    /// a reason names one ("Caterer: menu not confirmed").
    public var openAssignments: String {
        assignments(open: true, columns: "a.id, a.booking_id, a.role, a.vendor_id, \(VendorGraphQueries.waitText("a")) AS label")
    }

    /// The values of the SQL the scope produces (`$1`, `$2`).
    public var parameters: [SQLEncodable?] {
        switch self {
        case .booking(let id): return [id]
        case .activeEvents: return []
        case .activeEventsIn(let ids): return [ids.lowerBound, ids.upperBound]
        }
    }
}

/// A blocked assignment as the dashboard shows it (same rules as `VendorGraph.blocked()`).
public struct BlockedVendorAssignment: Sendable, Equatable {
    public var bookingID: Int64
    public var id: Int64
    public var role: String
    public var vendorName: String
    /// Unfinished direct requirements, ascending.
    public var waitsOn: [Int64]
    /// Unfinished, unblocked assignments at the far end of the waits, ascending.
    public var rootCauses: [Int64]
    /// "Decorator waits on Caterer: menu not confirmed".
    public var reason: String
    /// The root causes in words: "Caterer: menu not confirmed; Florist: not confirmed yet".
    public var rootCauseReason: String
}

/// A dependent due before something it waits on (same rules as `VendorGraph.scheduleConflicts()`).
public struct VendorScheduleConflict: Sendable, Equatable {
    public var bookingID: Int64
    public var dependent: Int64
    public var required: Int64
    public var dependentDate: CalendarDay
    public var requiredDate: CalendarDay
    public var reason: String
}

/// The vendor graph questions the dashboard asks, answered by PostgreSQL for one booking or every
/// active event at once. Each answer equals RochCore's `VendorGraph` on the same data (tested).
public enum VendorGraphQueries {
    /// How a status reads in a reason when there is no milestone text (`VendorAssignmentStatus.phrase`).
    static let phrase = """
        CASE %@.status WHEN 'pending' THEN 'not confirmed yet' WHEN 'confirmed' THEN 'confirmed, not started'
            WHEN 'in_progress' THEN 'in progress' WHEN 'delivered' THEN 'delivered' ELSE 'cancelled' END
        """

    static func waitText(_ alias: String) -> String {
        "\(alias).role || ': ' || COALESCE(\(alias).milestone_text, \(phrase.replacingOccurrences(of: "%@", with: alias)))"
    }

    /// One recursive CTE: every blocked assignment, its unfinished direct waits, its root causes and
    /// the reason in words.
    ///
    /// - `scope`: the unfinished assignments in scope, each with its label ("Caterer: menu not
    ///   confirmed"), computed once.
    /// - `waits`: edges between two of them (a requirement is in its dependent's booking, so an
    ///   unfinished requirement is always in scope).
    /// - `up(root, node)`: walks from each root (an assignment in `waits` that waits on nobody) up to
    ///   everything that transitively waits on it. UNION keeps each pair once, so the walk is linear
    ///   in the pairs it produces; walking up from the roots yields only the (root, blocked) pairs the
    ///   answer needs, not the whole transitive closure.
    /// - `facts`: direct waits and root pairs in one stream, sorted once by (blocked, other) and
    ///   aggregated without per-group ORDER BY: PostgreSQL 15 (Debian 12's) runs one sort per group
    ///   and aggregate for `agg(x ORDER BY y)`, which was a third of the query. Aggregates consume a
    ///   sorted subquery in its order; the SQL-vs-Swift agreement tests would catch a change.
    ///
    /// Run it through `blocked(_:_:)`, which also turns merge joins off for it (see there).
    public static func blockedSQL(_ scope: VendorGraphScope) -> String {
        """
        WITH RECURSIVE
        scope AS MATERIALIZED (
            \(scope.openAssignments)
        ),
        waits AS MATERIALIZED (
            SELECT d.dependent_assignment_id AS origin, d.required_assignment_id AS required
            FROM scope s
            JOIN vendor_dependencies d ON d.dependent_assignment_id = s.id
            JOIN scope r ON r.id = d.required_assignment_id
        ),
        up(root, node) AS (
            SELECT w.required, w.origin FROM waits w WHERE NOT EXISTS (SELECT 1 FROM waits x WHERE x.origin = w.required)
            UNION
            SELECT up.root, w.origin FROM up JOIN waits w ON w.required = up.node
        ),
        facts AS (
            SELECT origin, required AS other, true AS direct FROM waits
            UNION ALL
            SELECT node, root, false FROM up
        ),
        answers AS (
            SELECT f.origin,
                   array_agg(f.other) FILTER (WHERE f.direct) AS waits_on,
                   string_agg(f.label, '; ') FILTER (WHERE f.direct) AS wait_reason,
                   array_agg(f.other) FILTER (WHERE NOT f.direct) AS root_causes,
                   string_agg(f.label, '; ') FILTER (WHERE NOT f.direct) AS root_cause_reason
            FROM (SELECT f.origin, f.other, f.direct, n.label FROM facts f JOIN scope n ON n.id = f.other
                  ORDER BY f.origin, f.other) f
            GROUP BY f.origin
        )
        SELECT s.booking_id, s.id, s.role, v.name AS vendor_name, a.waits_on, a.root_causes,
               s.role || ' waits on ' || a.wait_reason AS reason, a.root_cause_reason
        FROM answers a
        JOIN scope s ON s.id = a.origin
        JOIN vendors v ON v.id = s.vendor_id
        ORDER BY s.booking_id, s.id
        """
    }

    /// The planner cannot estimate a recursive CTE (it guesses ten times its first step), so it
    /// sorts `waits` for a merge join on every step of the walk; a hash join builds one table and
    /// reuses it. Merge joins are turned off for this one query over all active events or a shard
    /// of them (a quarter of its time); one booking's graph is a few dozen rows, not worth the two
    /// round trips.
    public static func blockedSettings(_ scope: VendorGraphScope) -> KeyValuePairs<String, String> {
        scope.isManyEvents ? ["enable_mergejoin": "off"] : [:]
    }

    public static func blocked(_ c: Connection, _ scope: VendorGraphScope) throws -> [BlockedVendorAssignment] {
        try c.withSettings(blockedSettings(scope)) { c in try c.query(blockedSQL(scope), scope.parameters) }.map { row in
            BlockedVendorAssignment(bookingID: try row.decode("booking_id"), id: try row.decode("id"), role: try row.decode("role"),
                                    vendorName: try row.decode("vendor_name"), waitsOn: try row.decode("waits_on"),
                                    rootCauses: try row.decode("root_causes"), reason: try row.decode("reason"),
                                    rootCauseReason: try row.decode("root_cause_reason"))
        }
    }

    /// The blocked assignments of every active event, read in up to `shards` parts at once, each on
    /// its own pooled connection: what `blocked(_:_:)` answers for `.activeEvents`, in the same
    /// order, in about 1/shards of the time when the database server has the cores.
    public static func blocked(_ database: Database, shards: Int) async throws -> [BlockedVendorAssignment] {
        // Ranges ascend and each part is ordered by (booking, id): joined in order they are sorted.
        try await acrossActiveEvents(database, shards: shards) { c, scope in try blocked(c, scope) }.flatMap { $0 }
    }

    /// `criticalPaths(_:_:)` of every active event, read in up to `shards` parts at once.
    public static func criticalPaths(_ database: Database, shards: Int) async throws -> [Int64: [Int64]] {
        try await acrossActiveEvents(database, shards: shards) { c, scope in try criticalPaths(c, scope) }
            .reduce(into: [:]) { all, part in all.merge(part) { first, _ in first } }
    }

    /// `scheduleConflicts(_:_:)` of every active event, read in up to `shards` parts at once, in the same order.
    public static func scheduleConflicts(_ database: Database, shards: Int) async throws -> [VendorScheduleConflict] {
        try await acrossActiveEvents(database, shards: shards) { c, scope in try scheduleConflicts(c, scope) }.flatMap { $0 }
    }

    /// `read` run for each shard of the active events at once, each on its own pooled connection,
    /// the parts in shard order (a single `.activeEvents` read when one shard is asked for or the
    /// pool has one connection, as in a CGI process).
    ///
    /// The shards are ranges of booking ids holding equal numbers of active events, and together
    /// they cover every id, so a booking that becomes active meanwhile is not lost. Each booking's
    /// graph is read whole in one snapshot; two bookings may be read a few milliseconds apart,
    /// which is as consistent as a dashboard of separate events needs.
    static func acrossActiveEvents<T: Sendable>(_ database: Database, shards: Int,
                                                _ read: @escaping @Sendable (Connection, VendorGraphScope) throws -> T) async throws -> [T] {
        let count = max(1, min(shards, database.pool.maxConnections))
        if count == 1 { return [try await database.withConnection { c in try read(c, .activeEvents) }] }
        let ranges = try await database.withConnection { c in try activeEventShards(c, count: count) }
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for (index, range) in ranges.enumerated() {
                group.addTask { (index, try await database.withConnection { c in try read(c, .activeEventsIn(range)) }) }
            }
            var parts: [Int: T] = [:]
            for try await (index, part) in group { parts[index] = part }
            return ranges.indices.map { parts[$0]! }
        }
    }

    /// Up to `count` ranges of booking ids, ascending, each holding about as many active events,
    /// from `Int64.min` to `Int64.max` without gaps.
    public static func activeEventShards(_ c: Connection, count: Int) throws -> [ClosedRange<Int64>] {
        let lasts: [Int64] = try c.query("""
            SELECT max(id) AS last FROM (
                SELECT id, ntile($1::int) OVER (ORDER BY id) AS shard FROM bookings
                WHERE state IN ('deposit_paid', 'active_preparation')) s
            GROUP BY shard ORDER BY shard
            """, max(1, count)).map { try $0.decode("last") }
        var ranges: [ClosedRange<Int64>] = []
        var lower = Int64.min
        for last in lasts.dropLast() {
            ranges.append(lower...last)
            lower = last + 1
        }
        ranges.append(lower...Int64.max)
        return ranges
    }

    /// Edges whose dependent is due strictly before what it waits on; cancelled ends are ignored.
    public static func scheduleConflictsSQL(_ scope: VendorGraphScope) -> String {
        """
        SELECT a.booking_id, a.id AS dependent, r.id AS required, a.milestone_date::text AS dependent_date,
               r.milestone_date::text AS required_date,
               a.role || ' is due on ' || a.milestone_date::text || ' but waits on ' || r.role || ', due later on '
                   || r.milestone_date::text AS reason
        FROM (\(scope.assignments(open: false, columns: "a.id, a.booking_id, a.role, a.milestone_date"))) a
        JOIN vendor_dependencies d ON d.dependent_assignment_id = a.id
        JOIN vendor_assignments r ON r.id = d.required_assignment_id
        WHERE r.status <> 'cancelled' AND a.milestone_date < r.milestone_date
        ORDER BY a.booking_id, a.id, r.id
        """
    }

    public static func scheduleConflicts(_ c: Connection, _ scope: VendorGraphScope) throws -> [VendorScheduleConflict] {
        try c.query(scheduleConflictsSQL(scope), scope.parameters).map { row in
            let d: String = try row.decode("dependent_date"), r: String = try row.decode("required_date")
            guard let dependentDate = CalendarDay(d), let requiredDate = CalendarDay(r) else {
                throw PostgresError(kind: .decoding, message: "milestone dates \(d) / \(r)")
            }
            return VendorScheduleConflict(bookingID: try row.decode("booking_id"), dependent: try row.decode("dependent"),
                                          required: try row.decode("required"), dependentDate: dependentDate,
                                          requiredDate: requiredDate, reason: try row.decode("reason"))
        }
    }

    /// The longest chain of unfinished assignments per booking, work order first (each element waits
    /// on the one before). `height(node, h)`: some chain of h unfinished assignments starts at node
    /// (counted from the last dependents; UNION keeps each pair once, so the work is bounded by
    /// nodes × chain lengths, not by the number of paths). `step` picks each node's smallest
    /// dependent one lower, the walk starts at the smallest id of greatest height and follows
    /// `step`: the lexicographically smallest longest chain, as `VendorGraph.criticalPath()` defines it.
    public static func criticalPathSQL(_ scope: VendorGraphScope) -> String {
        """
        WITH RECURSIVE
        scope AS (
            \(scope.assignments(open: true, columns: "a.id, a.booking_id"))
        ),
        edges AS (
            SELECT d.dependent_assignment_id AS dependent, d.required_assignment_id AS required
            FROM scope s
            JOIN vendor_dependencies d ON d.dependent_assignment_id = s.id
            JOIN scope r ON r.id = d.required_assignment_id
        ),
        height(node, h) AS (
            SELECT s.id, 1 FROM scope s WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.required = s.id)
            UNION
            SELECT e.required, height.h + 1 FROM height JOIN edges e ON e.dependent = height.node
        ),
        best AS (SELECT node, max(h) AS h FROM height GROUP BY node),
        -- materialized so the planner joins edges to one height at a time (estimates on CTEs are
        -- blind; without the fence it once cross-joined best with itself)
        edge_heights AS MATERIALIZED (
            SELECT e.required, e.dependent, d.h AS dependent_h FROM edges e JOIN best d ON d.node = e.dependent
        ),
        step AS (
            SELECT x.required AS node, min(x.dependent) AS next
            FROM edge_heights x JOIN best r ON r.node = x.required
            WHERE x.dependent_h = r.h - 1
            GROUP BY x.required
        ),
        starts AS (
            SELECT DISTINCT ON (s.booking_id) s.booking_id, b.node
            FROM best b JOIN scope s ON s.id = b.node
            ORDER BY s.booking_id, b.h DESC, b.node
        ),
        walk(booking_id, node, path) AS (
            SELECT booking_id, node, ARRAY[node] FROM starts
            UNION ALL
            SELECT walk.booking_id, step.next, walk.path || step.next FROM walk JOIN step ON step.node = walk.node
        )
        SELECT DISTINCT ON (booking_id) booking_id, path FROM walk ORDER BY booking_id, cardinality(path) DESC
        """
    }

    /// Booking id -> its critical path (bookings without unfinished assignments are absent).
    public static func criticalPaths(_ c: Connection, _ scope: VendorGraphScope) throws -> [Int64: [Int64]] {
        var out: [Int64: [Int64]] = [:]
        for row in try c.query(criticalPathSQL(scope), scope.parameters) {
            out[try row.decode("booking_id")] = try row.decode("path")
        }
        return out
    }
}
