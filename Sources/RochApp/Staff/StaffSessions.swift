import Foundation
import RochCore
import RochHTTP
import RochStore

/// Where a staff request came from, for the throttle and the audit trail.
public struct StaffClient: Sendable, Equatable {
    public var ip: String
    public var userAgent: String?

    public init(ip: String, userAgent: String? = nil) {
        self.ip = ip
        self.userAgent = userAgent
    }

    public init(_ request: Request) {
        self.init(ip: request.remoteAddress, userAgent: request.headers["user-agent"])
    }
}

/// How far a session has come through sign-in.
public enum StaffSessionStage: String, Sendable {
    /// The password was right; a TOTP or recovery code is still due.
    case secondFactor = "second_factor"
    /// An owner without TOTP: they must set it up before anything else.
    case enrolSecondFactor = "enrol_second_factor"
    case signedIn = "signed_in"
}

/// A live staff session with its account.
public struct StaffSession: Sendable {
    public var tokenHash: ByteA
    public var account: StaffAccount
    public var role: StaffRole
    public var stage: StaffSessionStage
    /// The value every form of this session carries in its hidden `csrf` field.
    public var csrfToken: String
    public var createdAt: Date
}

/// Server-side staff sessions: the cookie holds a 256-bit secret, the database its SHA-256. A session
/// dies when revoked, when its account is disabled, after `idle` without a request or `absolute` after sign-in.
public struct StaffSessions: Sendable {
    /// `__Host-`: the browser only keeps it when Secure, Path=/ and without Domain, so no subdomain or
    /// plain-HTTP page can plant one (session fixation by cookie tossing).
    public static let cookieName = "__Host-roch_staff"
    /// How long the half-way stages (second factor, enrolment) stay usable.
    public static let pendingLifetime: TimeInterval = 15 * 60

    public var idle: TimeInterval
    public var absolute: TimeInterval

    public init(idle: TimeInterval, absolute: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
    }

    public init(configuration: Configuration) {
        self.init(idle: configuration.staffSessionIdle, absolute: configuration.staffSessionAbsolute)
    }

    /// Opens a new session (always a new secret: no fixation) and returns the cookie's value.
    public func start(_ c: Connection, staffID: Int64, stage: StaffSessionStage, client: StaffClient, now: Date) throws -> String {
        let secret = PortalAccess.newSecret()
        let lifetime = stage == .signedIn ? absolute : Self.pendingLifetime
        try StaffSessionRepository.insert(c, hash: PortalAccess.hash(secret), staffID: staffID, stage: stage.rawValue,
                                          csrfToken: PortalAccess.newSecret(), createdAt: now, expiresAt: now.addingTimeInterval(lifetime),
                                          ip: client.ip, userAgent: client.userAgent.map { String($0.prefix(300)) })
        return secret
    }

    /// The live session a cookie value names, or nil (unknown, revoked, disabled account, idle or expired).
    /// A live session's idle deadline moves on.
    public func current(_ c: Connection, secret: String?, now: Date) throws -> StaffSession? {
        guard let secret, PortalAccess.isWellFormed(secret) else { return nil }
        let hash = PortalAccess.hash(secret)
        guard let record = try StaffSessionRepository.find(c, hash: hash), isLive(record, now: now),
              let stage = StaffSessionStage(rawValue: record.stage),
              let account = try StaffAccountRepository.find(c, id: record.staffID), let role = StaffRole(rawValue: account.role) else { return nil }
        try StaffSessionRepository.touch(c, hash: hash, now: now)
        return StaffSession(tokenHash: hash, account: account, role: role, stage: stage, csrfToken: record.csrfToken, createdAt: record.createdAt)
    }

    public func isLive(_ record: StaffSessionRecord, now: Date) -> Bool {
        !record.revoked && record.accountActive && now < record.expiresAt
            && now < record.createdAt.addingTimeInterval(absolute) && now < record.lastSeenAt.addingTimeInterval(idle)
    }

    /// The session cookie from a request, if any.
    public static func secret(in request: Request) -> String? { request.cookies[cookieName] }

    /// HttpOnly, SameSite=Strict, Path=/, no Max-Age (gone when the browser closes; the server ends it anyway).
    /// Secure always: a `__Host-` cookie needs it, and browsers accept it from http://localhost in development.
    public static func cookie(secret: String) -> SetCookie {
        SetCookie(name: cookieName, value: secret, path: "/", httpOnly: true, secure: true, sameSite: .strict)
    }

    public static func clearedCookie() -> SetCookie {
        SetCookie(name: cookieName, value: "", path: "/", maxAge: 0, httpOnly: true, secure: true, sameSite: .strict)
    }
}
