import Foundation
import RochCore

/// An open or done task with its booking, for the team's task list.
public struct TaskRow: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var assigneeRole: String
    public var assigneeID: Int64?
    public var assigneeName: String?
    public var dueAt: Date?
    public var doneAt: Date?
    public var bookingPublicID: String
    public var bookingCoordinatorID: Int64?
    public var clientName: String
}

/// The task list's reads and the one write (done).
public enum TaskQueries {
    static let select = """
        SELECT t.id, t.title, t.assignee_role, t.assignee_id, s.name AS assignee_name, t.due_at, t.done_at,
               b.public_id, b.coordinator_id, c.name AS client_name
        FROM tasks t JOIN bookings b ON b.id = t.booking_id JOIN clients c ON c.id = b.client_id
        LEFT JOIN staff_users s ON s.id = t.assignee_id
        """

    /// Open tasks, soonest due first (at most `limit`); with `staffID`, only theirs: named for them, or
    /// naming nobody and one of `roles`.
    public static func open(_ c: Connection, staffID: Int64?, roles: [String], limit: Int = 200) throws -> [TaskRow] {
        try c.query(select + """
             WHERE t.done_at IS NULL AND b.state NOT IN ('cancelled')
               AND ($1::bigint IS NULL OR t.assignee_id = $1 OR (t.assignee_id IS NULL AND t.assignee_role = ANY($2::text[])))
            ORDER BY t.due_at NULLS LAST, t.id LIMIT $3
            """, staffID, "{" + roles.joined(separator: ",") + "}", limit).map(row)
    }

    public static func find(_ c: Connection, id: Int64) throws -> TaskRow? {
        try c.query(select + " WHERE t.id = $1", id).first.map(row)
    }

    /// Marks the task done now; false when it already was (a second tap changes nothing).
    public static func markDone(_ c: Connection, id: Int64) throws -> Bool {
        !(try c.query("UPDATE tasks SET done_at = now() WHERE id = $1 AND done_at IS NULL RETURNING id", id).isEmpty)
    }

    static func row(_ r: Row) throws -> TaskRow {
        TaskRow(id: try r.decode("id"), title: try r.decode("title"), assigneeRole: try r.decode("assignee_role"),
                assigneeID: try r.decode("assignee_id"), assigneeName: try r.decode("assignee_name"), dueAt: try r.decode("due_at"),
                doneAt: try r.decode("done_at"), bookingPublicID: try r.decode("public_id"), bookingCoordinatorID: try r.decode("coordinator_id"),
                clientName: try r.decode("client_name"))
    }
}
