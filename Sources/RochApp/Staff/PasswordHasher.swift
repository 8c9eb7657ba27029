import _CryptoExtras
import Crypto
import Foundation

/// scrypt password hashes as `scrypt$N$r$p$salt_hex$hash_hex`: the parameters travel with each hash,
/// so they can be raised later and old hashes still verify (and are re-hashed at the next sign-in).
public struct PasswordHasher: Sendable, Equatable {
    /// CPU/memory cost (a power of two), block size and parallelism for new hashes.
    public var n: Int
    public var r: Int
    public var p: Int

    /// 2^15 x 8 x 1: 32 MiB and about 0.1 s per hash on our machines (OWASP's scrypt minimum is 2^17
    /// with r=8 at p=1 for 128 MiB; we stay within a CGI process's memory and raise it with the hardware).
    public static let standard = PasswordHasher(n: 1 << 15, r: 8, p: 1)

    public init(n: Int, r: Int, p: Int) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// The hasher for new hashes: ROCH_SCRYPT_LOG2_N lowers or raises the cost (tests use a cheap one).
    public static func from(environment env: [String: String]) -> PasswordHasher {
        guard let text = env["ROCH_SCRYPT_LOG2_N"], let log2 = Int(text), (10...20).contains(log2) else { return .standard }
        return PasswordHasher(n: 1 << log2, r: 8, p: 1)
    }

    public func hash(_ password: String) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = try Self.derive(password, salt: salt, n: n, r: r, p: p)
        return "scrypt$\(n)$\(r)$\(p)$\(Self.hex(salt))$\(Self.hex(key))"
    }

    /// True when `password` matches `encoded`; false for a wrong password or anything malformed.
    public func verify(_ password: String, against encoded: String) -> Bool {
        guard let parsed = Self.parse(encoded),
              let key = try? Self.derive(password, salt: parsed.salt, n: parsed.n, r: parsed.r, p: parsed.p) else { return false }
        return OneTimePasswordCrypto.constantTimeEqual(key, parsed.hash)
    }

    /// True when `encoded` was made with weaker parameters than ours (re-hash after a successful sign-in).
    public func needsRehash(_ encoded: String) -> Bool {
        guard let parsed = Self.parse(encoded) else { return true }
        return parsed.n < n || parsed.r < r || parsed.p < p
    }

    struct Parsed { var n, r, p: Int; var salt, hash: [UInt8] }

    static func parse(_ encoded: String) -> Parsed? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              n >= 2, n <= 1 << 20, n & (n - 1) == 0, (1...32).contains(r), (1...16).contains(p),
              let salt = unhex(parts[4]), let hash = unhex(parts[5]), salt.count >= 8, hash.count >= 16 else { return nil }
        return Parsed(n: n, r: r, p: p, salt: salt, hash: hash)
    }

    static func derive(_ password: String, salt: [UInt8], n: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
                                           rounds: n, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func unhex<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: nil
        }
    }
}
