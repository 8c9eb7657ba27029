import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// Event reminders for a booking that came through the booking form and was confirmed by a real
/// deposit webhook: nothing has set its start time (the staff side does not exist yet).
@Suite struct StartTimeReminderTests {
    /// Form -> discussion -> proposal sent -> deposit paid (webhook), then the queued
    /// `schedule_reminders` job run by its handler, as the worker does.
    func confirmedFromTheForm() async throws -> PaymentFixture {
        let f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
        try await f.payDeposit()
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.strings("SELECT coalesce(event_start_time::text, 'none') AS v FROM bookings WHERE id = $1", f.bookingID) == ["none"])
        try await f.runQueuedJobs("schedule_reminders", ScheduleRemindersJob())
        return f
    }

    @Test func withoutAStartTimeThe48hReminderIsQueuedAtTheDefaultHourAndTheCoordinatorIsAskedForTheTime() async throws {
        let f = try await confirmedFromTheForm()
        let assumedStart = IST.instant(f.eventDate, Configuration.defaultEventStartTime)

        let twoDays = try f.messages(.eventReminder48h)
        #expect(Set(twoDays.map(\.role)) == ["client", "coordinator"])
        for m in twoDays {
            #expect(m.status == "queued")
            #expect(m.due == assumedStart.addingTimeInterval(-48 * 3_600))
            #expect(m.parameters["event_time"] == "a start time still to be confirmed")
            let rendered = try NotificationCatalogue.render(moment: .eventReminder48h, recipient: RecipientRole(rawValue: m.role)!, parameters: m.parameters)
            #expect(rendered.whatsAppParameters.contains("a start time still to be confirmed"))
        }
        #expect(try f.messages(.eventReminder2h).isEmpty)

        let ask = try f.messages(.startTimeMissing)
        #expect(ask.map { "\($0.role):\($0.channel)" }.sorted() == ["coordinator:email", "coordinator:whatsapp"])
        #expect(ask.allSatisfy { $0.due == assumedStart.addingTimeInterval(-72 * 3_600) && $0.status == "queued" })
        #expect(ask.allSatisfy { $0.due < twoDays[0].due })   // in time for the 48 h reminder to carry the real time
        for m in ask {
            #expect(throws: Never.self) { try NotificationCatalogue.render(moment: .startTimeMissing, recipient: .coordinator, parameters: m.parameters) }
        }
    }

    @Test func theDefaultHourIsConfigurable() async throws {
        let f = try await confirmedFromTheForm()
        var configuration = f.context.configuration
        configuration = try Configuration(environment: ["DATABASE_URL": configuration.databaseURL, "SITE_URL": configuration.siteURL,
                                                        "EVENT_DEFAULT_START_TIME": "17:30"])
        #expect(configuration.eventDefaultStartTime == TimeOfDay(hour: 17, minute: 30))
        let id = f.bookingID
        _ = try f.context.database.withConnectionSync { c in try c.transaction { c in try Reminders(configuration: configuration).reschedule(id, on: c) } }
        let live = try f.messages(.eventReminder48h).filter { $0.status == "queued" }
        #expect(!live.isEmpty)
        #expect(live.allSatisfy { $0.due == IST.instant(f.eventDate, TimeOfDay(hour: 17, minute: 30)!).addingTimeInterval(-48 * 3_600) })
        #expect(throws: Configuration.Problems.self) {
            try Configuration(environment: ["DATABASE_URL": "postgresql://x@127.0.0.1/x", "EVENT_DEFAULT_START_TIME": "6pm"])
        }
    }

    @Test func settingTheStartTimeReplacesTheAssumedReminderAndAddsThe2hOne() async throws {
        let f = try await confirmedFromTheForm()
        let configuration = f.context.configuration, id = f.bookingID, day = f.eventDate
        _ = try f.context.database.withConnectionSync { c in
            try c.transaction { c in
                try BookingRepository.schedule(c, id: id, date: day, startTime: "18:30")
                return try Reminders(configuration: configuration).reschedule(id, on: c)
            }
        }
        let start = IST.instant(f.eventDate, TimeOfDay(hour: 18, minute: 30)!)
        let twoDays = try f.messages(.eventReminder48h)
        #expect(twoDays.filter { $0.status == "cancelled" }.allSatisfy { $0.parameters["event_time"] == "a start time still to be confirmed" })
        let live = twoDays.filter { $0.status == "queued" }
        #expect(live.count == 4 && live.allSatisfy { $0.due == start.addingTimeInterval(-48 * 3_600) && $0.parameters["event_time"] == "6:30 pm IST" })
        let twoHours = try f.messages(.eventReminder2h)
        #expect(twoHours.count == 4 && twoHours.allSatisfy { $0.due == start.addingTimeInterval(-2 * 3_600) && $0.status == "queued" })
        #expect(try f.messages(.startTimeMissing).allSatisfy { $0.status == "cancelled" })
    }

    @Test func aTimeAgreedAfterTheAssumedReminderWentOutDoesNotSendTwoDaysToGoTwice() async throws {
        let f = try await confirmedFromTheForm()
        // The assumed-time 48 h reminder has gone out (the worker sent it at its time).
        _ = try f.context.database.withConnectionSync { c in
            try c.execute("UPDATE notifications SET status = 'sent', sent_at = now() WHERE booking_id = $1 AND moment = 'event_reminder_48h'", f.bookingID)
        }
        let configuration = f.context.configuration, id = f.bookingID, day = f.eventDate
        _ = try f.context.database.withConnectionSync { c in
            try c.transaction { c in
                try BookingRepository.schedule(c, id: id, date: day, startTime: "19:00")
                return try Reminders(configuration: configuration).reschedule(id, on: c)
            }
        }
        #expect(try f.messages(.eventReminder48h).allSatisfy { $0.status == "sent" })
        #expect(try f.messages(.eventReminder2h).filter { $0.status == "queued" }.count == 4)
    }
}
