/// One-time passwords of authenticator apps: HOTP (RFC 4226) and TOTP (RFC 6238), pure.
///
/// RochCore does no cryptography of its own: callers pass the HMAC (HMAC-SHA1 for every
/// authenticator app); this type does the counter, the dynamic truncation and the time window.
public struct OneTimePassword: Sendable {
    /// HMAC(key, message) -> digest (HMAC-SHA1: 20 bytes).
    public typealias MAC = @Sendable (_ key: [UInt8], _ message: [UInt8]) -> [UInt8]

    public let mac: MAC
    public var digits: Int
    /// Seconds per time step (RFC 6238's X; 30 in every authenticator app).
    public var period: Int64

    public init(digits: Int = 6, period: Int64 = 30, mac: @escaping MAC) {
        self.mac = mac
        self.digits = digits
        self.period = period
    }

    /// RFC 4226 section 5.3: the code for `counter`, zero-padded to `digits`.
    public func hotp(key: [UInt8], counter: UInt64) -> String {
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
        return Self.truncate(mac(key, message), digits: digits)
    }

    /// RFC 6238: the time step that `unixTime` falls in.
    public func timeStep(unixTime: Int64) -> UInt64 {
        UInt64(max(0, unixTime) / period)
    }

    public func totp(key: [UInt8], unixTime: Int64) -> String {
        hotp(key: key, counter: timeStep(unixTime: unixTime))
    }

    /// The time step a typed code matches, allowing one step of clock drift each way; nil when none.
    /// The caller stores the step and refuses it (and earlier ones) next time, so a code works once.
    public func matchingStep(_ code: String, key: [UInt8], unixTime: Int64, after lastUsedStep: UInt64? = nil) -> UInt64? {
        let typed = code.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = timeStep(unixTime: unixTime)
        for step in [now, now &- 1, now &+ 1] where step <= now + 1 {
            if let last = lastUsedStep, step <= last { continue }
            if Self.constantTimeEqual(Array(hotp(key: key, counter: step).utf8), Array(typed.utf8)) { return step }
        }
        return nil
    }

    /// RFC 4226 section 5.3 dynamic truncation of an HMAC digest to a `digits`-long decimal code.
    public static func truncate(_ digest: [UInt8], digits: Int) -> String {
        precondition(digest.count >= 20 && (6...9).contains(digits), "HOTP needs a 20+ byte digest and 6 to 9 digits")
        let offset = Int(digest[digest.count - 1] & 0x0f)
        let binary = (UInt32(digest[offset] & 0x7f) << 24) | (UInt32(digest[offset + 1]) << 16)
            | (UInt32(digest[offset + 2]) << 8) | UInt32(digest[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// Compares without stopping at the first difference (the time taken says nothing about the code).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// The `otpauth://` URI an authenticator app reads from the QR code (Google's Key Uri Format).
    public static func provisioningURI(secret: [UInt8], account: String, issuer: String, digits: Int = 6, period: Int64 = 30) -> String {
        func escape(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                let c = Character(Unicode.Scalar(b))
                if c.isASCII && (c.isLetter || c.isNumber || "-._~@".contains(c)) { out.append(c) } else {
                    let hex = Array("0123456789ABCDEF")
                    out += "%\(hex[Int(b >> 4)])\(hex[Int(b & 15)])"
                }
            }
            return out
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))&issuer=\(escape(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}

/// RFC 4648 base32 (upper case, no padding): how authenticator apps take a secret typed by hand.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, ignoring spaces, dashes, padding and case; nil on any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for c in text.uppercased().utf8 where c != 0x20 && c != 0x2d && c != 0x3d {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits - 8)))
                bits -= 8
            }
        }
        return out
    }
}
