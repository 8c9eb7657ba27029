import Crypto
import Foundation
import RochApp
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Magic links, sessions, and that a client only ever sees their own bookings.
@Suite struct PortalAccessTests {
    let world: PortalWorld
    init() throws { world = try PortalWorld() }

    @Test func openingAMagicLinkSetsAnHttpOnlyLaxCookieAndRedirectsToThePortalWithoutTheToken() async throws {
        let secret = try world.linkSecret(for: world.asha)
        #expect(secret.count == 43)  // 256 bits, base64url
        let response = try await world.open(secret)
        #expect(response.status == 303)
        #expect(response.headers["location"] == "/portal/")
        #expect(response.headers["referrer-policy"] == "no-referrer")
        let cookie = try #require(response.headers["set-cookie"])
        #expect(cookie.hasPrefix("roch_portal="))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Lax"))
        #expect(cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"))
        #expect(!cookie.contains(secret))
    }

    @Test func overTLSTheSessionCookieIsAHostPrefixedSecureCookie() async throws {
        let response = try await world.open(try world.linkSecret(for: world.asha), secure: true)
        let cookie = try #require(response.headers["set-cookie"])
        let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        // What the browser demands before it keeps a __Host- cookie: Secure, Path=/, no Domain.
        #expect(attributes[0].hasPrefix("__Host-roch_portal="))
        #expect(attributes.contains("Secure") && attributes.contains("Path=/") && attributes.contains("HttpOnly"))
        #expect(attributes.contains("SameSite=Lax"))
        #expect(!attributes.contains { $0.hasPrefix("Domain=") })
    }

    @Test func overTLSOnlyTheHostPrefixedCookieSignsIn() async throws {
        let opened = try await world.open(try world.linkSecret(for: world.asha), secure: true)
        let secret = String(opened.headers["set-cookie"]!.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
        func session(_ cookie: String, secure: Bool) async -> Int {
            let headers = Headers([("Accept", "application/json"), ("Cookie", cookie)])
            return await ErrorResponder.respond({ try await world.api.handle($0) },
                                                to: Request(method: "GET", path: "/api/portal/bookings", headers: headers, isSecure: secure)).status
        }
        #expect(await session("__Host-roch_portal=\(secret)", secure: true) == 200)
        // A plain-named cookie (planted over http or by a sibling subdomain) is not read over TLS.
        #expect(await session("roch_portal=\(secret)", secure: true) == 401)
        // Development over http keeps working with the plain name.
        #expect(await session("roch_portal=\(secret)", secure: false) == 200)
    }

    @Test func signingOutOverTLSClearsTheHostPrefixedCookie() async throws {
        let opened = try await world.open(try world.linkSecret(for: world.asha), secure: true)
        let secret = String(opened.headers["set-cookie"]!.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
        let headers = Headers([("Accept", "application/json"), ("Cookie", "__Host-roch_portal=\(secret)")])
        let out = try await world.api.handle(Request(method: "POST", path: "/api/portal/sign-out", headers: headers, isSecure: true))
        let cleared = try #require(out.headers["set-cookie"])
        #expect(cleared.hasPrefix("__Host-roch_portal=;") && cleared.contains("Max-Age=0") && cleared.contains("Secure"))
    }

    @Test func onlyHashesOfLinksAndSessionsAreStored() async throws {
        let secret = try world.linkSecret(for: world.asha)
        let cookie = try await String(world.open(secret).headers["set-cookie"]!.split(separator: ";")[0].dropFirst("roch_portal=".count))
        let dump: String = try world.sql("""
            SELECT coalesce(string_agg(t::text, ' '), '') AS v FROM (
              SELECT row_to_json(portal_tokens)::text AS t FROM portal_tokens UNION ALL SELECT row_to_json(portal_sessions)::text FROM portal_sessions) x
            """)
        #expect(!dump.contains(secret) && !dump.contains(cookie))
        let tokenHash: ByteA = try world.sql("SELECT token_hash AS v FROM portal_tokens")
        #expect(tokenHash.bytes == Array(SHA256.hash(data: Data(secret.utf8))))
        let sessionHash: ByteA = try world.sql("SELECT token_hash AS v FROM portal_sessions")
        #expect(sessionHash.bytes == Array(SHA256.hash(data: Data(cookie.utf8))))
    }

    @Test func anExpiredLinkDoesNotSignIn() async throws {
        let secret = try world.linkSecret(for: world.asha)
        try world.execute("UPDATE portal_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'")
        let response = try await world.open(secret)
        #expect(response.status == 303)
        #expect(response.headers["location"] == "/portal/?signin=expired")
        #expect(response.headers["set-cookie"] == nil)
    }

    @Test func aRevokedLinkNoLongerSignsInAndEndsTheSessionsItOpened() async throws {
        let secret = try world.linkSecret(for: world.asha)
        let cookie = try await String(world.open(secret).headers["set-cookie"]!.split(separator: ";")[0].dropFirst("roch_portal=".count))
        #expect(try await world.get("/api/portal/bookings", cookie: cookie).status == 200)
        let tokenID: Int64 = try world.sql("SELECT id AS v FROM portal_tokens")
        try world.context.database.withConnectionSync { c in try PortalAccessRepository.revokeToken(c, id: tokenID) }
        #expect(try await world.open(secret).headers["set-cookie"] == nil)
        let after = try await world.get("/api/portal/bookings", cookie: cookie)
        #expect(after.status == 401)
        #expect(!after.text.contains(world.asha.bookingPublicID))
    }

    @Test func aLinkCanBeOpenedAgainUntilItExpiresAndEachOpeningIsCounted() async throws {
        let secret = try world.linkSecret(for: world.asha)
        let first = try await world.open(secret).headers["set-cookie"]
        let second = try await world.open(secret).headers["set-cookie"]
        #expect(first != nil && second != nil && first != second)
        #expect(try world.sql("SELECT uses AS v FROM portal_tokens") == 2)
    }

    @Test func forgedMalformedAndMisusedCookiesAreRefused() async throws {
        let linkSecret = try world.linkSecret(for: world.asha)
        let forged = [
            PortalAccess.newSecret(),                    // well-formed, never issued
            linkSecret,                                  // a link's secret is not a session
            "' OR 1=1 --",
            String(repeating: "A", count: 43),
            String(repeating: "x", count: 5000),
            "",
        ]
        for cookie in forged {
            let response = try await world.get("/api/portal/bookings", cookie: cookie)
            #expect(response.status == 401, "\(cookie.prefix(20))")
            #expect(response.json["error"] != nil)
            #expect(!response.text.contains(world.asha.bookingPublicID))
        }
        #expect(try await world.get("/api/portal/bookings", cookie: nil).status == 401)
        let session = try await world.get("/api/portal/session", cookie: PortalAccess.newSecret())
        #expect(session.json["signed_in"] as? Bool == false)
    }

    @Test func aClientCannotReadAnotherClientsBookingEvenWithItsID() async throws {
        let asha = try await world.signIn(world.asha)
        let own = try await world.get("/api/portal/bookings/\(world.asha.bookingPublicID)", cookie: asha)
        #expect(own.status == 200)
        let other = try await world.get("/api/portal/bookings/\(world.ravi.bookingPublicID)", cookie: asha)
        let missing = try await world.get("/api/portal/bookings/\(PublicID.make())", cookie: asha)
        #expect(other.status == 404)
        #expect(other.text == missing.text)  // indistinguishable from a booking that does not exist
        #expect(!other.text.contains("Udaipur") && !other.text.contains("Ravi"))
        let proposal: String = try world.sql("SELECT public_id AS v FROM proposals WHERE booking_id = $1", world.ravi.bookingID)
        let doc = try await world.get("/api/portal/bookings/\(world.ravi.bookingPublicID)/proposals/\(proposal)", cookie: asha)
        #expect(doc.status == 404)
        let mixed = try await world.get("/api/portal/bookings/\(world.asha.bookingPublicID)/proposals/\(proposal)", cookie: asha)
        #expect(mixed.status == 404)
    }

    @Test func theBookingListHoldsOnlyTheClientsOwnBookings() async throws {
        let ravi = try await world.signIn(world.ravi)
        let list = try await world.get("/api/portal/bookings", cookie: ravi).json
        let ids = (list["bookings"] as! [[String: Any]]).map { $0["id"] as! String }
        #expect(ids == [world.ravi.bookingPublicID])
        #expect(list["client_name"] as? String == "Ravi Kumar")
        let raviLast: Int64 = try world.sql("SELECT max(id) AS v FROM portal_events WHERE booking_id = $1", world.ravi.bookingID)
        #expect((list["last_event_id"] as? NSNumber)?.int64Value == raviLast)
    }

    @Test func signingOutRevokesTheSessionAndClearsTheCookie() async throws {
        let cookie = try await world.signIn(world.asha)
        var headers = Headers([("Accept", "application/json"), ("Cookie", "roch_portal=\(cookie)")])
        headers.add("Content-Type", "application/json")
        let out = try await world.api.handle(Request(method: "POST", path: "/api/portal/sign-out", headers: headers))
        #expect(out.status == 204)
        #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try await world.get("/api/portal/bookings", cookie: cookie).status == 401)
    }

    @Test func anExpiredSessionIsRefused() async throws {
        let cookie = try await world.signIn(world.asha)
        try world.execute("UPDATE portal_sessions SET created_at = now() - interval '31 days', expires_at = now() - interval '1 second'")
        #expect(try await world.get("/api/portal/bookings", cookie: cookie).status == 401)
    }

    @Test func wrongMethodsAndUnknownPathsAreClearErrors() async throws {
        let cookie = try await world.signIn(world.asha)
        var headers = Headers([("Accept", "application/json"), ("Cookie", "roch_portal=\(cookie)")])
        headers.add("Content-Type", "application/json")
        let post = await ErrorResponder.respond({ try await world.api.handle($0) }, to: Request(method: "POST", path: "/api/portal/bookings", headers: headers))
        #expect(post.status == 405)
        #expect(try await world.get("/api/portal/nothing-here", cookie: cookie).status == 404)
        #expect(try await world.get("/api/portal/bookings/x/y/z/w", cookie: cookie).status == 404)
    }
}
