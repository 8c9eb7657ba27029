import Foundation
import Testing
import RochCore

/// The rule for bookings whose start time nobody has set yet (ReminderPlan.make with `startTime: nil`).
struct ReminderStartTimeRuleTests {
    static let eventDay = CalendarDay("2027-02-14")!
    static let ten = TimeOfDay(hour: 10, minute: 0)!

    static func ist(_ day: String, _ hour: Int, _ minute: Int = 0) -> Date {
        IST.instant(CalendarDay(day)!, TimeOfDay(hour: hour, minute: minute)!)
    }

    static let unknown = ReminderPlan.make(eventDate: eventDay, startTime: nil, defaultStartTime: ten, unpaidMilestones: [
        ReminderMilestone(sequence: 2, dueOn: CalendarDay("2027-02-07")!),
    ])

    @Test func withoutAStartTimeThe48hReminderUsesTheDefaultHourInIndiaAndSaysTheTimeIsAssumed() throws {
        let r = try #require(Self.unknown.reminders.first { $0.kind == .eventReminder48h })
        #expect(r.dueAt == Self.ist("2027-02-12", 10))
        #expect(r.staleAt == Self.ist("2027-02-13", 10))
        #expect(r.startTimeAssumed)
        #expect(r.key == "event_reminder_48h:2027-02-14T10:00-unconfirmed")
        #expect(r.moment == .eventReminder48h)
    }

    @Test func withoutAStartTimeThereIsNo2hReminderButTheCoordinatorIsAskedADayBeforeThe48hReminder() throws {
        #expect(!Self.unknown.reminders.contains { $0.kind == .eventReminder2h })
        let ask = try #require(Self.unknown.reminders.first { $0.kind == .startTimeMissing })
        #expect(ask.dueAt == Self.ist("2027-02-11", 10))
        #expect(ask.staleAt == Self.ist("2027-02-14", 8))       // useful until 2 h before the assumed start
        #expect(ask.moment == .startTimeMissing)
        #expect(ReminderKind.startTimeMissing.recipients == [.coordinator])
        #expect(ask.key == "start_time_missing:2027-02-14")
        // Payment reminders do not depend on the start time.
        #expect(Self.unknown.reminders.filter { $0.milestoneSequence == 2 }.map(\.kind) == [.paymentDueSoon, .paymentOverdue])
        #expect(Self.unknown.reminders.map(\.dueAt) == Self.unknown.reminders.map(\.dueAt).sorted())
    }

    @Test func aKnownStartTimeGivesExactlyTheUsualPlan() {
        let six = TimeOfDay(hour: 18, minute: 30)!
        let known = ReminderPlan.make(eventDate: Self.eventDay, startTime: six, defaultStartTime: Self.ten, unpaidMilestones: [])
        #expect(known == ReminderPlan.make(eventDate: Self.eventDay, startTime: six, unpaidMilestones: []))
        #expect(known.reminders.map(\.kind) == [.eventReminder48h, .eventReminder2h])
        #expect(!known.reminders.contains { $0.startTimeAssumed })
    }

    @Test func settingTheTimeLaterReplacesTheAssumedRemindersEvenAtTheDefaultHour() {
        let set = ReminderPlan.make(eventDate: Self.eventDay, startTime: Self.ten, defaultStartTime: Self.ten, unpaidMilestones: [])
        let assumedKeys = Set(Self.unknown.reminders.filter { $0.milestoneSequence == nil }.map(\.key))
        #expect(assumedKeys.isDisjoint(with: set.reminders.map(\.key)))
    }

    @Test func aBookingConfirmedLateIsAskedStraightAwayWhileItStillHelps() {
        let ask = Self.unknown.reminders.first { $0.kind == .startTimeMissing }!
        #expect(ask.decide(now: Self.ist("2027-02-13", 9)) == .send)
        if case .skip = ask.decide(now: Self.ist("2027-02-14", 9)) {} else { Issue.record("an hour before the assumed start it is too late") }
    }

    @Test func theUnconfirmedWordingFillsTheEventTimeOfThe48hMessage() throws {
        let message = try NotificationCatalogue.render(moment: .eventReminder48h, recipient: .client, parameters: [
            "client_name": "Ananya", "event_type": "wedding", "event_date": NotificationFormat.date(Self.eventDay),
            "event_time": ReminderPlan.unconfirmedStartWording, "venue": "Leela Palace", "coordinator_name": "Arjun",
            "coordinator_phone": "+919820023456",
        ])
        #expect(message.whatsAppParameters[3] == "a start time still to be confirmed")
        #expect(message.emailText.contains("Sunday, 14 February 2027 at a start time still to be confirmed, at Leela Palace"))
    }

    @Test func aBookingStillToHappenWithoutAStartTimeIsFlagged() {
        #expect(ReminderPlan.needsStartTime(hasStartTime: false, state: .depositPaid))
        #expect(ReminderPlan.needsStartTime(hasStartTime: false, state: .enquiry))
        #expect(!ReminderPlan.needsStartTime(hasStartTime: true, state: .depositPaid))
        #expect(!ReminderPlan.needsStartTime(hasStartTime: false, state: .completed))
        #expect(!ReminderPlan.needsStartTime(hasStartTime: false, state: .cancelled))
    }
}
