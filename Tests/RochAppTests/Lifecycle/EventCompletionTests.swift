import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// Bookings complete by themselves the day after the event (issue 16), by the `system` actor.
@Suite(.serialized)
struct EventCompletionTests {
    @Test func theDayAfterTheEventABookingInPreparationCompletesOnceAndOthersAreLeftAlone() async throws {
        let context = try await TestApp.context()
        let ids = try context.database.withConnectionSync { c -> [String: Int64] in
            let client: Int64 = try c.query("INSERT INTO clients (phone, name, email) VALUES ('+919876500077', 'Ira', 'ira@example.com') RETURNING id")
                .first!.decode("id")
            var ids: [String: Int64] = [:]
            for (name, state, day) in [("yesterday", "active_preparation", "2027-02-14"), ("today", "active_preparation", "2027-02-15"),
                                       ("confirmed", "deposit_paid", "2027-02-01")] {
                ids[name] = try c.query("""
                    INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
                    VALUES ($1, $2, $3, 'wedding', $4::date, 'Goa', 80, '5l_10l') RETURNING id
                    """, PublicID.make(), client, state, day).first!.decode("id")
            }
            return ids
        }
        let now = IST.instant(CalendarDay("2027-02-15")!, TimeOfDay(hour: 0, minute: 30)!)
        let completion = EventCompletion(configuration: context.configuration)
        let done = try context.database.withConnectionSync { c in try completion.run(c, now: now) }
        #expect(done == 1)
        #expect(try context.database.withConnectionSync { c in try completion.run(c, now: now) } == 0)  // nothing twice
        let states = try context.database.withConnectionSync { c in
            try c.query("SELECT id, state FROM bookings").reduce(into: [Int64: String]()) { $0[try $1.decode("id")] = try $1.decode("state") }
        }
        #expect(states[ids["yesterday"]!] == "completed")
        #expect(states[ids["today"]!] == "active_preparation")
        #expect(states[ids["confirmed"]!] == "deposit_paid")
        let actor: String = try context.database.withConnectionSync { c in
            try c.query("SELECT actor FROM booking_transitions WHERE booking_id = $1 AND event = 'complete'", ids["yesterday"]!).first!.decode("actor")
        }
        #expect(actor == "system")
        let told = try context.database.withConnectionSync { c in
            try c.query("SELECT DISTINCT recipient_role FROM notifications WHERE booking_id = $1 AND moment = 'event_completed'", ids["yesterday"]!)
                .map { try $0.decode("recipient_role", as: String.self) }
        }
        #expect(told.contains("client"))
    }
}
