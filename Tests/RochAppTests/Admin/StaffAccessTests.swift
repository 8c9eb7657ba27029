import Crypto
import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// TOTP against RFC 6238, scrypt hashes, set-password links, recovery codes and owner enrolment.
@Suite(.serialized)
struct StaffAccessTests {
    /// RFC 6238 Appendix B, SHA-1 rows: (time, 8-digit code) under the key "12345678901234567890".
    static let rfc6238: [(Int64, String)] = [
        (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
        (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130"),
    ]

    @Test func totpMatchesRFC6238() {
        let otp = OneTimePassword(digits: 8, period: 30, mac: OneTimePasswordCrypto.hmacSHA1)
        for (time, code) in Self.rfc6238 {
            #expect(otp.totp(key: AdminWorld.ownerKey, unixTime: time) == code, "T=\(time)")
        }
    }

    @Test func hotpMatchesRFC4226() {
        let otp = OneTimePassword(digits: 6, mac: OneTimePasswordCrypto.hmacSHA1)
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { otp.hotp(key: AdminWorld.ownerKey, counter: UInt64($0)) } == expected)
    }

    @Test func scryptHashesCarryTheirParametersAndVerify() throws {
        let hasher = PasswordHasher(n: 1 << 10, r: 8, p: 1)
        let hash = try hasher.hash("correct horse battery")
        let parts = hash.split(separator: "$")
        #expect(parts.count == 6 && parts[0] == "scrypt" && parts[1] == "1024" && parts[2] == "8" && parts[3] == "1")
        #expect(parts[4].count == 32 && parts[5].count == 64)
        #expect(hasher.verify("correct horse battery", against: hash))
        #expect(!hasher.verify("correct horse batterY", against: hash))
        #expect(try hasher.hash("correct horse battery") != hash)  // a new salt every time
        #expect(!hasher.verify("x", against: "scrypt$3$8$1$00$00"))  // malformed never verifies
        #expect(PasswordHasher(n: 1 << 11, r: 8, p: 1).needsRehash(hash))
        #expect(!hasher.needsRehash(hash))
    }

    @Test func signInReHashesWhenTheParametersWereRaised() async throws {
        let w = try await AdminWorld()
        let stronger = AdminApp(context: w.context, templates: try AdminTemplates(directory: AdminWorld.templates),
                                hasher: PasswordHasher(n: 1 << 11, r: 8, p: 1), clock: { w.clock.now })
        let browser = AdminWorld.Browser()
        let form = await stronger.handle(Request(method: "GET", path: "/admin/login"))
        browser.keep(form)
        var request = TestApp.formPost("/admin/login", [("csrf", AdminWorld.hidden("csrf", in: form.text) ?? ""),
                                                        ("email", "arjun@rochevents.in"), ("password", AdminWorld.password)])
        request.headers.add("Cookie", browser.cookieHeader)
        #expect(await stronger.handle(request).status == 303)
        let stored = try w.sync { c in try StaffAccountRepository.find(c, id: w.coordinatorID)!.passwordHash! }
        #expect(stored.hasPrefix("scrypt$2048$8$1$"))
        #expect(PasswordHasher(n: 1 << 11, r: 8, p: 1).verify(AdminWorld.password, against: stored))
    }

    @Test func aSetPasswordLinkWorksOnceForADayAndIsStoredHashed() async throws {
        let w = try await AdminWorld()
        let accounts = StaffAccounts(policy: PasswordPolicy(commonList: "password1234\n"), hasher: AdminWorld.hasher, siteURL: "https://rochevents.test")
        let added = try w.sync { c in
            try accounts.add(c, email: "Meera@RochEvents.in", name: "Meera Iyer", phone: "98200 11111", role: .coordinator, password: nil,
                             actor: "cli:test", now: w.clock.now)
        }
        #expect(added.account.email == "meera@rochevents.in" && added.account.phone == "+919820011111" && added.account.passwordHash == nil)
        let link = try #require(added.link)
        #expect(link.hasPrefix("https://rochevents.test/admin/set-password?token="))
        let token = String(link.split(separator: "=").last!)
        let raw = try w.sync { c in try c.query("SELECT count(*)::int AS n FROM staff_password_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'", token).first!.decode("n", as: Int.self) }
        #expect(raw == 0)

        let browser = AdminWorld.Browser()
        let page = await w.get("/admin/set-password?token=\(token)", browser)
        #expect(page.status == 200 && page.text.contains("meera@rochevents.in"))
        #expect(page.headers["referrer-policy"] == "no-referrer")
        let csrf = AdminWorld.hidden("csrf", in: page.text) ?? ""
        let common = await w.post("/admin/set-password", [("csrf", csrf), ("token", token), ("password", "Password1234"), ("confirm", "Password1234")], browser)
        #expect(common.status == 422 && common.text.contains("most common"))
        let mismatch = await w.post("/admin/set-password", [("csrf", csrf), ("token", token), ("password", "violet kettle morning"), ("confirm", "violet kettle evening")], browser)
        #expect(mismatch.status == 422)
        let done = await w.post("/admin/set-password", [("csrf", csrf), ("token", token), ("password", "violet kettle morning"), ("confirm", "violet kettle morning")], browser)
        #expect(done.status == 303 && done.headers["location"] == "/admin/login?notice=password-set")
        #expect(await w.signIn(AdminWorld.Browser(), email: "meera@rochevents.in", password: "violet kettle morning").status == 303)
        // used up
        let again = await w.post("/admin/set-password", [("csrf", csrf), ("token", token), ("password", "another good passphrase"), ("confirm", "another good passphrase")], browser)
        #expect(again.status == 410)

        let reset = try w.sync { c in try accounts.resetLink(c, email: "meera@rochevents.in", actor: "cli:test", now: w.clock.now) }
        let resetToken = String(reset.split(separator: "=").last!)
        w.clock.advance(24 * 3600 + 1)
        #expect(await w.get("/admin/set-password?token=\(resetToken)").status == 410)
    }

    @Test func anOwnerWithoutTOTPMustSetItUpAndGetsTenSingleUseRecoveryCodes() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in try c.execute("UPDATE staff_users SET totp_secret = NULL, totp_enabled_at = NULL WHERE id = $1", w.ownerID) }
        let browser = AdminWorld.Browser()
        let r = await w.signIn(browser, email: "riya@rochevents.in", next: "/admin/bookings")
        #expect(r.headers["location"] == "/admin/two-factor/setup?next=%2Fadmin%2Fbookings")
        #expect(await w.get("/admin/bookings", browser).headers["location"]?.hasPrefix("/admin/two-factor/setup") == true)
        let setup = await w.get("/admin/two-factor/setup?next=%2Fadmin%2Fbookings", browser)
        #expect(setup.status == 200 && setup.text.contains("<svg") && setup.text.contains("role=\"img\""))
        let key = try w.sync { c in try StaffAccountRepository.find(c, id: w.ownerID)!.totpSecret! }
        #expect(setup.text.contains(String(Base32.encode(key).prefix(4))))
        let csrf = AdminWorld.hidden("csrf", in: setup.text) ?? ""
        #expect(await w.post("/admin/two-factor/setup", [("csrf", csrf), ("code", "000000")], browser).status == 422)
        let code = OneTimePasswordCrypto.totp.totp(key: key, unixTime: Int64(w.clock.now.timeIntervalSince1970))
        let done = await w.post("/admin/two-factor/setup", [("csrf", csrf), ("code", code), ("next", "/admin/bookings")], browser)
        #expect(done.status == 200)
        let codes = done.text.components(separatedBy: "<code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(await w.get("/admin/bookings", browser).status == 200)

        // a recovery code signs in once
        w.clock.advance(60)
        for (attempt, expected) in [(1, 303), (2, 401)] {
            let b = AdminWorld.Browser()
            _ = await w.signIn(b, email: "riya@rochevents.in")
            let page = await w.get("/admin/login/two-factor", b)
            let r = await w.post("/admin/login/two-factor", [("csrf", AdminWorld.hidden("csrf", in: page.text) ?? ""), ("code", codes[0].uppercased())], b)
            #expect(r.status == expected, "attempt \(attempt)")
        }
    }

    @Test func staffSessionLifetimesComeFromTheEnvironment() throws {
        let base = ["DATABASE_URL": "postgres://x/y"]
        let defaults = try Configuration(environment: base)
        #expect(defaults.staffSessionIdle == 3 * 3600 && defaults.staffSessionAbsolute == 12 * 3600)
        let set = try Configuration(environment: base.merging(["ROCH_STAFF_IDLE_MINUTES": "30", "ROCH_STAFF_ABSOLUTE_HOURS": "8"]) { $1 })
        #expect(set.staffSessionIdle == 1800 && set.staffSessionAbsolute == 8 * 3600)
        #expect(throws: Configuration.Problems.self) { try Configuration(environment: base.merging(["ROCH_STAFF_IDLE_MINUTES": "soon"]) { $1 }) }
    }

    @Test func qrCodesAreDrawnFromLibqrencodesModules() throws {
        let modules = try #require(QRCodeSVG.matrix(for: "otpauth://totp/Roch%20Events:riya@rochevents.in?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect((modules.count - 17) % 4 == 0 && modules.allSatisfy { $0.count == modules.count })
        // the top-left finder pattern: a dark 7x7 ring around a light ring around a dark 3x3 square
        #expect((0..<7).allSatisfy { modules[0][$0] && modules[6][$0] && modules[$0][0] && modules[$0][6] })
        #expect((1..<6).allSatisfy { !modules[1][$0] && !modules[5][$0] })
        #expect((2..<5).allSatisfy { r in (2..<5).allSatisfy { modules[r][$0] } })
        let svg = try #require(QRCodeSVG.svg(for: "hello", label: "A \"quoted\" label"))
        #expect(svg.hasPrefix("<svg") && svg.contains("aria-label=\"A &quot;quoted&quot; label\""))
    }
}
