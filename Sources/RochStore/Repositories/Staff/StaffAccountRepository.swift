import Foundation

/// A staff account as sign-in needs it (the password hash and TOTP key never leave RochApp).
public struct StaffAccount: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    public var phone: String?
    public var role: String
    /// `scrypt$N$r$p$salt$hash`; nil until the person has set a password through their link.
    public var passwordHash: String?
    public var active: Bool
    public var totpSecret: [UInt8]?
    public var totpEnabled: Bool
    public var totpLastStep: Int64?
    public var createdAt: Date
}

/// The team's accounts, their set-password links and recovery codes.
public enum StaffAccountRepository {
    static let columns = """
        id, email, name, phone, role, password_hash, active, totp_secret, totp_enabled_at IS NOT NULL AS totp_enabled,
        totp_last_step, created_at
        """

    public static func find(_ c: Connection, email: String) throws -> StaffAccount? {
        try c.query("SELECT \(columns) FROM staff_users WHERE email = lower($1)", email).first.map(record)
    }

    public static func find(_ c: Connection, id: Int64) throws -> StaffAccount? {
        try c.query("SELECT \(columns) FROM staff_users WHERE id = $1", id).first.map(record)
    }

    public static func all(_ c: Connection) throws -> [StaffAccount] {
        try c.query("SELECT \(columns) FROM staff_users ORDER BY active DESC, role, name").map(record)
    }

    /// Adds an account; nil when the email is already taken.
    public static func insert(_ c: Connection, email: String, name: String, phone: String?, role: String) throws -> Int64? {
        try c.query("""
            INSERT INTO staff_users (email, name, phone, role) VALUES (lower($1), $2, $3, $4)
            ON CONFLICT (email) DO NOTHING RETURNING id
            """, email, name, phone, role).first?.decode("id")
    }

    public static func setPasswordHash(_ c: Connection, id: Int64, hash: String) throws {
        try c.execute("UPDATE staff_users SET password_hash = $2, password_changed_at = now() WHERE id = $1", id, hash)
    }

    /// Replaces the hash only if it is still `old` (a re-hash at sign-in must not undo a password change).
    public static func upgradePasswordHash(_ c: Connection, id: Int64, from old: String, to new: String) throws {
        try c.execute("UPDATE staff_users SET password_hash = $3 WHERE id = $1 AND password_hash = $2", id, old, new)
    }

    /// Disables an account; false when there was nothing to disable.
    public static func disable(_ c: Connection, id: Int64) throws -> Bool {
        try c.execute("UPDATE staff_users SET active = false, disabled_at = now() WHERE id = $1 AND active", id) == 1
    }

    /// A new, not yet confirmed TOTP key (enrolment starts again).
    public static func setPendingTOTP(_ c: Connection, id: Int64, secret: [UInt8]) throws {
        try c.execute("UPDATE staff_users SET totp_secret = $2, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1",
                      id, ByteA(secret))
    }

    /// Records that the code of time step `step` was used; false when it (or a later one) already was,
    /// so a code works once even when two requests race.
    public static func useTOTPStep(_ c: Connection, id: Int64, step: Int64, enabling: Bool) throws -> Bool {
        try c.execute("""
            UPDATE staff_users SET totp_last_step = $2,
                   totp_enabled_at = CASE WHEN $3 THEN coalesce(totp_enabled_at, now()) ELSE totp_enabled_at END
            WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
            """, id, step, enabling) == 1
    }

    // MARK: set-password and reset links

    /// Stores a link's hash and voids the account's earlier unused links.
    public static func insertPasswordToken(_ c: Connection, hash: ByteA, staffID: Int64, purpose: String, expiresAt: Date) throws {
        try c.execute("UPDATE staff_password_tokens SET used_at = now() WHERE staff_user_id = $1 AND used_at IS NULL", staffID)
        try c.execute("""
            INSERT INTO staff_password_tokens (token_hash, staff_user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)
            """, hash, staffID, purpose, expiresAt)
    }

    /// The account a link is for, while it is unused and unexpired (does not use it up).
    public static func passwordTokenOwner(_ c: Connection, hash: ByteA, now: Date) throws -> Int64? {
        try c.query("""
            SELECT t.staff_user_id FROM staff_password_tokens t JOIN staff_users u ON u.id = t.staff_user_id
            WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.active
            """, hash, now).first?.decode("staff_user_id")
    }

    /// Uses a link up; returns its account, or nil when it was unknown, used or expired.
    public static func usePasswordToken(_ c: Connection, hash: ByteA, now: Date) throws -> Int64? {
        try c.query("""
            UPDATE staff_password_tokens t SET used_at = now() FROM staff_users u
            WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.id = t.staff_user_id AND u.active
            RETURNING t.staff_user_id
            """, hash, now).first?.decode("staff_user_id")
    }

    // MARK: recovery codes

    public static func replaceRecoveryCodes(_ c: Connection, staffID: Int64, hashes: [ByteA]) throws {
        try c.execute("DELETE FROM staff_recovery_codes WHERE staff_user_id = $1", staffID)
        for h in hashes {
            try c.execute("INSERT INTO staff_recovery_codes (staff_user_id, code_hash) VALUES ($1, $2)", staffID, h)
        }
    }

    /// Uses one recovery code up; false when it is not one of the account's unused codes.
    public static func useRecoveryCode(_ c: Connection, staffID: Int64, hash: ByteA) throws -> Bool {
        try c.execute("""
            UPDATE staff_recovery_codes SET used_at = now() WHERE staff_user_id = $1 AND code_hash = $2 AND used_at IS NULL
            """, staffID, hash) == 1
    }

    public static func unusedRecoveryCodes(_ c: Connection, staffID: Int64) throws -> Int {
        try c.query("SELECT count(*)::int AS n FROM staff_recovery_codes WHERE staff_user_id = $1 AND used_at IS NULL",
                    staffID).first!.decode("n")
    }

    static func record(_ row: Row) throws -> StaffAccount {
        StaffAccount(id: try row.decode("id"), email: try row.decode("email"), name: try row.decode("name"),
                     phone: try row.decode("phone"), role: try row.decode("role"), passwordHash: try row.decode("password_hash"),
                     active: try row.decode("active"), totpSecret: try row.decode("totp_secret", as: ByteA?.self)?.bytes,
                     totpEnabled: try row.decode("totp_enabled"), totpLastStep: try row.decode("totp_last_step"),
                     createdAt: try row.decode("created_at"))
    }
}

extension StaffAccountRepository {
    /// Turns TOTP on with a known key at once (development seed data only; people enrol through the page).
    public static func enableTOTP(_ c: Connection, id: Int64, secret: [UInt8]) throws {
        try c.execute("""
            UPDATE staff_users SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = NULL WHERE id = $1
            """, id, ByteA(secret))
    }
}
