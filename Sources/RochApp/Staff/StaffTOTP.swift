import Crypto
import Foundation
import RochCore

/// TOTP for staff sign-in: RochCore's RFC 6238 logic over swift-crypto's HMAC-SHA1.
public enum OneTimePasswordCrypto {
    /// Six digits, 30-second steps, HMAC-SHA1: what every authenticator app expects.
    public static let totp = OneTimePassword(digits: 6, period: 30, mac: hmacSHA1)

    public static let hmacSHA1: OneTimePassword.MAC = { key, message in
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// A new 160-bit TOTP key (RFC 4226's recommended length).
    public static func newSecret() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool { OneTimePassword.constantTimeEqual(a, b) }
}
