import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The staff side's front door, over every admin address (issue 15 "Must show").
@Suite(.serialized)
struct AdminSecurityTests {
    static func pages(_ w: AdminWorld) -> [String] {
        ["/admin", "/admin/", "/admin/bookings", "/admin/bookings?q=asha&state=discussion", "/admin/bookings/\(w.bookingPublicID)",
         "/admin/bookings/unknown-id", "/admin/audit", "/admin/audit?actor=staff:1", "/admin/two-factor/setup", "/admin/login/two-factor",
         "/admin/no-such-page", "/admin/bookings/a/b",
         // the staff desks: each behind the same gate
         "/admin/bookings/new", "/admin/bookings/\(w.bookingPublicID)/client", "/admin/bookings/\(w.bookingPublicID)/proposal",
         "/admin/bookings/\(w.bookingPublicID)/payments", "/admin/bookings/\(w.bookingPublicID)/timeline",
         "/admin/bookings/\(w.bookingPublicID)/documents", "/admin/bookings/\(w.bookingPublicID)/vendors", "/admin/tasks",
         "/admin/vendors", "/admin/vendors/payables", "/admin/exports", "/admin/dashboard/attention", "/admin/dashboard/payments",
         "/admin/calendar"]
    }
    static let forms = ["/admin/sign-out", "/admin/sign-out-everywhere", "/admin/two-factor/setup", "/admin/login/two-factor",
                        "/admin/bookings/new", "/admin/bookings/demo/client", "/admin/bookings/demo/client/adopt", "/admin/bookings/demo/event",
                        "/admin/bookings/demo/details", "/admin/bookings/demo/proposal", "/admin/bookings/demo/payments/offline",
                        "/admin/bookings/demo/payments/refund", "/admin/bookings/demo/timeline/note", "/admin/bookings/demo/timeline/issue-link"]

    @Test func withoutASessionEveryPageRedirectsToSignInAndComesBack() async throws {
        let w = try await AdminWorld()
        for page in Self.pages(w) {
            let r = await w.get(page)
            #expect(r.status == 303, "\(page) answered \(r.status)")
            let location = r.headers["location"] ?? ""
            #expect(location.hasPrefix("/admin/login"), "\(page) -> \(location)")
        }
        let r = await w.get("/admin/bookings?q=asha")
        #expect(r.headers["location"] == "/admin/login?next=%2Fadmin%2Fbookings%3Fq%3Dasha")
    }

    @Test func withoutASessionFormsRedirectToSignInAndDoNothing() async throws {
        let w = try await AdminWorld()
        for form in Self.forms {
            let r = await w.post(form, [("csrf", "anything"), ("code", "123456")])
            #expect(r.status == 303 && r.headers["location"] == "/admin/login", "\(form) answered \(r.status)")
        }
    }

    @Test func jsonClientsGet401InsteadOfARedirect() async throws {
        let w = try await AdminWorld()
        let r = await w.get("/admin/bookings", accept: "application/json")
        #expect(r.status == 401)
        #expect(r.text.contains("\"code\":\"unauthorized\""))
    }

    @Test func theSignInPagesThemselvesOpenWithoutASession() async throws {
        let w = try await AdminWorld()
        #expect(await w.get("/admin/login").status == 200)
        #expect(await w.get("/admin/set-password?token=nonsense").status == 410)
        let css = await w.get("/admin/assets/admin.css")
        #expect(css.status == 200 && css.headers["content-type"]?.hasPrefix("text/css") == true)
    }

    @Test func aCoordinatorIsRefusedTheOwnersAuditLogWithAPageSayingWhy() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await w.get("/admin/audit", browser)
        #expect(r.status == 403)
        #expect(r.text.contains("A coordinator may not read the audit log."))
        #expect(!r.text.contains("staff.sign_in"))  // nothing of the log leaked
        let home = await w.get("/admin/", browser)
        #expect(!home.text.contains("href=\"/admin/audit\""))
        let denied = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows.map(\.action) }
        #expect(denied.contains("staff.denied"))
        let accounts = try await w.signedIn("sahil@rochevents.in")
        #expect(await w.get("/admin/audit", accounts).status == 403)
        let owner = try await w.signedIn("riya@rochevents.in")
        #expect(await w.get("/admin/audit", owner).status == 200)
    }

    @Test func postsWithoutOrWithAWrongCSRFTokenAreRefusedAndChangeNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let missing = await w.post("/admin/sign-out", [], browser)
        #expect(missing.status == 403 && missing.text.contains("security token"))
        let wrong = await w.post("/admin/sign-out-everywhere", [("csrf", String(repeating: "x", count: 43))], browser)
        #expect(wrong.status == 403)
        #expect(await w.get("/admin/", browser).status == 200)  // still signed in
        let right = await w.post("/admin/sign-out", [("csrf", await w.csrf(browser))], browser)
        #expect(right.status == 303 && right.headers["location"] == "/admin/login?notice=signed-out")
    }

    @Test func theSignInFormNeedsItsOwnCSRFCookie() async throws {
        let w = try await AdminWorld()
        let r = await w.post("/admin/login", [("csrf", "x"), ("email", "arjun@rochevents.in"), ("password", AdminWorld.password)])
        #expect(r.status == 403)
        #expect(r.headers.values("set-cookie").allSatisfy { !$0.hasPrefix(StaffSessions.cookieName) })
    }

    @Test func tenFailuresLockTheAccountUntilTheOwnerUnlocksIt() async throws {
        let w = try await AdminWorld()
        let browser = AdminWorld.Browser()
        for attempt in 1...9 {
            browser.ip = "198.51.100.\(attempt)"  // spread over addresses: only the account key adds up
            #expect(await w.signIn(browser, email: "arjun@rochevents.in", password: "wrong password \(attempt)").status == 401)
        }
        let tenth = await w.signIn(browser, email: "arjun@rochevents.in", password: "wrong password 10")
        #expect(tenth.status == 429 && tenth.text.contains("Too many failed sign-ins"))
        // locked: even the right password is refused, without saying whether it was right
        let right = await w.signIn(browser, email: "arjun@rochevents.in")
        #expect(right.status == 429)
        let actions = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(pageSize: 200)).rows.map(\.action) }
        #expect(actions.filter { $0 == "staff.sign_in_failed" }.count == 10)
        #expect(actions.contains("staff.locked_out"))
        let accounts = StaffAccounts(policy: PasswordPolicy(common: []), hasher: AdminWorld.hasher, siteURL: "https://rochevents.test")
        #expect(try w.sync { c in try accounts.unlock(c, emailOrAddress: "arjun@rochevents.in", actor: "cli:test") })
        #expect(await w.signIn(browser, email: "arjun@rochevents.in").status == 303)
    }

    @Test func theLockLiftsByItselfAfterFifteenMinutes() async throws {
        let w = try await AdminWorld()
        let browser = AdminWorld.Browser()
        for n in 1...10 { _ = await w.signIn(browser, email: "arjun@rochevents.in", password: "wrong password \(n)") }
        #expect(await w.signIn(browser, email: "arjun@rochevents.in").status == 429)
        w.clock.advance(15 * 60 + 1)
        #expect(await w.signIn(browser, email: "arjun@rochevents.in").status == 303)
    }

    @Test func oneIPv6SlashSixtyFourIsOneKey() async throws {
        let w = try await AdminWorld()
        let browser = AdminWorld.Browser()
        for n in 1...10 {
            browser.ip = "2001:db8:1:2::\(n)"
            _ = await w.signIn(browser, email: "nobody\(n)@example.com", password: "wrong password")
        }
        browser.ip = "2001:db8:1:2:ffff::1"
        #expect(await w.signIn(browser, email: "arjun@rochevents.in").status == 429)
        browser.ip = "2001:db8:1:3::1"  // the next /64 is someone else
        #expect(await w.signIn(browser, email: "arjun@rochevents.in").status == 303)
    }

    @Test func signInGivesANewSessionIDAndTheOldOneDies() async throws {
        let w = try await AdminWorld()
        // an id planted by someone else is never adopted
        let planted = AdminWorld.Browser()
        planted.cookies[StaffSessions.cookieName] = String(repeating: "A", count: 43)
        #expect(await w.signIn(planted, email: "arjun@rochevents.in").status == 303)
        #expect(planted.cookies[StaffSessions.cookieName] != String(repeating: "A", count: 43))

        // signing in again over a live session replaces it
        let browser = try await w.signedIn("arjun@rochevents.in")
        let first = browser.cookies[StaffSessions.cookieName]
        let stale = AdminWorld.Browser()
        stale.cookies = browser.cookies
        let again = await w.post("/admin/login", [("csrf", browser.cookies["__Host-roch_staff_form"] ?? ""), ("email", "arjun@rochevents.in"),
                                                  ("password", AdminWorld.password)], browser)
        #expect(again.status == 303)
        let second = browser.cookies[StaffSessions.cookieName]
        #expect(first != nil && second != nil && first != second)
        #expect(await w.get("/admin/", stale).status == 303)  // the old id no longer opens anything
        #expect(await w.get("/admin/", browser).status == 200)
    }

    @Test func theOwnersPasswordAloneOpensNothingAndTheCodeGivesANewSession() async throws {
        let w = try await AdminWorld()
        let browser = AdminWorld.Browser()
        let r = await w.signIn(browser, email: "riya@rochevents.in", next: "/admin/audit")
        #expect(r.headers["location"] == "/admin/login/two-factor?next=%2Fadmin%2Faudit")
        let halfway = browser.cookies[StaffSessions.cookieName]
        #expect(await w.get("/admin/bookings", browser).headers["location"]?.hasPrefix("/admin/login/two-factor") == true)
        let page = await w.get("/admin/login/two-factor?next=%2Fadmin%2Faudit", browser)
        let csrf = AdminWorld.hidden("csrf", in: page.text) ?? ""
        #expect(await w.post("/admin/login/two-factor", [("csrf", csrf), ("code", "000000"), ("next", "/admin/audit")], browser).status == 401)
        let done = await w.post("/admin/login/two-factor", [("csrf", csrf), ("code", w.ownerCode()), ("next", "/admin/audit")], browser)
        #expect(done.status == 303 && done.headers["location"] == "/admin/audit")
        #expect(browser.cookies[StaffSessions.cookieName] != halfway)
        #expect(await w.get("/admin/audit", browser).status == 200)
    }

    @Test func aTOTPCodeWorksOnce() async throws {
        let w = try await AdminWorld()
        _ = try await w.signedIn("riya@rochevents.in")
        let again = AdminWorld.Browser()
        _ = await w.signIn(again, email: "riya@rochevents.in")
        let page = await w.get("/admin/login/two-factor", again)
        let r = await w.post("/admin/login/two-factor", [("csrf", AdminWorld.hidden("csrf", in: page.text) ?? ""), ("code", w.ownerCode())], again)
        #expect(r.status == 401)
    }

    @Test func idleAbsoluteRevokedAndDisabledSessionsAreRefused() async throws {
        let w = try await AdminWorld(environment: ["ROCH_STAFF_IDLE_MINUTES": "180", "ROCH_STAFF_ABSOLUTE_HOURS": "12"])
        let idle = try await w.signedIn("arjun@rochevents.in")
        w.clock.advance(2 * 3600)
        #expect(await w.get("/admin/", idle).status == 200)
        w.clock.advance(3 * 3600 + 1)  // 3 h since the last request
        #expect(await w.get("/admin/", idle).status == 303)
        // a session used every two hours still ends 12 hours after sign-in
        let fresh = try await w.signedIn("kavya@rochevents.in")
        for _ in 0..<5 {
            w.clock.advance(2 * 3600)
            #expect(await w.get("/admin/", fresh).status == 200)
        }
        w.clock.advance(2 * 3600)  // 12 h since sign-in
        #expect(await w.get("/admin/", fresh).status == 303)

        let revoked = try await w.signedIn("arjun@rochevents.in")
        let elsewhere = try await w.signedIn("arjun@rochevents.in")
        #expect(await w.post("/admin/sign-out-everywhere", [("csrf", await w.csrf(elsewhere))], elsewhere).status == 303)
        #expect(await w.get("/admin/", revoked).status == 303)
        #expect(await w.get("/admin/", elsewhere).status == 303)

        let disabled = try await w.signedIn("sahil@rochevents.in")
        let accounts = StaffAccounts(policy: PasswordPolicy(common: []), hasher: AdminWorld.hasher, siteURL: "https://rochevents.test")
        #expect(try w.sync { c in try accounts.disable(c, email: "sahil@rochevents.in", actor: "cli:test") } == 1)
        #expect(await w.get("/admin/", disabled).status == 303)
        #expect(await w.signIn(AdminWorld.Browser(), email: "sahil@rochevents.in").status == 401)
    }

    @Test func aClientsScriptRendersInertOnEveryAdminPage() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        // the script also reaches the audit log through a failed sign-in's email
        _ = await w.signIn(AdminWorld.Browser(), email: AdminWorld.script, password: "wrong password")
        for page in ["/admin/", "/admin/bookings", "/admin/bookings?q=asha", "/admin/bookings/\(w.bookingPublicID)", "/admin/audit",
                     "/admin/bookings?q=" + FormData.encodeComponent(AdminWorld.script)] {
            let r = await w.get(page, owner)
            #expect(r.status == 200, "\(page)")
            // the one script is the dashboard's own file (live updates), never inline or the client's
            let other = r.text.lowercased().replacingOccurrences(of: "<script src=\"/admin/assets/dashboard.js\" defer></script>", with: "")
            #expect(!other.contains("<script"), "\(page) carries a script element")
        }
        let detail = await w.get("/admin/bookings/\(w.bookingPublicID)", owner).text
        #expect(detail.contains("Please no onions. &lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;")
                || detail.contains("Please no onions. &lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;")
                || detail.contains("Please no onions. &lt;script&gt;alert('owned')&lt;/script&gt;"))
        #expect(await w.get("/admin/bookings?q=asha", owner).text.contains("Asha &lt;script&gt;"))
    }

    @Test func aNextPointingAwayIsIgnored() async throws {
        let w = try await AdminWorld()
        for evil in ["//evil.example", "https://evil.example/admin/", "/\\evil.example", "/admin/%2F%2Fevil.example"] {
            let browser = AdminWorld.Browser()
            let r = await w.signIn(browser, email: "arjun@rochevents.in", next: evil)
            #expect(r.status == 303 && r.headers["location"] == "/admin/", "\(evil) -> \(r.headers["location"] ?? "")")
            let form = await w.get("/admin/login?next=" + FormData.encodeComponent(evil))
            #expect(AdminWorld.hidden("next", in: form.text) == "/admin/")
        }
        let browser = AdminWorld.Browser()
        #expect(await w.signIn(browser, email: "arjun@rochevents.in", next: "/admin/bookings?q=asha").headers["location"] == "/admin/bookings?q=asha")
    }

    @Test func theSessionCookieIsHostOnlyHttpOnlyStrictAndSecure() async throws {
        let w = try await AdminWorld()
        let r = await w.signIn(AdminWorld.Browser(), email: "arjun@rochevents.in")
        let cookie = r.headers.values("set-cookie").first { $0.hasPrefix("__Host-roch_staff=") } ?? ""
        #expect(cookie.contains("; Path=/") && cookie.contains("; Secure") && cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"))
        #expect(!cookie.contains("Domain="))
        let stored = try w.sync { c in try c.query("SELECT count(*)::int AS n FROM sessions WHERE token_hash = $1",
                                                  PortalAccess.hash(String(cookie.dropFirst("__Host-roch_staff=".count).prefix { $0 != ";" }))).first!.decode("n", as: Int.self) }
        #expect(stored == 1)  // only the hash is kept
    }

    @Test func signInsAndSignOutsAreAuditedWithTheActorAddressAndBrowser() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        _ = await w.post("/admin/sign-out", [("csrf", await w.csrf(browser))], browser)
        let rows = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows }
        #expect(Set(rows.map(\.action)) == ["staff.sign_in", "staff.sign_out"])
        for row in rows {
            #expect(row.ip == "203.0.113.10" && row.userAgent == "AdminTests/1" && row.entityID == String(w.coordinatorID))
        }
    }

    @Test func everyAnswerForbidsFramingCachingAndInlineScript() async throws {
        let w = try await AdminWorld()
        let r = await w.get("/admin/login")
        #expect(r.headers["cache-control"] == "no-store")
        #expect(r.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(r.headers["x-frame-options"] == "DENY")
    }
}
