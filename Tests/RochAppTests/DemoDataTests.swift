import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// `roch seed` (what `make dev` loads): the team and a demo wedding whose vendor board tells a
/// true story, loaded once however often it runs.
@Suite struct DemoDataTests {
    @Test func seedingTwiceLoadsTheTeamAndTheDemoWeddingOnce() throws {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        let first = try DemoData.load(into: c)
        let second = try DemoData.load(into: c)
        #expect(first.contains("4 team members added") && first.contains("demo wedding added"))
        #expect(second.contains("0 team members added") && second.contains("already there"))
        let counts = try c.query("""
            SELECT (SELECT count(*) FROM staff_users) AS staff, (SELECT count(*) FROM bookings) AS bookings,
                   (SELECT count(*) FROM vendors) AS vendors, (SELECT count(*) FROM vendor_dependencies) AS edges
            """).first!
        #expect(try counts.decode("staff") as Int64 == 4)
        #expect(try counts.decode("bookings") as Int64 == 1)
        #expect(try counts.decode("vendors") as Int64 == 6)
        #expect(try counts.decode("edges") as Int64 == 5)
    }

    @Test func theDemoWeddingShowsWhoIsBlockedAndWhy() throws {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        _ = try DemoData.load(into: c)
        let blocked = try VendorGraphQueries.blocked(c, .activeEvents)
        // The venue is done; the caterer's menu holds up the decorator, and the decorator holds up
        // the florist and lighting.
        #expect(blocked.map(\.role) == ["Decorator", "Florist", "Lighting and sound"])
        let decorator = try #require(blocked.first { $0.role == "Decorator" })
        #expect(decorator.reason == "Decorator waits on Caterer: menu not confirmed")
        let florist = try #require(blocked.first { $0.role == "Florist" })
        #expect(florist.reason == "Florist waits on Decorator: not confirmed yet")
        #expect(florist.rootCauseReason == "Caterer: menu not confirmed")

        let payables = try VendorPayables.summary(c, today: IST.day(of: Date()))
        #expect(payables.totalOutstanding == Money(rupees: 450_000 + 380_000 + 220_000 + 90_000 + 150_000 + 75_000 - 150_000))
    }

    /// The story `make dev` tells must hold together: what the client's timeline says was paid is
    /// what the payment desk shows, every payment has its receipt, the balance is still due before the
    /// event, the proposal was sent before it was accepted, and the team has work in progress.
    @Test func theDemoWeddingTellsOneCoherentStory() throws {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        _ = try DemoData.load(into: c)
        let booking = try c.query("SELECT id, state, event_date::text AS day FROM bookings").first!
        let bookingID: Int64 = try booking.decode("id")
        let eventDay = CalendarDay(try booking.decode("day", as: String.self))!
        #expect(try booking.decode("state") as String == BookingState.activePreparation.rawValue)

        let proposal = try c.query("SELECT status, total_paise, sent_at <= accepted_at AS in_order FROM proposals WHERE booking_id = $1", bookingID)
        #expect(proposal.count == 1)
        #expect(try proposal[0].decode("status") as String == "accepted")
        #expect(try proposal[0].decode("in_order") as Bool)

        let milestones = try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID)
        #expect(milestones.reduce(Money.zero) { $0 + $1.amount }.paise == (try proposal[0].decode("total_paise") as Int64))
        let paid = milestones.filter { $0.status == .paid }
        let due = milestones.filter { $0.status != .paid }
        #expect(paid.map(\.isDeposit) == [true])
        #expect(!due.isEmpty && due.allSatisfy { $0.dueOn < eventDay })

        // the client's timeline names exactly the amounts the ledger counted, each with a receipt
        let counted: [Int64] = try c.query("SELECT amount_paise FROM payments WHERE counted_at IS NOT NULL ORDER BY id").map { try $0.decode("amount_paise") }
        #expect(counted == paid.map(\.amount.paise))
        let told: [String] = try c.query("SELECT title FROM portal_events WHERE booking_id = $1 AND kind = 'payment' ORDER BY id", bookingID)
            .map { try $0.decode("title") }
        #expect(told == paid.map { "Payment received: \($0.amount.inr)" })
        let receipts: Int64 = try c.query("SELECT count(*) AS n FROM invoices WHERE payment_id IS NOT NULL AND booking_id = $1", bookingID).first!.decode("n")
        #expect(receipts == Int64(counted.count))
        // the timeline's steps are the ones the lifecycle table writes, as far as the booking's state, in order
        let steps: [String] = try c.query("SELECT title || ': ' || body AS entry FROM portal_events WHERE booking_id = $1 AND kind = 'status' ORDER BY id",
                                          bookingID).map { try $0.decode("entry") }
        let path: [[BookingAction]] = [BookingLifecycle.creation.actions] + [(BookingState.enquiry, BookingEvent.discuss), (.discussion, .sendProposal),
                                                                             (.proposalSent, .depositPaid), (.depositPaid, .startPreparation)]
            .map { BookingLifecycle.transition(from: $0.0, event: $0.1)!.actions }
        let written = path.compactMap { actions in
            actions.compactMap { if case .portalEntry(let e) = $0 { return "\(e.title): \(e.body)" } else { return nil } }.first
        }
        #expect(steps == written)

        // each step on its own day, in the order it happened, all before today: what the timeline and the
        // state history say happened when is what the money says (proposal sent, accepted, deposit paid)
        let timeline: [Date] = try c.query("SELECT created_at FROM portal_events WHERE booking_id = $1 ORDER BY id", bookingID).map { try $0.decode("created_at") }
        #expect(timeline == timeline.sorted() && timeline.allSatisfy { $0 < Date() })
        let history: [Date] = try c.query("SELECT at FROM booking_transitions WHERE booking_id = $1 ORDER BY id", bookingID).map { try $0.decode("at") }
        let statusDays: [Date] = try c.query("SELECT created_at FROM portal_events WHERE booking_id = $1 AND kind = 'status' ORDER BY id", bookingID)
            .map { try $0.decode("created_at") }
        #expect(history == statusDays)
        let when = try c.query("""
            SELECT p.sent_at, p.accepted_at, pay.counted_at, i.issued_on::text AS issued_on, (pay.counted_at AT TIME ZONE 'Asia/Kolkata')::date::text AS paid_on,
                   (SELECT created_at FROM portal_events WHERE booking_id = $1 AND kind = 'payment') AS told_at, b.created_at AS enquired_at,
                   m.due_on::text AS deposit_due
            FROM proposals p JOIN bookings b ON b.id = p.booking_id JOIN payment_milestones m ON m.proposal_id = p.id AND m.sequence = 1
            JOIN payments pay ON pay.milestone_id = m.id JOIN invoices i ON i.payment_id = pay.id WHERE p.booking_id = $1
            """, bookingID).first!
        let sent: Date = try when.decode("sent_at"), accepted: Date = try when.decode("accepted_at"), countedAt: Date = try when.decode("counted_at")
        let enquiredAt: Date = try when.decode("enquired_at"), toldAt: Date = try when.decode("told_at")
        let issuedOn: String = try when.decode("issued_on"), paidOn: String = try when.decode("paid_on"), depositDue: String = try when.decode("deposit_due")
        #expect(enquiredAt == history.first)
        #expect(history[2] == sent && sent < accepted && accepted < countedAt && history[3] == countedAt && toldAt == countedAt)
        #expect(issuedOn == paidOn && depositDue <= paidOn)

        let tasks = try c.query("SELECT count(*) FILTER (WHERE done_at IS NULL) AS open, count(*) FILTER (WHERE done_at IS NOT NULL) AS done FROM tasks WHERE booking_id = $1", bookingID).first!
        #expect(try tasks.decode("open") as Int64 >= 1)
        #expect(try tasks.decode("done") as Int64 >= 1)
    }
}
