import Foundation
import RochCore

/// Which vendor graphs a query looks at.
public enum VendorGraphScope: Sendable, Equatable {
    case booking(Int64)
    /// Every booking whose event is confirmed and not yet over (deposit_paid, active_preparation).
    case activeEvents

    /// Constant SQL (no values spliced) restricting `vendor_assignments a` to the scope; `$1` is the booking id.
    var assignmentFilter: String {
        switch self {
        case .booking: return "a.booking_id = $1"
        case .activeEvents:
            return "a.booking_id IN (SELECT id FROM bookings WHERE state IN ('deposit_paid', 'active_preparation'))"
        }
    }

    var parameters: [SQLEncodable?] {
        switch self {
        case .booking(let id): return [id]
        case .activeEvents: return []
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
    /// the reason in words. `scope` holds the unfinished assignments of the scope and `waits` the
    /// edges between two of them (a requirement is in the dependent's booking, so an unfinished
    /// requirement is always in scope); base tables are read once, through their indexes when the
    /// scope is small. `reach(origin, node)` walks waits transitively (UNION keeps each pair once,
    /// so the walk is linear in the reachable edges); roots are reached nodes that wait on nobody.
    public static func blockedSQL(_ scope: VendorGraphScope) -> String {
        """
        WITH RECURSIVE
        scope AS (
            SELECT a.id, a.booking_id, a.role, a.vendor_id, a.status, a.milestone_text FROM vendor_assignments a
            WHERE \(scope.assignmentFilter) AND a.status NOT IN ('delivered', 'cancelled')
        ),
        waits AS (
            SELECT d.dependent_assignment_id AS origin, d.required_assignment_id AS required
            FROM scope s
            JOIN vendor_dependencies d ON d.dependent_assignment_id = s.id
            JOIN scope r ON r.id = d.required_assignment_id
        ),
        reach(origin, node) AS (
            SELECT origin, required FROM waits
            UNION
            SELECT reach.origin, w.required FROM reach JOIN waits w ON w.origin = reach.node
        ),
        roots AS (
            SELECT reach.origin, array_agg(reach.node ORDER BY reach.node) AS nodes,
                   string_agg(\(waitText("ra")), '; ' ORDER BY reach.node) AS reason
            FROM reach JOIN scope ra ON ra.id = reach.node
            WHERE NOT EXISTS (SELECT 1 FROM waits w WHERE w.origin = reach.node)
            GROUP BY reach.origin
        )
        SELECT s.booking_id, s.id, s.role, v.name AS vendor_name,
               array_agg(w.required ORDER BY w.required) AS waits_on, roots.nodes AS root_causes,
               s.role || ' waits on ' || string_agg(\(waitText("r")), '; ' ORDER BY w.required) AS reason,
               roots.reason AS root_cause_reason
        FROM waits w
        JOIN scope s ON s.id = w.origin
        JOIN scope r ON r.id = w.required
        JOIN vendors v ON v.id = s.vendor_id
        JOIN roots ON roots.origin = s.id
        GROUP BY s.booking_id, s.id, s.role, v.name, roots.nodes, roots.reason
        ORDER BY s.booking_id, s.id
        """
    }

    public static func blocked(_ c: Connection, _ scope: VendorGraphScope) throws -> [BlockedVendorAssignment] {
        try c.query(blockedSQL(scope), scope.parameters).map { row in
            BlockedVendorAssignment(bookingID: try row.decode("booking_id"), id: try row.decode("id"), role: try row.decode("role"),
                                    vendorName: try row.decode("vendor_name"), waitsOn: try row.decode("waits_on"),
                                    rootCauses: try row.decode("root_causes"), reason: try row.decode("reason"),
                                    rootCauseReason: try row.decode("root_cause_reason"))
        }
    }

    /// Edges whose dependent is due strictly before what it waits on; cancelled ends are ignored.
    public static func scheduleConflictsSQL(_ scope: VendorGraphScope) -> String {
        """
        SELECT a.booking_id, a.id AS dependent, r.id AS required, a.milestone_date::text AS dependent_date,
               r.milestone_date::text AS required_date,
               a.role || ' is due on ' || a.milestone_date::text || ' but waits on ' || r.role || ', due later on '
                   || r.milestone_date::text AS reason
        FROM vendor_assignments a
        JOIN vendor_dependencies d ON d.dependent_assignment_id = a.id
        JOIN vendor_assignments r ON r.id = d.required_assignment_id
        WHERE \(scope.assignmentFilter) AND a.status <> 'cancelled' AND r.status <> 'cancelled'
          AND a.milestone_date < r.milestone_date
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
            SELECT a.id, a.booking_id FROM vendor_assignments a
            WHERE \(scope.assignmentFilter) AND a.status NOT IN ('delivered', 'cancelled')
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
