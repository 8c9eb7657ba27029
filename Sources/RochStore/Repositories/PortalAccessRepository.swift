import Foundation

/// A magic-link token as stored (its hash only).
public struct PortalTokenRecord: Sendable, Equatable {
    public var id: Int64
    public var clientID: Int64
    public var expiresAt: Date
    public var revokedAt: Date?
}

/// A signed-in client: the session a valid magic link opened.
public struct PortalSessionRecord: Sendable, Equatable {
    public var id: Int64
    public var clientID: Int64
    public var expiresAt: Date

    public init(id: Int64, clientID: Int64, expiresAt: Date) {
        self.id = id
        self.clientID = clientID
        self.expiresAt = expiresAt
    }
}

/// Magic-link tokens and portal sessions. Callers pass SHA-256 hashes; raw values never reach SQL.
public enum PortalAccessRepository {
    /// Carries `revoke:<client id>` so open event streams re-check their session at once.
    public static let channel = TimelineRepository.channel

    @discardableResult
    public static func insertToken(_ c: Connection, hash: ByteA, clientID: Int64, issuedBy: String, expiresAt: Date) throws -> Int64 {
        try c.query("""
            INSERT INTO portal_tokens (token_hash, client_id, issued_by, expires_at) VALUES ($1, $2, $3, $4) RETURNING id
            """, hash, clientID, issuedBy, expiresAt).first!.decode("id")
    }

    /// The token if it exists, is not revoked and has not expired; counts the use.
    public static func useToken(_ c: Connection, hash: ByteA) throws -> PortalTokenRecord? {
        try c.query("""
            UPDATE portal_tokens SET uses = uses + 1, last_used_at = now()
            WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
            RETURNING id, client_id, expires_at, revoked_at
            """, hash).first.map { row in
            PortalTokenRecord(id: try row.decode("id"), clientID: try row.decode("client_id"),
                              expiresAt: try row.decode("expires_at"), revokedAt: try row.decode("revoked_at"))
        }
    }

    public static func insertSession(_ c: Connection, hash: ByteA, clientID: Int64, tokenID: Int64?, expiresAt: Date) throws -> Int64 {
        try c.query("""
            INSERT INTO portal_sessions (token_hash, client_id, portal_token_id, expires_at) VALUES ($1, $2, $3, $4) RETURNING id
            """, hash, clientID, tokenID, expiresAt).first!.decode("id")
    }

    /// The session if it is live: not revoked, not expired, and opened by a link that is not revoked.
    public static func activeSession(_ c: Connection, hash: ByteA) throws -> PortalSessionRecord? {
        try c.query("""
            SELECT s.id, s.client_id, s.expires_at FROM portal_sessions s
            LEFT JOIN portal_tokens t ON t.id = s.portal_token_id
            WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND t.revoked_at IS NULL
            """, hash).first.map(session)
    }

    /// Like `activeSession`, by id (event streams re-check the session they started with).
    public static func activeSession(_ c: Connection, id: Int64) throws -> PortalSessionRecord? {
        try c.query("""
            SELECT s.id, s.client_id, s.expires_at FROM portal_sessions s
            LEFT JOIN portal_tokens t ON t.id = s.portal_token_id
            WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND t.revoked_at IS NULL
            """, id).first.map(session)
    }

    /// Records activity at most once a minute per session (keeps writes off the hot path).
    public static func touch(_ c: Connection, sessionID: Int64) throws {
        try c.execute("UPDATE portal_sessions SET last_seen_at = now() WHERE id = $1 AND last_seen_at < now() - interval '1 minute'",
                      sessionID)
    }

    /// Signs one session out.
    public static func revokeSession(_ c: Connection, id: Int64) throws {
        let client: Int64? = try c.query("UPDATE portal_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING client_id",
                                          id).first?.decode("client_id")
        if let client { try c.notify(channel, payload: "revoke:\(client)") }
    }

    /// Revokes a link and, through it, every session it opened.
    public static func revokeToken(_ c: Connection, id: Int64) throws {
        let client: Int64? = try c.query("UPDATE portal_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING client_id",
                                          id).first?.decode("client_id")
        if let client { try c.notify(channel, payload: "revoke:\(client)") }
    }

    /// Revokes every link and session of a client (lost phone, wrong person).
    public static func revokeAll(_ c: Connection, clientID: Int64) throws {
        try c.execute("UPDATE portal_tokens SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL", clientID)
        try c.execute("UPDATE portal_sessions SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL", clientID)
        try c.notify(channel, payload: "revoke:\(clientID)")
    }

    /// The client with this phone (E.164), if any: the fresh-link form looks it up.
    public static func client(_ c: Connection, phone: String) throws -> ClientRecord? {
        try ClientRepository.find(c, phone: phone)
    }

    static func session(_ row: Row) throws -> PortalSessionRecord {
        PortalSessionRecord(id: try row.decode("id"), clientID: try row.decode("client_id"), expiresAt: try row.decode("expires_at"))
    }
}
