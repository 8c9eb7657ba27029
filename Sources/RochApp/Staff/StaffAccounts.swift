import Foundation
import RochCore
import RochStore

/// Managing the team's accounts (`roch staff ...`): add, links to set a password, disable, sessions,
/// unlock. Every change writes an audit row naming who did it.
public struct StaffAccounts: Sendable {
    public var policy: PasswordPolicy
    public var hasher: PasswordHasher
    public var siteURL: String
    /// Set-password and reset links work once, for this long.
    public static let linkLifetime: TimeInterval = 24 * 3600

    public init(policy: PasswordPolicy, hasher: PasswordHasher, siteURL: String) {
        self.policy = policy
        self.hasher = hasher
        self.siteURL = siteURL
    }

    /// A problem a person can fix (shown by the CLI and the set-password page).
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Adds an account. With a password it is ready to use; without, the result carries a one-time link.
    public func add(_ c: Connection, email rawEmail: String, name rawName: String, phone: String?, role: StaffRole,
                    password: String?, actor: String, now: Date = Date()) throws -> (account: StaffAccount, link: String?) {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let name = rawName.trimmingCharacters(in: .whitespaces)
        guard Configuration.looksLikeEmail(email), !email.contains("<") else { throw Refusal(message: "'\(rawEmail)' is not an email address.") }
        guard (1...100).contains(name.count) else { throw Refusal(message: "The name must be 1 to 100 characters.") }
        var e164: String?
        if let phone, !phone.isEmpty {
            guard let parsed = try? PhoneNumber.parse(phone) else { throw Refusal(message: "'\(phone)' is not a phone number (use +91...).") }
            e164 = parsed.e164
        }
        if let password, let problem = policy.problem(with: password, email: email) { throw Refusal(message: problem) }
        return try c.transaction { c in
            guard let id = try StaffAccountRepository.insert(c, email: email, name: name, phone: e164, role: role.rawValue) else {
                throw Refusal(message: "\(email) already has an account (see `roch staff list`).")
            }
            try AuditLogQueries.record(c, actor: actor, action: "staff.added", entity: "staff_user", entityID: String(id),
                                       details: ["email": email, "role": role.rawValue])
            var link: String?
            if let password {
                try StaffAccountRepository.setPasswordHash(c, id: id, hash: try hasher.hash(password))
            } else {
                link = try issueLink(c, staffID: id, purpose: "set_password", actor: actor, now: now)
            }
            return (try StaffAccountRepository.find(c, id: id)!, link)
        }
    }

    /// A new single-use reset link for `email` (earlier unused links stop working).
    public func resetLink(_ c: Connection, email: String, actor: String, now: Date = Date()) throws -> String {
        try c.transaction { c in
            guard let account = try StaffAccountRepository.find(c, email: email), account.active else {
                throw Refusal(message: "No active account has the email \(email).")
            }
            return try issueLink(c, staffID: account.id, purpose: "reset_password", actor: actor, now: now)
        }
    }

    func issueLink(_ c: Connection, staffID: Int64, purpose: String, actor: String, now: Date) throws -> String {
        let secret = PortalAccess.newSecret()
        try StaffAccountRepository.insertPasswordToken(c, hash: PortalAccess.hash(secret), staffID: staffID, purpose: purpose,
                                                       expiresAt: now.addingTimeInterval(Self.linkLifetime))
        try AuditLogQueries.record(c, actor: actor, action: "staff.password_link_issued", entity: "staff_user", entityID: String(staffID),
                                   details: ["purpose": purpose])
        return "\(siteURL)/admin/set-password?token=\(secret)"
    }

    /// The account a set-password link is for, while the link is usable.
    public func linkAccount(_ c: Connection, token: String, now: Date = Date()) throws -> StaffAccount? {
        guard PortalAccess.isWellFormed(token), let id = try StaffAccountRepository.passwordTokenOwner(c, hash: PortalAccess.hash(token), now: now) else {
            return nil
        }
        return try StaffAccountRepository.find(c, id: id)
    }

    /// Sets the password through a link: uses the link up and signs every existing session out.
    public func setPassword(_ c: Connection, token: String, password: String, client: StaffClient, now: Date = Date()) throws -> StaffAccount {
        guard let account = try linkAccount(c, token: token, now: now) else {
            throw Refusal(message: "This link has expired or was already used. Ask the owner for a new one.")
        }
        if let problem = policy.problem(with: password, email: account.email) { throw Refusal(message: problem) }
        let hash = try hasher.hash(password)
        return try c.transaction { c in
            guard let id = try StaffAccountRepository.usePasswordToken(c, hash: PortalAccess.hash(token), now: now), id == account.id else {
                throw Refusal(message: "This link has expired or was already used. Ask the owner for a new one.")
            }
            try StaffAccountRepository.setPasswordHash(c, id: id, hash: hash)
            let revoked = try StaffSessionRepository.revokeAll(c, staffID: id)
            try AuditLogQueries.record(c, actor: "staff:\(id)", action: "staff.password_set", entity: "staff_user", entityID: String(id),
                                       details: ["sessions_revoked": String(revoked)], ip: client.ip, userAgent: client.userAgent)
            return account
        }
    }

    /// Disables an account and ends its sessions; returns how many sessions were open.
    public func disable(_ c: Connection, email: String, actor: String) throws -> Int {
        try c.transaction { c in
            guard let account = try StaffAccountRepository.find(c, email: email) else { throw Refusal(message: "No account has the email \(email).") }
            guard try StaffAccountRepository.disable(c, id: account.id) else { throw Refusal(message: "\(account.email) is already disabled.") }
            let revoked = try StaffSessionRepository.revokeAll(c, staffID: account.id)
            try AuditLogQueries.record(c, actor: actor, action: "staff.disabled", entity: "staff_user", entityID: String(account.id),
                                       details: ["sessions_revoked": String(revoked)])
            return revoked
        }
    }

    /// Revokes every session of an account (signs every browser out).
    public func revokeSessions(_ c: Connection, email: String, actor: String) throws -> Int {
        try c.transaction { c in
            guard let account = try StaffAccountRepository.find(c, email: email) else { throw Refusal(message: "No account has the email \(email).") }
            let revoked = try StaffSessionRepository.revokeAll(c, staffID: account.id)
            try AuditLogQueries.record(c, actor: actor, action: "staff.sessions_revoked", entity: "staff_user", entityID: String(account.id),
                                       details: ["sessions_revoked": String(revoked)])
            return revoked
        }
    }

    /// Lifts a sign-in lock on an account (by email) or an address; false when nothing was locked or failing.
    public func unlock(_ c: Connection, emailOrAddress: String, actor: String) throws -> Bool {
        let key: String
        if emailOrAddress.contains("@") {
            key = SignInThrottlePolicy.accountKey(email: emailOrAddress.trimmingCharacters(in: .whitespaces))
        } else if let address = SignInThrottlePolicy.addressKey(emailOrAddress) {
            key = address
        } else {
            throw Refusal(message: "'\(emailOrAddress)' is neither an email address nor an IP address.")
        }
        return try c.transaction { c in
            let lifted = try SignInThrottle.unlock(c, key: key)
            try AuditLogQueries.record(c, actor: actor, action: "staff.unlocked", entity: "signin_throttle", entityID: key,
                                       details: ["had_failures_or_lock": lifted ? "yes" : "no"])
            return lifted
        }
    }

    /// The common-password list shipped next to the admin templates (empty if missing: length rules still apply).
    public static func policy(templatesDirectory: String) -> PasswordPolicy {
        let text = (try? String(contentsOfFile: templatesDirectory + "/common-passwords.txt", encoding: .utf8)) ?? ""
        return PasswordPolicy(commonList: text)
    }
}
