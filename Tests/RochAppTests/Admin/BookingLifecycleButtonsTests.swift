import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The booking page's lifecycle buttons (issue 16): what is offered, the forms, refusals and the stale view.
@Suite(.serialized)
struct BookingLifecycleButtonsTests {
    /// What a refused request must leave untouched.
    struct Footprint: Equatable {
        var state: String, transitions: Int, messages: Int, timeline: Int, tasks: Int, events: Int
    }

    static func footprint(_ w: AdminWorld) throws -> Footprint {
        try w.sync { c in
            let row = try c.query("""
                SELECT b.state,
                  (SELECT count(*) FROM booking_transitions t WHERE t.booking_id = b.id)::int AS transitions,
                  (SELECT count(*) FROM notifications n WHERE n.booking_id = b.id)::int AS messages,
                  (SELECT count(*) FROM portal_events p WHERE p.booking_id = b.id)::int AS timeline,
                  (SELECT count(*) FROM tasks k WHERE k.booking_id = b.id)::int AS tasks,
                  (SELECT count(*) FROM audit_log a WHERE a.action = 'staff.booking_event')::int AS events
                FROM bookings b WHERE b.public_id = $1
                """, w.bookingPublicID).first!
            return Footprint(state: try row.decode("state"), transitions: try row.decode("transitions"), messages: try row.decode("messages"),
                             timeline: try row.decode("timeline"), tasks: try row.decode("tasks"), events: try row.decode("events"))
        }
    }

    static func setState(_ w: AdminWorld, _ state: BookingState) throws {
        _ = try w.sync { c in try c.execute("UPDATE bookings SET state = $2 WHERE public_id = $1", w.bookingPublicID, state.rawValue) }
    }

    func fire(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ event: String, seen: String, _ fields: [(String, String)] = []) async -> Response {
        await w.post("/admin/bookings/\(w.bookingPublicID)/event",
                     [("csrf", await w.csrf(browser)), ("event", event), ("state", seen)] + fields, browser)
    }

    @Test func thePageOffersExactlyTheAcceptedEventsAndSaysWhyNotForTheOthers() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)", browser)
        #expect(page.status == 200)
        // Discussion without a proposal: cancel is offered, sending the proposal says what is missing.
        #expect(page.text.contains("name=\"event\" value=\"cancel\""))
        #expect(!page.text.contains("name=\"event\" value=\"send_proposal\""))
        #expect(page.text.contains("Send proposal: not yet"))
        #expect(page.text.contains("Create the proposal (total and payment plan) first."))
        #expect(page.text.contains("name=\"state\" value=\"discussion\""))

        try Self.setState(w, .enquiry)
        _ = try w.sync { c in try c.execute("UPDATE bookings SET coordinator_id = NULL WHERE public_id = $1", w.bookingPublicID) }
        let owner = try await w.signedIn("riya@rochevents.in")
        let enquiry = await w.get("/admin/bookings/\(w.bookingPublicID)", owner)
        #expect(enquiry.text.contains("Schedule discussion: not yet"))
        #expect(enquiry.text.contains("Assign a coordinator to the booking first."))
        #expect(!enquiry.text.contains("name=\"event\" value=\"discuss\""))
    }

    @Test func schedulingTheDiscussionQueuesMessagesWithTheCallTimeAndIsAudited() async throws {
        let w = try await AdminWorld()
        try Self.setState(w, .enquiry)
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await fire(w, browser, "discuss", seen: "enquiry", [("call_date", "2027-01-20"), ("call_time", "18:30")])
        #expect(r.status == 303, "\(r.text)")
        #expect(r.headers["location"] == "/admin/bookings/\(w.bookingPublicID)?done=discuss")
        let after = try Self.footprint(w)
        #expect(after.state == "discussion")
        let rows = try w.sync { c in
            try c.query("SELECT recipient_role, parameters->>'call_time' AS call_time FROM notifications WHERE moment = 'discussion_scheduled' ORDER BY id")
                .map { (try $0.decode("recipient_role", as: String.self), try $0.decode("call_time", as: String?.self)) }
        }
        #expect(Set(rows.map(\.0)) == ["client", "coordinator"])
        #expect(rows.allSatisfy { $0.1 == "Wednesday, 20 January 2027 at 6:30 pm IST" })
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows.map(\.action) }
        #expect(audit.contains("staff.booking_event"))
        let done = await w.get(r.headers["location"]!, browser)
        #expect(done.text.contains("Done: Schedule discussion."))
    }

    @Test func badInputIsRefusedOnItsFieldAndWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let before = try Self.footprint(w)
        let r = await fire(w, browser, "cancel", seen: "discussion", [("reason", "   "), ("refund", "perhaps")])
        #expect(r.status == 422)
        #expect(r.text.contains("id=\"cancel-reason-error\""))
        #expect(r.text.contains("Say why the booking is cancelled"))
        #expect(r.text.contains("Choose whether the client is to be refunded."))
        #expect(try Self.footprint(w) == before)

        try Self.setState(w, .enquiry)
        let enquiry = try Self.footprint(w)
        let past = await fire(w, browser, "discuss", seen: "enquiry", [("call_date", "2027-01-01"), ("call_time", "7pm")])
        #expect(past.status == 422)
        #expect(past.text.contains("The call must be later than now.") == false) // the time could not be read, so only its own message
        #expect(past.text.contains("Give the call&#39;s time") || past.text.contains("Give the call's time"))
        #expect(try Self.footprint(w) == enquiry)

        let unknown = await fire(w, browser, "teleport", seen: "enquiry")
        #expect(unknown.status == 422)
        #expect(try Self.footprint(w) == enquiry)
    }

    @Test func aStaleViewAnswers409WithTheCurrentStateAndWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let before = try Self.footprint(w)
        // The page was opened while the booking was an enquiry; someone has since scheduled the discussion.
        let r = await fire(w, browser, "discuss", seen: "enquiry", [("call_date", "2027-01-20"), ("call_time", "18:30")])
        #expect(r.status == 409)
        #expect(r.text.contains("this booking is now Discussion, not Enquiry"))
        #expect(r.text.contains("name=\"state\" value=\"discussion\""))  // the page shows the current state's buttons
        #expect(try Self.footprint(w) == before)
    }

    @Test func anEventTheTableRefusesAnswers409AndWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let before = try Self.footprint(w)
        let r = await fire(w, browser, "send_proposal", seen: "discussion")
        #expect(r.status == 409)
        #expect(r.text.contains("Create the proposal (total and payment plan) first."))
        #expect(try Self.footprint(w) == before)
    }

    @Test func onlyTheBookingsCoordinatorOrTheOwnerMayMoveIt() async throws {
        let w = try await AdminWorld()
        let before = try Self.footprint(w)
        let other = try await w.signedIn("kavya@rochevents.in")
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)", other)
        #expect(page.text.contains("Only this booking&#39;s coordinator") || page.text.contains("Only this booking's coordinator"))
        #expect(!page.text.contains("name=\"event\""))
        let r = await fire(w, other, "cancel", seen: "discussion", [("reason", "Not mine"), ("refund", "no")])
        #expect(r.status == 403)
        let accounts = try await w.signedIn("sahil@rochevents.in")
        #expect(await fire(w, accounts, "cancel", seen: "discussion", [("reason", "x"), ("refund", "no")]).status == 403)
        #expect(try Self.footprint(w) == before)
        let denied = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.otherCoordinatorID)")).rows.map(\.action) }
        #expect(denied.contains("staff.denied"))

        let owner = try await w.signedIn("riya@rochevents.in")
        let cancelled = await fire(w, owner, "cancel", seen: "discussion", [("reason", "Client chose another date"), ("refund", "no")])
        #expect(cancelled.status == 303)
        #expect(try Self.footprint(w).state == "cancelled")
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/event", owner).status == 405)
    }
}
