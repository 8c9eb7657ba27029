import Foundation
import RochCore

/// What the client has been given and has opened: portal links and the sessions they started.
public struct PortalAccessHistory: Sendable {
    public struct Link: Sendable {
        public var id: Int64
        public var issuedBy: String
        public var createdAt: Date
        public var expiresAt: Date
        public var revokedAt: Date?
        public var uses: Int
        public var lastUsedAt: Date?
    }

    public struct Visit: Sendable {
        public var createdAt: Date
        public var lastSeenAt: Date
        public var expiresAt: Date
        public var revokedAt: Date?
    }

    public var links: [Link]
    public var visits: [Visit]
}

public enum ClientTimelineQueries {
    /// The client's portal links and sessions, newest first (at most 50 of each).
    public static func access(_ c: Connection, clientID: Int64) throws -> PortalAccessHistory {
        let links = try c.query("""
            SELECT id, issued_by, created_at, expires_at, revoked_at, uses, last_used_at FROM portal_tokens
            WHERE client_id = $1 ORDER BY id DESC LIMIT 50
            """, clientID).map { row in
            PortalAccessHistory.Link(id: try row.decode("id"), issuedBy: try row.decode("issued_by"), createdAt: try row.decode("created_at"),
                                     expiresAt: try row.decode("expires_at"), revokedAt: try row.decode("revoked_at"),
                                     uses: try row.decode("uses"), lastUsedAt: try row.decode("last_used_at"))
        }
        let visits = try c.query("""
            SELECT s.created_at, s.last_seen_at, s.expires_at, COALESCE(s.revoked_at, t.revoked_at) AS revoked_at
            FROM portal_sessions s LEFT JOIN portal_tokens t ON t.id = s.portal_token_id
            WHERE s.client_id = $1 ORDER BY s.id DESC LIMIT 50
            """, clientID).map { row in
            PortalAccessHistory.Visit(createdAt: try row.decode("created_at"), lastSeenAt: try row.decode("last_seen_at"),
                                      expiresAt: try row.decode("expires_at"), revokedAt: try row.decode("revoked_at"))
        }
        return PortalAccessHistory(links: links, visits: visits)
    }

    /// Revokes the client's link `tokenID` (and its sessions); false when it is not this client's or already revoked.
    public static func revokeLink(_ c: Connection, clientID: Int64, tokenID: Int64) throws -> Bool {
        guard try c.query("SELECT 1 FROM portal_tokens WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL", tokenID, clientID).first != nil else {
            return false
        }
        try PortalAccessRepository.revokeToken(c, id: tokenID)
        return true
    }
}
