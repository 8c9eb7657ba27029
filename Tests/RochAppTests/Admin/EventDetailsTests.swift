import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The booking page's event details form (issue 16): coordinator, date, time, venue, city, guests.
@Suite(.serialized)
struct EventDetailsTests {
    func save(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ changes: [String: String]) async -> Response {
        var fields = ["coordinator": String(w.coordinatorID), "event_date": "2027-02-14", "start_time": "", "venue": "", "city": "Mysuru", "guests": "250"]
        fields.merge(changes) { $1 }
        return await w.post("/admin/bookings/\(w.bookingPublicID)/details", [("csrf", await w.csrf(browser))] + fields.map { ($0.key, $0.value) }, browser)
    }

    static func booking(_ w: AdminWorld) throws -> BookingRecord {
        try w.sync { c in try BookingRepository.find(c, publicID: w.bookingPublicID)! }
    }

    /// A confirmed booking's plan: the deposit paid, the balance due 7 days before the event.
    static func confirmWithPlan(_ w: AdminWorld) throws {
        _ = try w.sync { c in
            try c.execute("UPDATE bookings SET state = 'deposit_paid', event_start_time = '18:00' WHERE public_id = $1", w.bookingPublicID)
            let b = try BookingRepository.find(c, publicID: w.bookingPublicID)!
            let proposal: Int64 = try c.query("INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ($1, $2, 100000000, 'sent') RETURNING id",
                                              b.id, PublicID.make()).first!.decode("id")
            try c.execute("""
                INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status, amount_paid_paise)
                VALUES ($1, $3, $4, 1, 'Deposit', 30000000, '2027-01-10', 'on_acceptance', 'paid', 30000000),
                       ($2, $3, $4, 2, 'Balance', 70000000, '2027-02-07', 'days_before_event:7', 'pending', 0)
                """, PublicID.make(), PublicID.make(), proposal, b.id)
        }
    }

    @Test func assigningACoordinatorOpensTheDiscussionButton() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in try c.execute("UPDATE bookings SET state = 'enquiry', coordinator_id = NULL WHERE public_id = $1", w.bookingPublicID) }
        let owner = try await w.signedIn("riya@rochevents.in")
        let r = await save(w, owner, ["coordinator": String(w.otherCoordinatorID)])
        #expect(r.status == 303, "\(r.text)")
        #expect(try Self.booking(w).coordinatorID == w.otherCoordinatorID)
        let page = await w.get(r.headers["location"]!, owner)
        #expect(page.text.contains("The event details are saved."))
        #expect(page.text.contains("name=\"event\" value=\"discuss\""))
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.ownerID)")).rows }
        #expect(audit.contains { $0.action == "staff.booking_details" && $0.details["coordinator"] == "none -> \(w.otherCoordinatorID)" })
        // Nothing was rescheduled, so nobody is told.
        #expect(try w.sync { c in try c.query("SELECT count(*)::int AS n FROM notifications").first!.decode("n", as: Int.self) } == 0)
    }

    @Test func aBookingWithoutAStartTimeIsFlaggedWithALinkToTheForm() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in try c.execute("UPDATE bookings SET state = 'deposit_paid', event_start_time = NULL WHERE public_id = $1", w.bookingPublicID) }
        let owner = try await w.signedIn("riya@rochevents.in")
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)", owner)
        #expect(page.text.contains("No start time yet."))
        #expect(page.text.contains("href=\"/admin/bookings/\(w.bookingPublicID)?open=details#details-start_time\""))
        #expect(!page.text.contains("<details open>"))
        // The link opens the event details form with the start time field.
        let form = await w.get("/admin/bookings/\(w.bookingPublicID)?open=details", owner)
        #expect(form.text.contains("<details open>") && form.text.contains("id=\"details-start_time\""))
        // Set: no flag.
        #expect(await save(w, owner, ["start_time": "18:30"]).status == 303)
        #expect(!(await w.get("/admin/bookings/\(w.bookingPublicID)", owner)).text.contains("No start time yet."))
    }

    @Test func reschedulingMovesTheBalanceAndRemindersAndTellsClientAndCoordinator() async throws {
        let w = try await AdminWorld()
        try Self.confirmWithPlan(w)
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await save(w, browser, ["event_date": "2027-03-01", "start_time": "19:30", "venue": "Lalitha Mahal"])
        #expect(r.status == 303, "\(r.text)")
        let b = try Self.booking(w)
        #expect(b.eventDate == CalendarDay("2027-03-01") && b.eventStartTime?.hasPrefix("19:30") == true && b.venue == "Lalitha Mahal")
        let dues = try w.sync { c in try c.query("SELECT label, due_on::text AS d FROM payment_milestones ORDER BY sequence").map { try $0.decode("d", as: String.self) } }
        #expect(dues == ["2027-01-10", "2027-02-22"])  // the paid deposit stays; the balance follows the date
        let messages = try w.sync { c in
            try c.query("SELECT recipient_role, moment, parameters::text AS p, due_at FROM notifications WHERE status = 'queued' ORDER BY id").map {
                (role: try $0.decode("recipient_role", as: String.self), moment: try $0.decode("moment", as: String.self),
                 parameters: try JSONSerialization.jsonObject(with: Data(try $0.decode("p", as: String.self).utf8)) as! [String: String])
            }
        }
        let told = messages.filter { $0.moment == "event_rescheduled" }
        #expect(Set(told.map(\.role)) == ["client", "coordinator"])
        for m in told {
            for key in NotificationCatalogue.parameters[.eventRescheduled]! { #expect(m.parameters[key]?.isEmpty == false, "\(key) missing") }
            #expect(m.parameters["event_when"] == "Monday, 1 March 2027 at 7:30 pm IST")
            #expect(m.parameters["previous_when"] == "Sunday, 14 February 2027 at 6:00 pm IST")
            _ = try NotificationCatalogue.render(moment: .eventRescheduled, recipient: RecipientRole(rawValue: m.role)!, parameters: m.parameters)
        }
        // The reminders are planned against the new date and time.
        let reminders = messages.filter { $0.moment == "event_reminder_2h" }
        #expect(!reminders.isEmpty && reminders.allSatisfy { $0.parameters["event_time"] == "7:30 pm IST" })
        let timeline = try w.sync { c in try c.query("SELECT title, body FROM portal_events ORDER BY id DESC LIMIT 1").first!.decode("body", as: String.self) }
        #expect(timeline == "Your event is now on Monday, 1 March 2027 at 7:30 pm IST.")
    }

    @Test func badDetailsAreRefusedOnTheirFieldsAndChangeNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let before = try Self.booking(w)
        let r = await save(w, browser, ["event_date": "2026-01-01", "start_time": "25:00", "city": " ", "guests": "lots"])
        #expect(r.status == 422)
        for id in ["details-event_date-error", "details-start_time-error", "details-city-error", "details-guests-error"] {
            #expect(r.text.contains("id=\"\(id)\""), "\(id)")
        }
        #expect(r.text.contains("value=\"lots\""))  // what was typed comes back
        let accounts = await save(w, browser, ["coordinator": String(w.accountsID)])
        #expect(accounts.status == 422 && accounts.text.contains("id=\"details-coordinator-error\""))
        #expect(try Self.booking(w) == before)
        #expect(try w.sync { c in try c.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'staff.booking_details'").first!.decode("n", as: Int.self) } == 0)
    }
}
