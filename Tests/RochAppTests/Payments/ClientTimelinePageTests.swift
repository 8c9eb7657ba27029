import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The client-timeline page (`/admin/bookings/<id>/timeline`): notes, portal links, what the client opened.
@Suite(.serialized) struct ClientTimelinePageTests {
    func coordinator(_ w: PaymentDeskWorld) async throws -> AdminWorld.Browser {
        let b = AdminWorld.Browser()
        try await w.signIn(b, "arjun@rochevents.in")
        return b
    }

    func send(_ w: PaymentDeskWorld, _ action: String, _ fields: [(String, String)], as browser: AdminWorld.Browser) async -> Response {
        let page = await w.get("/admin/bookings/\(w.publicID)/timeline", browser)
        return await w.post("/admin/bookings/\(w.publicID)/timeline/\(action)", [("csrf", AdminWorld.hidden("csrf", in: page.text) ?? "")] + fields, browser)
    }

    @Test func theCoordinatorsNoteJoinsTheClientsTimeline() async throws {
        let w = try await PaymentDeskWorld(issueDepositLink: false)
        let arjun = try await coordinator(w)
        let r = await send(w, "note", [("title", "Venue visit booked"), ("body", "We meet at the palace lawns on Saturday at 11.")], as: arjun)
        #expect(r.status == 303)
        let entries = try w.fixture.context.database.withConnectionSync { c in try TimelineRepository.events(c, bookingID: w.fixture.bookingID) }
        let note = try #require(entries.last)
        #expect(note.kind == "note" && note.title == "Venue visit booked" && note.body == "We meet at the palace lawns on Saturday at 11.")
        #expect(try w.fixture.count("SELECT 1 FROM audit_log WHERE action = 'timeline.note' AND entity_id = $1", w.publicID) == 1)
        #expect(await w.get("/admin/bookings/\(w.publicID)/timeline", arjun).text.contains("Venue visit booked"))
    }

    @Test func aBadNoteIsRefusedOnItsFieldsAndWritesNothing() async throws {
        let w = try await PaymentDeskWorld(issueDepositLink: false)
        let arjun = try await coordinator(w)
        let before = try w.fixture.count("SELECT 1 FROM portal_events")
        let r = await send(w, "note", [("title", ""), ("body", String(repeating: "a", count: 1_001))], as: arjun)
        #expect(r.status == 422)
        #expect(r.text.contains("id=\"note-title-e\">Give the note a short title"))
        #expect(r.text.contains("id=\"note-body-e\">Keep the note under 1000 characters"))
        #expect(try w.fixture.count("SELECT 1 FROM portal_events") == before)
    }

    @Test func aPortalLinkIsShownOnceOpensThePortalAndCanBeRevoked() async throws {
        let w = try await PaymentDeskWorld(issueDepositLink: false)
        let arjun = try await coordinator(w)
        #expect(await send(w, "issue-link", [("days", "90")], as: arjun).status == 422)
        let issued = await send(w, "issue-link", [("days", "3")], as: arjun)
        #expect(issued.status == 200)
        let marker = "/api/portal/open?token="
        let start = try #require(issued.text.range(of: marker))
        let secret = String(issued.text[start.upperBound...].prefix(43))
        #expect(PortalAccess.isWellFormed(secret))
        #expect(await w.get("/admin/bookings/\(w.publicID)/timeline", arjun).text.contains(secret) == false)

        let database = w.fixture.context.database
        #expect(try database.withConnectionSync { c in try PortalAccess.open(c, linkSecret: secret) } != nil)
        let page = await w.get("/admin/bookings/\(w.publicID)/timeline", arjun).text
        #expect(page.contains("opened 1 time"))
        #expect(page.contains("still signed in"))

        let linkID = try #require(AdminWorld.hidden("link", in: page))
        #expect(await send(w, "revoke-link", [("link", linkID)], as: arjun).status == 303)
        #expect(try database.withConnectionSync { c in try PortalAccess.open(c, linkSecret: secret) } == nil)
        #expect(await send(w, "revoke-link", [("link", linkID)], as: arjun).status == 422)
        #expect(await w.get("/admin/bookings/\(w.publicID)/timeline", arjun).text.contains("ended by staff"))
        #expect(try w.fixture.strings("SELECT action AS v FROM audit_log WHERE action LIKE 'portal.%' ORDER BY id") == ["portal.link_issued", "portal.link_revoked"])
    }

    @Test func onlyWhoMayActOnTheBookingPostsOrIssues() async throws {
        let w = try await PaymentDeskWorld(issueDepositLink: false)
        // Accounts (w.browser) may read the page but not act on bookings.
        let page = await w.get("/admin/bookings/\(w.publicID)/timeline")
        #expect(page.status == 200 && !page.text.contains("Post the note"))
        #expect(await send(w, "note", [("title", "x"), ("body", "y")], as: w.browser).status == 403)
        #expect(await send(w, "issue-link", [("days", "3")], as: w.browser).status == 403)
        #expect(try w.fixture.count("SELECT 1 FROM portal_tokens WHERE issued_by LIKE 'staff:%'") == 0)
        #expect(await w.get("/admin/bookings/\(w.publicID)/timeline/note").status == 405)
    }
}
