import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import Testing

/// The calendar feed through the admin gate against PostgreSQL: the link is made on the page
/// (stored hashed, audited), the feed needs no session, a revoked or replaced link answers 404, and
/// a coordinator's feed carries only their bookings, with unpaid payments as separate entries.
@Suite(.serialized) struct CalendarFeedPageTests {
    /// A second booking, coordinated by Kavya, with an unpaid deposit; and a plan on the world's booking (Arjun's).
    static func bookings(_ w: AdminWorld) throws -> String {
        try EventDetailsTests.confirmWithPlan(w)
        return try w.sync { c in
            let client: Int64 = try c.query("INSERT INTO clients (phone, name) VALUES ('+919876500002', 'Meera Nair') RETURNING id").first!.decode("id")
            let publicID = PublicID.make()
            let booking: Int64 = try c.query("""
                INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, venue, guests, budget, coordinator_id)
                VALUES ($1, $2, 'proposal_sent', 'sangeet', '2027-03-20', 'Kochi', 'Bolgatty Lawns', 120, '10l_25l', $3) RETURNING id
                """, publicID, client, w.otherCoordinatorID).first!.decode("id")
            let proposal: Int64 = try c.query("INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ($1, $2, 50000000, 'sent') RETURNING id",
                                              booking, PublicID.make()).first!.decode("id")
            try c.execute("""
                INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
                VALUES ($1, $2, $3, 1, 'Advance', 15000000, '2027-01-25', 'on_acceptance')
                """, PublicID.make(), proposal, booking)
            return publicID
        }
    }

    /// Makes a link on the page and returns the feed's path (read from the page, as a person would copy it).
    static func makeLink(_ w: AdminWorld, _ browser: AdminWorld.Browser) async throws -> (path: String, page: Response) {
        let page = await w.post("/admin/calendar/feed", [("csrf", await w.csrf(browser)), ("action", "create")], browser)
        guard let r = page.text.range(of: "value=\"https://rochevents.test") else { throw AdminWorld.Failure("no link on the page: \(page.text)") }
        return (String(page.text[r.upperBound...].prefix { $0 != "\"" }), page)
    }

    @Test func theLinkIsShownOnceStoredHashedAndTheFeedNeedsNoSession() async throws {
        let w = try await AdminWorld()
        let kochi = try Self.bookings(w)
        let owner = try await w.signedIn("riya@rochevents.in")
        #expect(await w.get("/admin/calendar/feed", owner).text.contains("You have no working link."))
        let (path, page) = try await Self.makeLink(w, owner)
        #expect(page.status == 200 && page.text.contains("webcal://rochevents.test/admin/calendar/"))
        let secret = String(path.dropFirst("/admin/calendar/".count).dropLast(4))
        #expect(PortalAccess.isWellFormed(secret))
        let stored: [ByteA] = try w.sync { c in try c.query("SELECT secret_hash FROM staff_calendar_feeds WHERE staff_user_id = $1", w.ownerID).map { try $0.decode("secret_hash") } }
        #expect(stored == [PortalAccess.hash(secret)])
        let again = await w.get("/admin/calendar/feed", owner).text
        #expect(!again.contains(secret) && again.contains("You have a working link"))

        let feed = await w.get(path)  // no cookies
        #expect(feed.status == 200 && feed.headers["content-type"] == "text/calendar; charset=utf-8")
        #expect(feed.headers["cache-control"] == "private, no-store")
        let text = feed.text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(text.contains("UID:event-\(w.bookingPublicID)@rochevents.test") && text.contains("UID:event-\(kochi)@rochevents.test"))
        #expect(text.contains("SUMMARY:Payment due: Balance \(Money(paise: 70_000_000).inr.replacingOccurrences(of: ",", with: "\\,"))\\, Asha"))
        #expect(text.contains("SUMMARY:Payment due: Advance"))
        #expect(!text.contains("Payment due: Deposit"))  // paid
        #expect(text.contains("DTSTART;VALUE=DATE:20270207") && text.contains("DTSTART;VALUE=DATE:20270214"))
        let audited = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.ownerID)")).rows.map(\.action) }
        #expect(audited.contains("calendar_feed.created"))
    }

    @Test func aCoordinatorsFeedCarriesOnlyTheirBookings() async throws {
        let w = try await AdminWorld()
        let kochi = try Self.bookings(w)
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let text = await w.get(try await Self.makeLink(w, arjun).path).text
        #expect(text.contains("UID:event-\(w.bookingPublicID)@") && text.contains("Payment due: Balance"))
        #expect(!text.contains(kochi) && !text.contains("Payment due: Advance") && !text.contains("Meera"))
        let kavya = try await w.signedIn("kavya@rochevents.in")
        let hers = await w.get(try await Self.makeLink(w, kavya).path).text
        #expect(hers.contains("UID:event-\(kochi)@") && hers.contains("Payment due: Advance") && !hers.contains(w.bookingPublicID))
        // A disabled account's feed stops with the account.
        let arjunsFeed = try await Self.makeLink(w, arjun).path
        #expect(await w.get(arjunsFeed).status == 200)
        #expect(try w.sync { c in try StaffAccountRepository.disable(c, id: w.coordinatorID) })
        #expect(await w.get(arjunsFeed).status == 404)
    }

    @Test func aRevokedOrReplacedLinkAndAnUnknownOneAnswer404() async throws {
        let w = try await AdminWorld()
        let accounts = try await w.signedIn("sahil@rochevents.in")
        let first = try await Self.makeLink(w, accounts).path
        let second = try await Self.makeLink(w, accounts)
        #expect(second.page.text.contains("The old one no longer works"))
        #expect(await w.get(first).status == 404)
        #expect(await w.get(second.path).status == 200)
        let revoked = await w.post("/admin/calendar/feed", [("csrf", await w.csrf(accounts)), ("action", "revoke")], accounts)
        #expect(revoked.status == 200 && revoked.text.contains("The link is revoked") && revoked.text.contains("You have no working link."))
        let gone = await w.get(second.path)
        #expect(gone.status == 404 && !gone.text.contains("revoked"))
        #expect(await w.get("/admin/calendar/\(PortalAccess.newSecret()).ics").status == 404)
        #expect(await w.get("/admin/calendar/short.ics").status == 404)
        let nothing = await w.post("/admin/calendar/feed", [("csrf", await w.csrf(accounts)), ("action", "revoke")], accounts)
        #expect(nothing.status == 422 && nothing.text.contains("There was no link to revoke."))
        let odd = await w.post("/admin/calendar/feed", [("csrf", await w.csrf(accounts)), ("action", "explode")], accounts)
        #expect(odd.status == 422 && odd.text.contains("Pick one of the buttons below."))
        #expect(await w.post("/admin/calendar/feed", [("csrf", "stale"), ("action", "create")], accounts).status == 403)
        #expect(await w.post(second.path, [("action", "create")]).status == 405)
        let actions = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.accountsID)")).rows.map(\.action) }
        #expect(actions.contains("calendar_feed.created") && actions.contains("calendar_feed.replaced") && actions.contains("calendar_feed.revoked"))
        // Signed out, the page itself asks for sign-in.
        #expect(await w.get("/admin/calendar/feed").status == 303)
    }
}
