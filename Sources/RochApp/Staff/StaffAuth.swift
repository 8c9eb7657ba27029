import Crypto
import Foundation
import RochCore
import RochStore

/// Staff sign-in: password, then TOTP or a recovery code, with the throttle and an audit row for every
/// attempt. Each method runs on the caller's connection (the admin function's pool or the CLI's).
public struct StaffAuth: Sendable {
    public var sessions: StaffSessions
    public var hasher: PasswordHasher
    public var throttle: SignInThrottlePolicy

    /// The one message for every failed sign-in: it does not say whether the account exists.
    public static let refusal = "That email and password do not match an active account. Check both and try again."
    public static let codeRefusal = "That code is not right (or was already used). Type the six digits your app shows now, or a recovery code."

    public init(sessions: StaffSessions, hasher: PasswordHasher = .standard, throttle: SignInThrottlePolicy = SignInThrottlePolicy()) {
        self.sessions = sessions
        self.hasher = hasher
        self.throttle = throttle
    }

    /// What a sign-in step came to.
    public enum Outcome: Sendable, Equatable {
        /// A new session (the cookie's value) at `stage`.
        case session(secret: String, stage: StaffSessionStage)
        case refused(String)
        case locked(until: Date)
    }

    /// A hash nobody's password matches, verified when the account is unknown so both cases take as long.
    var decoyHash: String { "scrypt$\(hasher.n)$\(hasher.r)$\(hasher.p)$" + String(repeating: "0", count: 32) + "$" + String(repeating: "0", count: 64) }

    public func signIn(_ c: Connection, email rawEmail: String, password: String, client: StaffClient, now: Date = Date()) throws -> Outcome {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let keys = throttleKeys(email: email, client: client)
        if let until = try SignInThrottle.lockedUntil(c, keys: keys, now: now) {
            try audit(c, actor: "anonymous", action: "staff.sign_in_refused_locked", entityID: nil, details: ["email": String(email.prefix(200))], client: client)
            return .locked(until: until)
        }
        let account = email.isEmpty || password.count > PasswordPolicy.maximumLength ? nil : try StaffAccountRepository.find(c, email: email)
        let hash = account?.passwordHash ?? decoyHash
        let matches = hasher.verify(password, against: hash) && account?.passwordHash != nil
        guard let account, account.active, matches else {
            return try failed(c, keys: keys, actor: "anonymous", action: "staff.sign_in_failed", entityID: account.map { String($0.id) },
                              details: ["email": String(email.prefix(200))], client: client, now: now, message: Self.refusal)
        }
        try SignInThrottle.clearFailures(c, key: SignInThrottlePolicy.accountKey(email: email))
        if hasher.needsRehash(hash) {
            try StaffAccountRepository.upgradePasswordHash(c, id: account.id, from: hash, to: try hasher.hash(password))
        }
        let stage: StaffSessionStage = account.totpEnabled ? .secondFactor : account.role == StaffRole.owner.rawValue ? .enrolSecondFactor : .signedIn
        let secret = try sessions.start(c, staffID: account.id, stage: stage, client: client, now: now)
        try audit(c, actor: "staff:\(account.id)", action: stage == .signedIn ? "staff.sign_in" : "staff.password_accepted",
                  entityID: String(account.id), details: ["stage": stage.rawValue], client: client)
        return .session(secret: secret, stage: stage)
    }

    /// The second step: a TOTP code or a recovery code. Success replaces the half-way session with a full one.
    public func secondFactor(_ c: Connection, session: StaffSession, code: String, client: StaffClient, now: Date = Date()) throws -> Outcome {
        guard session.stage == .secondFactor, let key = session.account.totpSecret, session.account.totpEnabled else {
            return .refused("Sign in with your password first.")
        }
        let keys = throttleKeys(email: session.account.email, client: client)
        if let until = try SignInThrottle.lockedUntil(c, keys: keys, now: now) { return .locked(until: until) }
        var how = "totp"
        var accepted = false
        if let step = OneTimePasswordCrypto.totp.matchingStep(code, key: key, unixTime: Int64(now.timeIntervalSince1970),
                                                              after: session.account.totpLastStep.map { UInt64(max(0, $0)) }) {
            accepted = try StaffAccountRepository.useTOTPStep(c, id: session.account.id, step: Int64(step), enabling: false)
        } else if let normalised = RecoveryCodes.normalise(code) {
            how = "recovery_code"
            accepted = try StaffAccountRepository.useRecoveryCode(c, staffID: session.account.id, hash: RecoveryCodes.hash(normalised))
        }
        let id = String(session.account.id)
        guard accepted else {
            return try failed(c, keys: keys, actor: "staff:\(id)", action: "staff.second_factor_failed", entityID: id, details: [:],
                              client: client, now: now, message: Self.codeRefusal)
        }
        try SignInThrottle.clearFailures(c, key: SignInThrottlePolicy.accountKey(email: session.account.email))
        return try promote(c, session: session, action: "staff.sign_in", details: ["second_factor": how], client: client, now: now)
    }

    /// The TOTP key being set up: the pending one if enrolment already started, else a new one.
    public func enrolmentSecret(_ c: Connection, session: StaffSession) throws -> [UInt8] {
        if let pending = session.account.totpSecret, !session.account.totpEnabled { return pending }
        let secret = OneTimePasswordCrypto.newSecret()
        try StaffAccountRepository.setPendingTOTP(c, id: session.account.id, secret: secret)
        return secret
    }

    /// Confirms enrolment with a code from the app: TOTP is on, ten recovery codes are made (shown once)
    /// and the session becomes a full one. nil when the code does not match.
    public func confirmEnrolment(_ c: Connection, session: StaffSession, code: String, client: StaffClient,
                                 now: Date = Date()) throws -> (secret: String, recoveryCodes: [String])? {
        guard session.stage == .enrolSecondFactor || (session.stage == .signedIn && !session.account.totpEnabled),
              let key = session.account.totpSecret, !session.account.totpEnabled,
              let step = OneTimePasswordCrypto.totp.matchingStep(code, key: key, unixTime: Int64(now.timeIntervalSince1970)),
              try StaffAccountRepository.useTOTPStep(c, id: session.account.id, step: Int64(step), enabling: true) else {
            try audit(c, actor: "staff:\(session.account.id)", action: "staff.totp_enrolment_failed", entityID: String(session.account.id),
                      details: [:], client: client)
            return nil
        }
        let codes = RecoveryCodes.make()
        try StaffAccountRepository.replaceRecoveryCodes(c, staffID: session.account.id, hashes: codes.map { RecoveryCodes.hash(RecoveryCodes.normalise($0)!) })
        try audit(c, actor: "staff:\(session.account.id)", action: "staff.totp_enabled", entityID: String(session.account.id),
                  details: ["recovery_codes": "10"], client: client)
        guard case .session(let secret, _) = try promote(c, session: session, action: "staff.sign_in", details: ["second_factor": "enrolled"],
                                                          client: client, now: now) else { return nil }
        return (secret, codes)
    }

    public func signOut(_ c: Connection, session: StaffSession, everywhere: Bool, client: StaffClient) throws {
        let id = String(session.account.id)
        if everywhere {
            let n = try StaffSessionRepository.revokeAll(c, staffID: session.account.id)
            try audit(c, actor: "staff:\(id)", action: "staff.sign_out_everywhere", entityID: id, details: ["sessions": String(n)], client: client)
        } else {
            try StaffSessionRepository.revoke(c, hash: session.tokenHash)
            try audit(c, actor: "staff:\(id)", action: "staff.sign_out", entityID: id, details: [:], client: client)
        }
    }

    /// The throttle keys of an attempt: the account, and the address (an IPv6 /64) when it is one.
    func throttleKeys(email: String, client: StaffClient) -> [String] {
        [SignInThrottlePolicy.accountKey(email: email)] + [SignInThrottlePolicy.addressKey(client.ip)].compactMap { $0 }
    }

    /// A new full session in place of a half-way one (a new secret: the old cookie is worthless now).
    func promote(_ c: Connection, session: StaffSession, action: String, details: [String: String], client: StaffClient, now: Date) throws -> Outcome {
        try StaffSessionRepository.revoke(c, hash: session.tokenHash)
        let secret = try sessions.start(c, staffID: session.account.id, stage: .signedIn, client: client, now: now)
        try audit(c, actor: "staff:\(session.account.id)", action: action, entityID: String(session.account.id), details: details, client: client)
        return .session(secret: secret, stage: .signedIn)
    }

    func failed(_ c: Connection, keys: [String], actor: String, action: String, entityID: String?, details: [String: String],
                client: StaffClient, now: Date, message: String) throws -> Outcome {
        try audit(c, actor: actor, action: action, entityID: entityID, details: details, client: client)
        let locked = try SignInThrottle.recordFailure(c, keys: keys, now: now, maxFailures: throttle.maxFailures,
                                                      windowSeconds: throttle.windowSeconds, lockSeconds: throttle.lockSeconds)
        for key in locked {
            try audit(c, actor: "system", action: "staff.locked_out", entityID: entityID,
                      details: ["key": key, "minutes": String(throttle.lockSeconds / 60)], client: client)
        }
        if !locked.isEmpty { return .locked(until: now.addingTimeInterval(TimeInterval(throttle.lockSeconds))) }
        return .refused(message)
    }

    func audit(_ c: Connection, actor: String, action: String, entityID: String?, details: [String: String], client: StaffClient) throws {
        try AuditLogQueries.record(c, actor: actor, action: action, entity: "staff_user", entityID: entityID, details: details,
                                   ip: client.ip, userAgent: client.userAgent)
    }
}

/// Ten single-use recovery codes like `k7q2m-x9d4p`, shown once, stored as SHA-256.
public enum RecoveryCodes {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    public static func make(count: Int = 10) -> [String] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            return String(chars[0..<5]) + "-" + String(chars[5...])
        }
    }

    /// Lower-cased without spaces or dashes; nil when it cannot be a recovery code.
    public static func normalise(_ typed: String) -> String? {
        let s = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard s.count == 10, s.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return s
    }

    public static func hash(_ normalised: String) -> ByteA { ByteA(Array(SHA256.hash(data: Data(normalised.utf8)))) }
}
