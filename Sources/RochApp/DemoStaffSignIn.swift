import Foundation
import RochCore
import RochStore

/// Development only (`roch seed --demo-sign-in`, which `make dev` runs): known passwords for the demo
/// owner and a coordinator, and the owner's two-step key, so a developer can sign in at /admin/login.
/// Never run by the functions; a production database gets its first owner from `roch staff add`.
public enum DemoStaffSignIn {
    public static let ownerEmail = "riya@rochevents.in"
    public static let ownerPassword = "demo-owner-passphrase"
    public static let coordinatorEmail = "arjun@rochevents.in"
    public static let coordinatorPassword = "demo-coordinator-passphrase"
    /// 20 bytes; base32 OJXWG2BNMRSW23ZNN53W4ZLSFV2G65DQ (printed by the seed).
    public static let ownerTOTPKey: [UInt8] = Array("roch-demo-owner-totp".utf8)

    /// Sets the demo passwords and the owner's key; returns what to print.
    public static func apply(_ c: Connection, hasher: PasswordHasher, siteURL: String, now: Date = Date()) throws -> String {
        guard let owner = try StaffAccountRepository.find(c, email: ownerEmail),
              let coordinator = try StaffAccountRepository.find(c, email: coordinatorEmail) else {
            return "demo sign-in: the demo team is missing (run roch seed first)"
        }
        try StaffAccountRepository.setPasswordHash(c, id: owner.id, hash: try hasher.hash(ownerPassword))
        try StaffAccountRepository.setPasswordHash(c, id: coordinator.id, hash: try hasher.hash(coordinatorPassword))
        try StaffAccountRepository.enableTOTP(c, id: owner.id, secret: ownerTOTPKey)
        let code = OneTimePasswordCrypto.totp.totp(key: ownerTOTPKey, unixTime: Int64(now.timeIntervalSince1970))
        return """
            Demo staff sign-in (development only): \(siteURL)/admin/login
              owner        \(ownerEmail)  password \(ownerPassword)
                           two-step key \(Base32.encode(ownerTOTPKey)) (add it to an authenticator app; code right now: \(code))
              coordinator  \(coordinatorEmail)  password \(coordinatorPassword)
            """
    }
}
