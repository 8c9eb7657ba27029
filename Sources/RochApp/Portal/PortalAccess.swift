import Crypto
import Foundation
import RochHTTP
import RochStore

/// Magic links and portal sessions: 256-bit random secrets, stored as SHA-256 hashes only.
public enum PortalAccess {
    /// The session cookie over plain HTTP (development): HttpOnly, SameSite=Lax.
    public static let cookieName = "roch_portal"
    /// The session cookie over TLS: `__Host-` makes the browser refuse it unless it is Secure, host-only
    /// and Path=/, so a sibling subdomain or a plain-HTTP response cannot plant or overwrite it.
    public static let secureCookieName = "__Host-roch_portal"

    /// The cookie name for this request's scheme. Over TLS only the `__Host-` cookie is read.
    public static func cookieName(for request: Request) -> String {
        request.isSecure ? secureCookieName : cookieName
    }
    /// How long a link sent on a client's request stays usable.
    public static let requestedLinkLifetime: TimeInterval = 24 * 3600
    /// How long a link sent with a booking message (confirmation, payment receipt) stays usable.
    public static let momentLinkLifetime: TimeInterval = 14 * 24 * 3600
    /// How long a signed-in browser stays signed in.
    public static let sessionLifetime: TimeInterval = 30 * 24 * 3600

    /// A new secret: 32 bytes from the system CSPRNG, base64url without padding (43 characters).
    public static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ -> [UInt8] in
            withUnsafeBytes(of: rng.next() as UInt64) { Array($0) }
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The stored form of a secret. Anything that is not a well-formed secret hashes to a value no row has.
    public static func hash(_ secret: String) -> ByteA {
        ByteA(Array(SHA256.hash(data: Data(secret.utf8))))
    }

    /// A secret looks like ours: 43 base64url characters. Checked before any database work.
    public static func isWellFormed(_ secret: String) -> Bool {
        secret.utf8.count == 43 && secret.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2d || b == 0x5f
        }
    }

    /// Mints a magic link for a client in the caller's transaction and returns its URL.
    public static func issueLink(_ c: Connection, clientID: Int64, issuedBy: String, lifetime: TimeInterval,
                                 siteURL: String, now: Date = Date()) throws -> String {
        let secret = newSecret()
        try PortalAccessRepository.insertToken(c, hash: hash(secret), clientID: clientID, issuedBy: issuedBy,
                                               expiresAt: now.addingTimeInterval(lifetime))
        return linkURL(siteURL: siteURL, secret: secret)
    }

    public static func linkURL(siteURL: String, secret: String) -> String {
        "\(siteURL)/api/portal/open?token=\(secret)"
    }

    /// Exchanges a link's secret for a new session; returns the session secret, or nil when the
    /// link is unknown, expired or revoked.
    public static func open(_ c: Connection, linkSecret: String, now: Date = Date()) throws -> (secret: String, session: PortalSessionRecord)? {
        guard isWellFormed(linkSecret) else { return nil }
        return try c.transaction { c in
            guard let token = try PortalAccessRepository.useToken(c, hash: hash(linkSecret)) else { return nil }
            let secret = newSecret()
            let expires = now.addingTimeInterval(sessionLifetime)
            let id = try PortalAccessRepository.insertSession(c, hash: hash(secret), clientID: token.clientID, tokenID: token.id,
                                                              expiresAt: expires)
            return (secret, PortalSessionRecord(id: id, clientID: token.clientID, expiresAt: expires))
        }
    }

    /// The live session named by the request's cookie, if any.
    public static func session(for request: Request, on c: Connection) throws -> PortalSessionRecord? {
        guard let secret = request.cookies[cookieName(for: request)], isWellFormed(secret) else { return nil }
        guard let s = try PortalAccessRepository.activeSession(c, hash: hash(secret)) else { return nil }
        try PortalAccessRepository.touch(c, sessionID: s.id)
        return s
    }

    /// The session cookie for a new session: `__Host-` and Secure whenever the request came over TLS
    /// (CGI `HTTPS=on`, which nginx's TLS server sets); plain `roch_portal` for development over http.
    public static func cookie(secret: String, request: Request) -> SetCookie {
        SetCookie(name: cookieName(for: request), value: secret, path: "/", domain: nil, maxAge: Int(sessionLifetime),
                  httpOnly: true, secure: request.isSecure, sameSite: .lax)
    }

    /// Tells the browser to forget the session cookie (the same name, path and attributes it was set with).
    public static func clearedCookie(request: Request) -> SetCookie {
        SetCookie(name: cookieName(for: request), value: "", path: "/", domain: nil, maxAge: 0, httpOnly: true,
                  secure: request.isSecure, sameSite: .lax)
    }

    static let signInRequired = HTTPError(401, code: "sign_in_required",
        "Please open the sign-in link we sent you, or ask for a new one with your phone number.")
}
