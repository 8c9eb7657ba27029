import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

@Suite(.serialized) struct ReminderTests {
    /// A confirmed booking (deposit paid) with an agreed start time.
    func confirmed(_ kit: NotificationKit, daysAhead: Int = 30, time: String = "18:30") async throws -> BookingRecord {
        let booking = try await kit.booking(daysAhead: daysAhead)
        return try await kit.sync { c in
            try BookingRepository.schedule(c, id: booking.id, date: booking.eventDate, startTime: time)
            try c.execute("UPDATE bookings SET state = 'deposit_paid' WHERE id = $1", booking.id)
            return try BookingRepository.find(c, id: booking.id)!
        }
    }

    func reminders(_ kit: NotificationKit, _ bookingID: Int64) async throws -> [(moment: String, role: String, status: String, due: Date)] {
        try await kit.sync { c in
            try c.query("""
                SELECT moment, recipient_role, status, due_at FROM notifications
                WHERE booking_id = $1 AND channel = 'whatsapp' AND moment IN ('event_reminder_48h', 'event_reminder_2h', 'payment_due_reminder') ORDER BY due_at, id
                """, bookingID).map { (try $0.decode("moment"), try $0.decode("recipient_role"), try $0.decode("status"), try $0.decode("due_at")) }
        }
    }

    @Test func theScheduleRemindersJobQueues48hAnd2hRemindersFromTheISTStartTime() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await confirmed(kit)
        try await kit.sync { c in
            try OutboxRepository.enqueueJob(c, kind: "schedule_reminders", idempotencyKey: "sr:1", payload: JSONB("{\"booking_id\":\"\(booking.id)\"}"))
        }
        try await kit.drain(kit.worker())
        #expect(try await kit.strings("SELECT status AS s FROM jobs") == ["done"])
        let rows = try await reminders(kit, booking.id)
        let start = IST.instant(booking.eventDate, TimeOfDay(hour: 18, minute: 30)!)
        #expect(rows.map(\.role) == ["client", "coordinator", "client", "coordinator"])
        #expect(rows.filter { $0.moment == "event_reminder_48h" }.allSatisfy { $0.due == start.addingTimeInterval(-48 * 3_600) })
        #expect(rows.filter { $0.moment == "event_reminder_2h" }.allSatisfy { $0.due == start.addingTimeInterval(-2 * 3_600) })
        #expect(rows.allSatisfy { $0.status == "queued" })  // not due yet: the worker leaves them
        #expect(!kit.fake.acceptedMessages.contains { $0.template.hasPrefix("event_reminder") })
        // Running the job again (a retry after a crash) adds nothing.
        try await kit.sync { c in
            try OutboxRepository.enqueueJob(c, kind: "schedule_reminders", idempotencyKey: "sr:2", payload: JSONB("{\"booking_id\":\"\(booking.id)\"}"))
        }
        try await kit.drain(kit.worker())
        #expect(try await reminders(kit, booking.id).count == 4)
    }

    @Test func reschedulingCancelsTheOldRemindersAndQueuesNewOnes() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await confirmed(kit)
        let planner = Reminders(configuration: kit.context.configuration)
        try await kit.sync { c in try c.transaction { c in try planner.reschedule(booking.id, on: c) } }
        let newDay = booking.eventDate.adding(days: 7)
        let queued = try await kit.sync { c in
            try c.transaction { c in
                try BookingRepository.schedule(c, id: booking.id, date: newDay, startTime: "11:00")
                return try planner.reschedule(booking.id, on: c)
            }
        }
        #expect(queued == 8)  // client and coordinator, WhatsApp and email
        let rows = try await reminders(kit, booking.id)
        #expect(rows.filter { $0.status == "cancelled" }.count == 4)
        let live = rows.filter { $0.status == "queued" }
        #expect(live.count == 4)
        #expect(live.allSatisfy { $0.due > IST.instant(newDay, TimeOfDay(hour: 0, minute: 0)!).addingTimeInterval(-3 * 86_400) })
        // Moving it back revives the first set instead of leaving the date without reminders.
        try await kit.sync { c in
            try c.transaction { c in
                try BookingRepository.schedule(c, id: booking.id, date: booking.eventDate, startTime: "18:30")
                try planner.reschedule(booking.id, on: c)
            }
        }
        let back = try await reminders(kit, booking.id).filter { $0.status == "queued" }
        #expect(back.count == 4)
        #expect(back.allSatisfy { $0.due < IST.instant(newDay, TimeOfDay(hour: 0, minute: 0)!).addingTimeInterval(-6 * 86_400) })
    }

    @Test func remindersAlreadyPastTheirUsefulTimeAreNotQueued() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        // The event starts in 20 hours: the 48 h reminder stopped being useful 4 hours ago, the 2 h one is ahead.
        let start = Date().addingTimeInterval(20 * 3_600)
        let day = IST.day(of: start)
        let minutes = (Int(start.timeIntervalSince1970) + IST.offsetSeconds - day.daysSinceEpoch * 86_400) / 60
        let time = String(format: "%02d:%02d", minutes / 60, minutes % 60)
        let booking = try await confirmed(kit)
        try await kit.sync { c in try BookingRepository.schedule(c, id: booking.id, date: day, startTime: time) }
        try await kit.sync { c in try c.transaction { c in try Reminders(configuration: kit.context.configuration).reschedule(booking.id, on: c) } }
        let moments = Set(try await reminders(kit, booking.id).map(\.moment))
        #expect(moments == ["event_reminder_2h"])
    }

    @Test func paymentRemindersGoToTheClientWhenDueSoonAndAlsoTheTeamWhenOverdue() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await confirmed(kit, daysAhead: 40)
        let today = IST.day(of: Date())
        let source: UnpaidMilestoneSource = { _, _ in [
            PaymentReminderMilestone(sequence: 2, label: "balance payment", amount: Money(rupees: 350_000), dueOn: today.adding(days: 20),
                                     paymentLink: "https://rzp.io/i/balance"),
        ] }
        try await kit.sync { c in try c.transaction { c in try Reminders(configuration: kit.context.configuration, milestones: source).reschedule(booking.id, on: c) } }
        let payment = try await kit.sync { c in
            try c.query("""
                SELECT recipient_role, parameters->>'due_status' AS due_status, parameters->>'amount' AS amount FROM notifications
                WHERE moment = 'payment_due_reminder' AND channel = 'whatsapp' ORDER BY due_at, recipient_role
                """).map { (try $0.decode("recipient_role", as: String.self), try $0.decode("due_status", as: String.self), try $0.decode("amount", as: String.self)) }
        }
        #expect(payment.map(\.0) == ["client", "client", "team"])
        #expect(payment[0].1.hasPrefix("due on ") && payment[1].1.hasPrefix("overdue"))
        #expect(payment.allSatisfy { $0.2 == "₹3,50,000" })
    }

    @Test func aCancelledBookingGetsNoRemindersAndLosesQueuedOnes() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await confirmed(kit)
        let planner = Reminders(configuration: kit.context.configuration)
        try await kit.sync { c in try c.transaction { c in try planner.reschedule(booking.id, on: c) } }
        try await kit.sync { c in
            try c.transaction { c in
                try TransitionService(configuration: kit.context.configuration).fire(
                    TransitionRequest(bookingID: booking.id, event: .cancel, actor: .teamMember, actorLabel: "staff:1", reason: "client moved abroad"), on: c)
            }
        }
        #expect(try await reminders(kit, booking.id).allSatisfy { $0.status == "cancelled" })
        #expect(try await kit.sync { c in try planner.reschedule(booking.id, on: c) } == 0)
    }

    @Test func paymentRemindersComeFromTheOpenMilestonesAndAreCancelledOnceTheMilestoneIsPaid() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await confirmed(kit, daysAhead: 40)
        let due = IST.day(of: Date()).adding(days: 20).description
        try await kit.sync { c in
            let proposal: Int64 = try c.query("""
                INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ($1, 'prop-rem-00000000000001', 100000000, 'accepted')
                RETURNING id
                """, booking.id).first!.decode("id")
            try c.execute("""
                INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status,
                                                amount_paid_paise, short_url)
                VALUES ('ms-rem-deposit-0000000001', $1, $2, 1, 'deposit', 30000000, current_date, 'on_acceptance', 'paid', 30000000, NULL),
                       ('ms-rem-balance-0000000002', $1, $2, 2, 'balance', 70000000, $3::date, 'days_before_event:7', 'partially_paid',
                        20000000, 'https://rzp.io/i/bal2')
                """, proposal, booking.id, due)
            try OutboxRepository.enqueueJob(c, kind: "schedule_reminders", idempotencyKey: "sr:pay", payload: JSONB("{\"booking_id\":\"\(booking.id)\"}"))
        }
        try await kit.drain(kit.worker())
        let planned = try await kit.sync { c in
            try c.query("""
                SELECT parameters->>'milestone_label' AS label, parameters->>'amount' AS amount, parameters->>'payment_link' AS link
                FROM notifications WHERE moment = 'payment_due_reminder' AND channel = 'whatsapp' AND recipient_role = 'client'
                """).map { [try $0.decode("label", as: String.self), try $0.decode("amount", as: String.self), try $0.decode("link", as: String.self)] }
        }
        #expect(planned == [["balance", "₹5,00,000", "https://rzp.io/i/bal2"], ["balance", "₹5,00,000", "https://rzp.io/i/bal2"]])
        try await kit.sync { c in try c.execute("UPDATE payment_milestones SET status = 'paid', amount_paid_paise = amount_paise WHERE sequence = 2") }
        _ = try await kit.worker().runOnce()
        #expect(try await kit.strings("SELECT DISTINCT status || ': ' || last_error AS s FROM notifications WHERE moment = 'payment_due_reminder'")
                == ["cancelled: cancelled: the balance is settled"])
    }
}
