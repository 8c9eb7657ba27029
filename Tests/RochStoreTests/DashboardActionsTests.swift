import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The dashboard's two buttons against PostgreSQL: retrying a failed message, and which milestone
/// a reminder may be sent for; and that migration 0022 tells a listener when a panel's data changes.
@Suite struct DashboardActionsTests {
    let c: Connection
    let url: String
    var booking: Int64 = 0
    var proposal: Int64 = 0

    init() async throws {
        url = try await TestDatabase.makeMigrated()
        c = try Connection(url: url)
        let client: Int64 = try c.query("INSERT INTO clients (phone, name) VALUES ('+919876500001', 'Ananya Rao') RETURNING id").first!.decode("id")
        booking = try c.query("""
            INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget)
            VALUES ('wedding_public_id_00000000', $1, 'active_preparation', 'wedding', current_date + 30, 'Jaipur', 200, '10l_25l') RETURNING id
            """, client).first!.decode("id")
        proposal = try c.query("INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ($1, 'prop_w', 300000000, 'accepted') RETURNING id",
                               booking).first!.decode("id")
        try c.execute("""
            INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, amount_paid_paise, due_on, due_rule, status, short_url)
            VALUES ('ms_paid_0000000000000000000', $1, $2, 1, 'Deposit', 100000000, 100000000, current_date - 30, 'on_acceptance', 'paid', NULL),
                   ('ms_linked_000000000000000000', $1, $2, 2, 'Second instalment', 100000000, 0, current_date - 2, 'fixed', 'link_issued', 'https://rzp.io/l/abc'),
                   ('ms_expired_00000000000000000', $1, $2, 3, 'Balance', 100000000, 0, current_date + 20, 'fixed', 'expired', 'https://rzp.io/l/old')
            """, proposal, booking)
    }

    func failedMessage() throws -> Int64 {
        try c.query("""
            INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, channel, address, status, attempts, last_error)
            VALUES ('k-' || gen_random_uuid(), 'payment_received', $1, 'client', 'whatsapp', '+919876500001', 'failed', 8, '(#131026) undeliverable')
            RETURNING id
            """, booking).first!.decode("id")
    }

    @Test func aFailedMessageGoesBackInTheQueueOnceWithWhoAskedInItsHistory() throws {
        let id = try failedMessage()
        #expect(try DashboardActions.retryMessage(c, id: id, by: "Riya (staff:1)") == .requeued(bookingID: booking))
        let row = try c.query("SELECT status, attempts, next_attempt_at <= now() AS due FROM notifications WHERE id = $1", id).first!
        #expect(try row.decode("status") as String == "queued" && row.decode("attempts") as Int == 0 && row.decode("due") as Bool)
        let history: [String] = try c.query("SELECT detail FROM notification_events WHERE notification_id = $1", id).map { try $0.decode("detail") }
        #expect(history == ["retry asked for by Riya (staff:1)"])
        // a second tap finds it queued and changes nothing
        #expect(try DashboardActions.retryMessage(c, id: id, by: "Riya (staff:1)") == .notFailed(status: "queued"))
        #expect(try DashboardActions.retryMessage(c, id: 987_654, by: "Riya (staff:1)") == .notFound)
    }

    @Test func aReminderIsForAnUnpaidMilestoneOfTheCurrentProposalOfALiveBooking() throws {
        let linked = try DashboardActions.reminderTarget(c, milestonePublicID: "ms_linked_000000000000000000").get()
        #expect(linked.milestone.label == "Second instalment" && !linked.needsNewLink && linked.booking.id == booking)
        #expect(try DashboardActions.reminderTarget(c, milestonePublicID: "ms_expired_00000000000000000").get().needsNewLink)
        #expect(try DashboardActions.reminderTarget(c, milestonePublicID: "ms_paid_0000000000000000000") == .failure(.nothingOwed(.paid)))
        #expect(try DashboardActions.reminderTarget(c, milestonePublicID: "no_such_milestone_000000000") == .failure(.notFound))
        try c.execute("UPDATE proposals SET status = 'superseded' WHERE id = $1", proposal)
        #expect(try DashboardActions.reminderTarget(c, milestonePublicID: "ms_linked_000000000000000000") == .failure(.superseded))
        try c.execute("UPDATE proposals SET status = 'accepted' WHERE id = $1", proposal)
        try c.execute("UPDATE bookings SET state = 'cancelled' WHERE id = $1", booking)
        #expect(try DashboardActions.reminderTarget(c, milestonePublicID: "ms_linked_000000000000000000") == .failure(.bookingCancelled))
    }

    @Test func aPaymentAndAMessageStatusNotifyTheDashboardButALeaseDoesNot() throws {
        let listener = try Connection(url: url)
        try listener.execute("LISTEN \(DashboardActions.channel)")
        let id = try failedMessage()
        try c.execute("UPDATE payment_milestones SET amount_paid_paise = 1 WHERE public_id = 'ms_linked_000000000000000000'")
        try c.execute("UPDATE notifications SET status = 'sending' WHERE id = $1", id)  // the worker's claim: not news
        try c.execute("UPDATE notifications SET status = 'sent' WHERE id = $1", id)
        var heard: [String] = []
        // keep listening a little past the third: a notification for the lease would be a fourth
        for _ in 0..<8 where heard.count < 4 { heard += try listener.waitForNotifications(timeout: 0.4).map(\.payload) }
        #expect(heard == ["notifications", "payment_milestones", "notifications"])
    }
}
