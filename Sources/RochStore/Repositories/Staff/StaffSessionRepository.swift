import Foundation

/// A staff sign-in session as stored (only the SHA-256 of the cookie value is kept).
public struct StaffSessionRecord: Sendable, Equatable {
    public var tokenHash: ByteA
    public var staffID: Int64
    /// `second_factor`, `enrol_second_factor` or `signed_in`.
    public var stage: String
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var revoked: Bool
    public var ip: String?
    public var userAgent: String?
    /// The account is still active (a disabled account's sessions are dead too).
    public var accountActive: Bool
}

/// Staff sessions: written at sign-in, read on every admin request, revoked on sign-out and disable.
public enum StaffSessionRepository {
    static let columns = """
        s.token_hash, s.staff_user_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
        s.revoked_at IS NOT NULL AS revoked, s.ip, s.user_agent, u.active
        """

    public static func insert(_ c: Connection, hash: ByteA, staffID: Int64, stage: String, csrfToken: String,
                              createdAt: Date, expiresAt: Date, ip: String?, userAgent: String?) throws {
        try c.execute("""
            INSERT INTO sessions (token_hash, staff_user_id, stage, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
            VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)
            """, hash, staffID, stage, csrfToken, createdAt, expiresAt, ip, userAgent)
    }

    public static func find(_ c: Connection, hash: ByteA) throws -> StaffSessionRecord? {
        try c.query("SELECT \(columns) FROM sessions s JOIN staff_users u ON u.id = s.staff_user_id WHERE s.token_hash = $1",
                    hash).first.map(record)
    }

    /// Moves the idle deadline on. Written at most once a minute per session to spare the database.
    public static func touch(_ c: Connection, hash: ByteA, now: Date) throws {
        try c.execute("""
            UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL AND last_seen_at < $2::timestamptz - interval '1 minute'
            """, hash, now)
    }

    @discardableResult
    public static func revoke(_ c: Connection, hash: ByteA) throws -> Bool {
        try c.execute("UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL", hash) == 1
    }

    /// Revokes every live session of an account; returns how many there were.
    @discardableResult
    public static func revokeAll(_ c: Connection, staffID: Int64) throws -> Int {
        try c.execute("UPDATE sessions SET revoked_at = now() WHERE staff_user_id = $1 AND revoked_at IS NULL", staffID)
    }

    /// The account's sessions that are not revoked and not past their absolute expiry, newest first.
    public static func open(_ c: Connection, staffID: Int64, now: Date) throws -> [StaffSessionRecord] {
        try c.query("""
            SELECT \(columns) FROM sessions s JOIN staff_users u ON u.id = s.staff_user_id
            WHERE s.staff_user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 ORDER BY s.created_at DESC
            """, staffID, now).map(record)
    }

    static func record(_ row: Row) throws -> StaffSessionRecord {
        StaffSessionRecord(tokenHash: try row.decode("token_hash"), staffID: try row.decode("staff_user_id"), stage: try row.decode("stage"),
                           csrfToken: try row.decode("csrf_token"), createdAt: try row.decode("created_at"),
                           lastSeenAt: try row.decode("last_seen_at"), expiresAt: try row.decode("expires_at"),
                           revoked: try row.decode("revoked"), ip: try row.decode("ip"), userAgent: try row.decode("user_agent"),
                           accountActive: try row.decode("active"))
    }
}

/// Wrong sign-ins per key and the locks they cause, shared by every process through PostgreSQL.
public enum SignInThrottle {
    /// The latest lock still in force on any of `keys`, if any.
    public static func lockedUntil(_ c: Connection, keys: [String], now: Date) throws -> Date? {
        try c.query("SELECT max(locked_until) AS until FROM staff_signin_locks WHERE key = ANY($1) AND locked_until > $2",
                    keys, now).first?.decode("until")
    }

    /// Counts a failure against each key; returns the keys this failure locked.
    public static func recordFailure(_ c: Connection, keys: [String], now: Date, maxFailures: Int, windowSeconds: Int,
                                     lockSeconds: Int) throws -> [String] {
        var locked: [String] = []
        for key in keys {
            try c.execute("INSERT INTO staff_signin_failures (key, at) VALUES ($1, $2)", key, now)
            let recent: Int = try c.query("""
                SELECT count(*)::int AS n FROM staff_signin_failures WHERE key = $1 AND at > $2::timestamptz - make_interval(secs => $3)
                """, key, now, windowSeconds).first!.decode("n")
            guard recent >= maxFailures else { continue }
            let changed = try c.execute("""
                INSERT INTO staff_signin_locks (key, locked_at, locked_until) VALUES ($1, $2::timestamptz, $2::timestamptz + make_interval(secs => $3))
                ON CONFLICT (key) DO UPDATE SET locked_at = EXCLUDED.locked_at, locked_until = EXCLUDED.locked_until
                WHERE staff_signin_locks.locked_until <= EXCLUDED.locked_at
                """, key, now, lockSeconds)
            if changed == 1 { locked.append(key) }
        }
        try c.execute("DELETE FROM staff_signin_failures WHERE at < $1::timestamptz - interval '1 day'", now)
        return locked
    }

    /// Forgets a key's failures (after a successful sign-in to that account).
    public static func clearFailures(_ c: Connection, key: String) throws {
        try c.execute("DELETE FROM staff_signin_failures WHERE key = $1", key)
    }

    /// Lifts a lock and forgets the failures behind it; false when the key was neither locked nor failing.
    public static func unlock(_ c: Connection, key: String) throws -> Bool {
        let locks = try c.execute("DELETE FROM staff_signin_locks WHERE key = $1", key)
        let failures = try c.execute("DELETE FROM staff_signin_failures WHERE key = $1", key)
        return locks + failures > 0
    }
}
