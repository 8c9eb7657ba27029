import Foundation
import RochCore

/// A member of the Roch team.
public struct StaffMember: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    public var phone: String?
    public var role: String
}

public enum TeamRepository {
    public static func find(_ c: Connection, id: Int64) throws -> StaffMember? {
        try c.query("SELECT id, email, name, phone, role FROM staff_users WHERE id = $1", id).first.map(record)
    }

    public static func active(_ c: Connection) throws -> [StaffMember] {
        try c.query("SELECT id, email, name, phone, role FROM staff_users WHERE active ORDER BY id").map(record)
    }

    /// Creates a task for the team, due `dueInHours` from now.
    @discardableResult
    public static func createTask(_ c: Connection, bookingID: Int64, title: String, assigneeRole: String,
                                  assigneeID: Int64?, dueInHours: Int) throws -> Int64 {
        try c.query("""
            INSERT INTO tasks (booking_id, title, assignee_role, assignee_id, due_at)
            VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5)) RETURNING id
            """, bookingID, title, assigneeRole, assigneeID, dueInHours).first!.decode("id")
    }

    /// Writes one audit row in the caller's transaction (`AuditLogQueries.record`, the one writer).
    public static func audit(_ c: Connection, actor: String, action: String, entity: String, entityID: String?,
                             details: [String: String] = [:]) throws {
        try AuditLogQueries.record(c, actor: actor, action: action, entity: entity, entityID: entityID, details: details)
    }

    static func record(_ row: Row) throws -> StaffMember {
        StaffMember(id: try row.decode("id"), email: try row.decode("email"), name: try row.decode("name"),
                    phone: try row.decode("phone"), role: try row.decode("role"))
    }
}

/// Fixed-window rate limiting shared by every process (the counters live in PostgreSQL).
public enum RateLimiter {
    public struct Limit: Sendable, Equatable {
        public var hits: Int
        public var windowSeconds: Int
        public init(hits: Int, windowSeconds: Int) {
            self.hits = hits
            self.windowSeconds = windowSeconds
        }

        /// A limit from a setting written "hits/seconds" (e.g. "10/600"); `fallback` when unset or malformed.
        public static func setting(_ key: String, in environment: [String: String], default fallback: Limit) -> Limit {
            guard let value = environment[key] else { return fallback }
            let parts = value.split(separator: "/").compactMap { Int($0) }
            return parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? Limit(hits: parts[0], windowSeconds: parts[1]) : fallback
        }
    }

    /// Counts one hit for `key`; returns nil when allowed, or the seconds until the window resets.
    public static func hit(_ c: Connection, key: String, limit: Limit) throws -> Int? {
        let row = try c.query("""
            WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
            INSERT INTO rate_limits (key, window_start, hits) SELECT $1, w.start, 1 FROM w
            ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
            RETURNING hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2) - now())))::int AS retry
            """, key, limit.windowSeconds).first!
        let hits: Int = try row.decode("hits")
        return hits > limit.hits ? max(1, try row.decode("retry")) : nil
    }

    /// Deletes windows that ended more than a day ago.
    @discardableResult
    public static func prune(_ c: Connection) throws -> Int {
        try c.execute("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'")
    }
}
