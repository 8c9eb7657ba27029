import Testing
@testable import RochCore

struct OneTimePasswordTests {
    /// RFC 4226 Appendix D: the HMAC-SHA1 of counters 0-9 under "12345678901234567890" and their codes.
    static let rfc4226: [(digest: String, code: String)] = [
        ("cc93cf18508d94934c64b65d8ba7667fb7cde4b0", "755224"),
        ("75a48a19d4cbe100644e8ac1397eea747a2d33ab", "287082"),
        ("0bacb7fa082fef30782211938bc1c5e70416ff44", "359152"),
        ("66c28227d03a2d5529262ff016a1e6ef76557ece", "969429"),
        ("a904c900a64b35909874b33e61c5938a8e15ed1c", "338314"),
        ("a37e783d7b7233c083d4f62926c7a25f238d0316", "254676"),
        ("bc9cd28561042c83f219324d3c607256c03272ae", "287922"),
        ("a4fb960c0bc06e1eabb804e5b397cdc4b45596fa", "162583"),
        ("1b3c89f65e6c9e883012052823443f048b4332db", "399871"),
        ("1637409809a679dc698207310c8c7fc07290d9e5", "520489"),
    ]

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test func dynamicTruncationGivesRFC4226Codes() {
        for (digest, code) in Self.rfc4226 {
            #expect(OneTimePassword.truncate(Self.bytes(hex: digest), digits: 6) == code)
        }
    }

    /// The counter reaches the MAC as 8 big-endian bytes (RFC 4226 section 5.2): this MAC echoes the
    /// message with offset 0, so the code is the first four message bytes read big-endian.
    @Test func counterIsEightBigEndianBytes() {
        let otp = OneTimePassword(digits: 8) { _, message in message + Array(repeating: 0, count: 12) }
        #expect(otp.hotp(key: [1], counter: 0x0102_0304_0506_0708) == "16909060")  // 0x01020304
        #expect(otp.hotp(key: [1], counter: 0x0708) == "00000000")
    }

    @Test func timeStepsAreThirtySecondsFromTheEpoch() {
        let otp = OneTimePassword { _, _ in [] }
        #expect(otp.timeStep(unixTime: 59) == 1)
        #expect(otp.timeStep(unixTime: 1111111109) == 0x23523EC)
        #expect(otp.timeStep(unixTime: 20000000000) == 0x27BC86AA)
        #expect(otp.timeStep(unixTime: 0) == 0)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(Base32.decode("not base32!") == nil)
        let secret: [UInt8] = (0..<20).map { UInt8($0 * 13 % 256) }
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test func provisioningURIEscapesTheAccountAndNamesTheParameters() {
        let uri = OneTimePassword.provisioningURI(secret: Array("12345678901234567890".utf8), account: "riya@rochevents.in", issuer: "Roch Events")
        #expect(uri == "otpauth://totp/Roch%20Events:riya@rochevents.in?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Roch%20Events&algorithm=SHA1&digits=6&period=30")
    }

    @Test func malformedCodesNeverMatch() {
        let otp = OneTimePassword { _, _ in Self.bytes(hex: Self.rfc4226[0].digest) }  // every code is 755224
        #expect(otp.matchingStep("755224", key: [], unixTime: 90) == 3)
        #expect(otp.matchingStep("755 224", key: [], unixTime: 90) == 3)
        for bad in ["", "75522", "7552245", "75522a", "７５５２２４"] {
            #expect(otp.matchingStep(bad, key: [], unixTime: 90) == nil, "\(bad)")
        }
    }

    @Test func aStepAlreadyUsedIsRefused() {
        let otp = OneTimePassword { _, _ in Self.bytes(hex: Self.rfc4226[0].digest) }
        // steps 2, 3 and 4 all give 755224 here; after step 3 was used only step 4 is left
        #expect(otp.matchingStep("755224", key: [], unixTime: 90, after: 3) == 4)
        #expect(otp.matchingStep("755224", key: [], unixTime: 90, after: 4) == nil)
    }
}
